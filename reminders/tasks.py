"""Celery tasks: thin wrappers over the engine and delivery.

Every task is safe to run twice (idempotent rows, claimed deliveries), so each one retries with back-off when the
database is away for a moment (a PostgreSQL restart, a failover) instead of dropping its work.
"""

from __future__ import annotations

import datetime as dt
from smtplib import SMTPException
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import delivery, engine
from .dispatch import deliver_later

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds before the first retry, doubling each time (with jitter) up to RETRY_BACKOFF_MAX.
RETRY_BACKOFF = getattr(settings, "REMINDER_RETRY_BACKOFF", 30)
RETRY_BACKOFF_MAX = 1800
RETRIES: dict[str, Any] = {
    "retry_backoff": RETRY_BACKOFF,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": delivery.MAX_EMAIL_ATTEMPTS,
}


@shared_task(acks_late=True, autoretry_for=DATABASE_ERRORS, **RETRIES)
def scan_reminders(at: str | None = None) -> int:
    """Every morning: run every rule; also what the workflow asked for and what stayed pending."""
    now = dt.datetime.fromisoformat(at) if at else None
    engine.run_scan_requests(now)
    result = engine.scan(now)
    delivery.mark_stale_claims()
    fresh = set(result.created)
    deliver_later(pk for pk in delivery.pending_ids() if pk not in fresh)
    return len(result.created)


@shared_task(acks_late=True, autoretry_for=DATABASE_ERRORS, **RETRIES)
def scan_hazard(hazard_id: int) -> int:
    """The fast path of a workflow step: its scan request, run at once (the periodic job runs it otherwise)."""
    return len(engine.run_scan_requests(hazard_ids=[hazard_id]).created)


@shared_task(acks_late=True, autoretry_for=DATABASE_ERRORS, **RETRIES)
def run_scan_requests() -> int:
    """Every two minutes: the workflow's scan requests that the fast path did not run (Redis was down)."""
    return len(engine.run_scan_requests().created)


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError, *DATABASE_ERRORS), **RETRIES)
def deliver_reminder(reminder_id: int) -> None:
    delivery.deliver(reminder_id)


@shared_task(acks_late=True, autoretry_for=DATABASE_ERRORS, **RETRIES)
def deliver_pending() -> int:
    """Every ten minutes: claims of a worker that died are marked for checking; the workflow's scan requests still
    open are run; what could not be enqueued (the broker was down) is sent now."""
    delivery.mark_stale_claims()
    fresh = set(engine.run_scan_requests().created)
    engine.forget_done_scan_requests()
    ids = [pk for pk in delivery.pending_ids() if pk not in fresh]
    deliver_later(ids)
    return len(ids)
