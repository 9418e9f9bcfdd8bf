"""The navigation bar of every page: the menu the apps registered (core.menu), for the signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .menu import flat_menu, menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"nav_groups": [], "nav_items": []}
    groups = menu_for(request.user, request.path)
    return {"nav_groups": groups, "nav_items": flat_menu(groups)}
