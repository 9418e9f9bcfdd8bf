"""Readiness records, one module per topic (training and certificates, drills and plans, enforcement, work plans,
monthly reports); each is imported here so Django finds its models."""

from .drills import Drill, DrillFile, DrillKeyUnit, EmergencyPlan, Penalty, PenaltyKind, PlanKind  # noqa: F401
from .filing import (  # noqa: F401
    FilingRound,
    FilingSettings,
    MonthlyReport,
    MonthlyReportEvent,
    WorkPlan,
    WorkPlanEvent,
    WorkPlanFile,
)
from .training import Attendee, Certificate, TrainingSession  # noqa: F401
