"""Who sees which link: the role sets the apps' hooks.py give their menu and work-queue entries (core.menu)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.menu import Visible

from .access import Scope, get_scope
from .models import Role

READERS = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)
FIELD = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN, Role.DEPARTMENT, Role.VILLAGE)
# The county's staff read the townships' registers; the county's own pages are given to them by name.
COUNTY = (Role.COUNTY, Role.COUNTY_DEPARTMENT)
ALL_ROLES = (*FIELD, Role.ENTERPRISE, *COUNTY)
OFFICE = (Role.OFFICE, Role.ADMIN)


def seen_by(*roles: str) -> Visible:
    """Visible to a user holding any of `roles`."""

    def visible(user: Any) -> bool:
        return get_scope(user).has_role(*roles)

    return visible


def by_scope(rule: Callable[[Scope], bool]) -> Visible:
    """Visible to whom the page's own rule lets in: the view and its menu entry ask the same function, so the menu
    never offers a page that answers 404 (issue 14)."""

    def visible(user: Any) -> bool:
        return rule(get_scope(user))

    return visible
