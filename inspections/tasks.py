"""Celery tasks of inspections: thin wrappers over services (the lead wires the beat schedule)."""

from __future__ import annotations

from celery import shared_task

from . import plans


@shared_task(acks_late=True)
def create_quarter_plans(year: int | None = None, quarter: int | None = None) -> dict[str, int]:
    """§1: plan every active township's supervision visits for the quarter (default: the current one in
    Asia/Shanghai). Idempotent, so a retry or a second beat run after a worker restart plans nothing twice."""
    return plans.quarter_plans_create_all(year=year, quarter=quarter)
