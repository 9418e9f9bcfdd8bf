"""Readiness records, one module per topic (training and certificates, drills and plans, enforcement, work plans,
monthly reports); each is imported here so Django finds its models."""

from .filing import (  # noqa: F401
    FilingRound,
    FilingSettings,
    MonthlyReport,
    MonthlyReportEvent,
    WorkPlan,
    WorkPlanEvent,
    WorkPlanFile,
)
