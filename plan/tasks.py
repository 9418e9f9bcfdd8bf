"""Celery tasks: thin wrappers over the services."""

from __future__ import annotations

from celery import shared_task

from . import scoreboard_services


@shared_task(acks_late=True)
def freeze_last_quarter() -> int:
    """Beat, daily 00:40 (Asia/Shanghai): store the scoreboard of the quarter just ended, once per township."""
    return scoreboard_services.freeze_last_quarter()
