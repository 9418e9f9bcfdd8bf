"""Who learns that a hazard changed: listeners the higher apps register (reminders, from its hooks.py).

Every step of the workflow that changes what is due about a hazard calls `hazard_changed` inside the step's own
transaction. A listener therefore runs in that transaction: what it records (reminders writes a ScanRequest, its
outbox row) commits with the step or rolls back with it, and whatever leaves the database (a Celery task, a
message) it defers with `transaction.on_commit`. A plain list, not a Django signal: the flow stays explicit
(STYLE.md: no signals for domain flow).
"""

from __future__ import annotations

from collections.abc import Callable

HazardListener = Callable[[int], None]

_listeners: list[HazardListener] = []


def on_hazard_changed(listener: HazardListener) -> HazardListener:
    """Register `listener(hazard_id)`; registering the same function again changes nothing."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def hazard_changed(hazard_id: int) -> None:
    """Tell every listener, in the order they registered, inside the caller's transaction."""
    for listener in _listeners:
        listener(hazard_id)
