"""Readiness records, one module per topic (training and certificates, drills and plans, enforcement, work plans,
monthly reports); each is imported here so Django finds its models."""

from .filing import FilingRound, FilingSettings, MonthlyReport, WorkPlan, WorkPlanEvent, WorkPlanFile  # noqa: F401
