"""Whose reminders a user sees: their own in the inbox; the office also the deliveries of its townships that a dead
worker left unknown (sent or not?), to check each one. Built on units.access."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from units.access import get_scope

from .models import Delivery, Reminder, ReminderQuerySet


def reminders_visible_to(user: Any) -> ReminderQuerySet:
    """The user's own reminders: nobody reads another person's inbox, the office included."""
    return Reminder.objects.filter(user_id=user.pk)


def unknown_deliveries_visible_to(user: Any) -> QuerySet[Reminder]:
    """The reminders of the office's townships whose delivery is unknown, oldest claim first (SPEC S7)."""
    unknown = Q(email_state=Delivery.UNKNOWN) | Q(sms_state=Delivery.UNKNOWN)
    office_townships = get_scope(user).office_townships
    return Reminder.objects.filter(unknown, township_id__in=office_townships).select_related("user").order_by("pk")
