"""The header's township picker, for a user who works in several townships."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .access import current_township_id, township_choices, townships_to_choose


def township_picker(request: HttpRequest) -> dict[str, Any]:
    """The user's townships and the current one; nothing for a user of one township (no query for them)."""
    user = request.user
    if not user.is_authenticated or len(township_choices(user)) < 2:
        return {}
    current = current_township_id(request)
    townships = list(townships_to_choose(user).order_by("code"))
    return {
        "township_picker": {
            "townships": townships,
            "current": next((t for t in townships if t.pk == current), None),
        }
    }
