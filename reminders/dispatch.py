"""Handing work to Celery without ever making a web request wait for, or fail on, the broker."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any) -> bool:
    """Send a task; if the broker (Redis) is down, log it and go on: the periodic scan delivers what is pending
    once the broker is back (see tasks.scan_reminders)."""
    try:
        if task.app.conf.task_always_eager:
            task.apply_async(args=args)
            return True
        with task.app.producer_or_acquire() as producer:
            # One connection attempt, not kombu's retry loop (about 2 s on a closed port), and no result store
            # (nobody reads these results; subscribing to an unreachable one retries for about 20 s).
            producer.connection.ensure_connection(max_retries=0)
            task.apply_async(args=args, retry=False, ignore_result=True, producer=producer)
    except Exception:  # any broker failure must stay out of the user's request
        logger.warning("could not enqueue %s%r; it will be picked up by the next scan", task.name, args, exc_info=True)
        return False
    return True


def deliver_later(reminder_ids: Iterable[int]) -> None:
    from .tasks import deliver_reminder

    for pk in reminder_ids:
        enqueue(deliver_reminder, pk)


def hazard_changed(hazard_id: int) -> None:
    """Called by the hazard workflow on commit: the rules about this hazard run at once, not at the next scan."""
    from .tasks import scan_hazard

    transaction.on_commit(lambda: enqueue(scan_hazard, hazard_id))
