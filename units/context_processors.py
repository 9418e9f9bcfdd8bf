"""Navigation for the signed-in user's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": menu_for(request.user, request.path)}
