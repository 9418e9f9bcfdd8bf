"""The plan's phases and goals live in plan.phases (the plan app, below the dashboard, shows them too); the dashboard
reads them from there under its old name."""

from plan.phases import (
    DOUBLE_DECLINE,
    DYNAMIC_ZERO,
    GOALS,
    INCREMENT_BASE_YEAR,
    INCREMENT_DOWN,
    INCREMENT_GOAL_YEAR,
    PHASES,
    STOCK_ZERO,
    Goal,
    Phase,
    current_phase,
)

__all__ = [
    "DOUBLE_DECLINE",
    "DYNAMIC_ZERO",
    "GOALS",
    "INCREMENT_BASE_YEAR",
    "INCREMENT_DOWN",
    "INCREMENT_GOAL_YEAR",
    "PHASES",
    "STOCK_ZERO",
    "Goal",
    "Phase",
    "current_phase",
]
