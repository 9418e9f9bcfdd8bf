"""What reminders add to the lower layers: its listener on the hazard workflow, its menu entries (core.menu) and
what waits in the work queue (core.work_queue). Loaded by RemindersConfig.ready."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import menu, work_queue
from core.work_queue import QueueEntry, Urgency, Waiting
from hazards.listeners import on_hazard_changed
from units.navigation import ALL_ROLES, OFFICE, seen_by

from .access import reminders_visible_to, unknown_deliveries_visible_to
from .dispatch import request_hazard_scan

on_hazard_changed(request_hazard_scan)

menu.entries.add(menu.MenuEntry("administration", _("Reminder rules"), "reminders:rules", seen_by(*OFFICE), order=10))
menu.entries.add(
    menu.MenuEntry("administration", _("Deliveries to check"), "reminders:check", seen_by(*OFFICE), order=20)
)


def _unread(user: Any) -> Waiting:
    count = reminders_visible_to(user).filter(read_at__isnull=True).count()
    return Waiting(count, f"{reverse('reminders:inbox')}?unread=1")


def _to_check(user: Any) -> Waiting:
    return Waiting(unknown_deliveries_visible_to(user).count(), reverse("reminders:check"))


work_queue.entries.add(
    QueueEntry("reminders.unread", _("Unread reminders"), Urgency.WAITING, seen_by(*ALL_ROLES), _unread, order=90)
)
work_queue.entries.add(
    QueueEntry("reminders.to_check", _("Deliveries to check"), Urgency.WAITING, seen_by(*OFFICE), _to_check, order=80)
)
