"""Celery tasks: thin wrappers over the engine and delivery."""

from __future__ import annotations

import datetime as dt
from smtplib import SMTPException

from celery import shared_task

from . import delivery, engine
from .dispatch import deliver_later


@shared_task(acks_late=True)
def scan_reminders(at: str | None = None) -> int:
    """Run every rule; also re-send what stayed pending (a broker outage, a crashed worker)."""
    now = dt.datetime.fromisoformat(at) if at else None
    result = engine.scan(now)
    delivery.release_stale_claims()
    fresh = set(result.created)
    deliver_later(pk for pk in delivery.pending_ids() if pk not in fresh)
    return len(result.created)


@shared_task(acks_late=True)
def scan_hazard(hazard_id: int) -> int:
    return len(engine.scan(hazard_ids=[hazard_id]).created)


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=delivery.MAX_EMAIL_ATTEMPTS,
)
def deliver_reminder(reminder_id: int) -> None:
    delivery.deliver(reminder_id)


@shared_task(acks_late=True)
def deliver_pending() -> int:
    """Every few minutes: what could not be enqueued (the broker was down) or whose worker died is sent now."""
    delivery.release_stale_claims()
    ids = delivery.pending_ids()
    deliver_later(ids)
    return len(ids)
