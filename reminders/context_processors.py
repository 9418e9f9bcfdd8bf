from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Reminder


def unread_reminders(request: HttpRequest) -> dict[str, Any]:
    """The bell's count on every page: one indexed query."""
    if not request.user.is_authenticated:
        return {}
    return {"unread_reminders": Reminder.objects.filter(user_id=request.user.pk, read_at__isnull=True).count()}
