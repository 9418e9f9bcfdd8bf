from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .access import reminders_visible_to


def unread_reminders(request: HttpRequest) -> dict[str, Any]:
    """The bell's count on every page: one indexed query."""
    if not request.user.is_authenticated:
        return {}
    return {"unread_reminders": reminders_visible_to(request.user).filter(read_at__isnull=True).count()}
