"""What waits for the user: the work queue, assembled from what each app registers in its hooks.py.

An entry counts, for one user, the records of its app that wait for them and names the list that shows exactly those
records (the count and the link agree: the list behind the URL shows that many rows). An entry shows only to the
users it is `visible` to, and only when something waits.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .menu import Label, Visible
from .registry import Registry


class Urgency(enum.IntEnum):
    """How soon it needs the user; the queue shows the most urgent first."""

    WAITING = 1  # waits for the user's step
    DUE = 2  # a period or deadline is running out
    OVERDUE = 3  # past its deadline


@dataclass(frozen=True)
class Waiting:
    count: int
    url: str


@dataclass(frozen=True)
class QueueEntry:
    key: str
    label: Label
    urgency: Urgency
    visible: Visible
    waiting: Callable[[Any], Waiting]  # the signed-in user → how many, and the list that shows them
    order: int


@dataclass(frozen=True)
class QueueItem:
    key: str
    label: Label
    urgency: Urgency
    count: int
    url: str


entries: Registry[QueueEntry] = Registry("work-queue entry")


def work_queue_for(user: Any) -> list[QueueItem]:
    """The entries the user may see that have something waiting, most urgent first, then in their order."""
    items = []
    for entry in entries:
        if not entry.visible(user):
            continue
        waiting = entry.waiting(user)
        if waiting.count:
            items.append(QueueItem(entry.key, entry.label, entry.urgency, waiting.count, waiting.url))
    return sorted(items, key=lambda item: -item.urgency)
