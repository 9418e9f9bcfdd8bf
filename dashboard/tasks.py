"""Celery tasks: thin wrappers over the services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from . import snapshots


@shared_task(acks_late=True)
def snapshot_last_month(at: str | None = None) -> int:
    """Beat, 00:30 on the 1st (Asia/Shanghai): store the month just ended for every township; returns rows written.

    Safe to run again (after a worker restart, or by hand): a month already stored is left alone."""
    now = dt.datetime.fromisoformat(at) if at else None
    results = snapshots.snapshot_townships(snapshots.month_just_ended(now))
    return sum(r.rows for r in results if r.created)
