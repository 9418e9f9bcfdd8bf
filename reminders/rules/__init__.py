"""The rule set. Each module registers its rules with the engine when imported (see apps.ReminderConfig.ready)."""

from . import (
    hazard_rules,
    inspection_rules,
    plan_rules,
    readiness_drills_rules,
    readiness_filing_rules,
    readiness_training_rules,
)

__all__ = [
    "hazard_rules",
    "inspection_rules",
    "plan_rules",
    "readiness_drills_rules",
    "readiness_filing_rules",
    "readiness_training_rules",
]
