"""What each role finds in the navigation bar. Each entry names the roles it is for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .access import get_scope
from .models import Role

READERS = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)
FIELD = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN, Role.DEPARTMENT, Role.VILLAGE)


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    roles: tuple[str, ...]


ALL_ROLES = (*FIELD, Role.ENTERPRISE)

ENTRIES: list[NavEntry] = [
    NavEntry(_("Hazards"), "hazards:list", ALL_ROLES),
    NavEntry(_("Overdue"), "hazards:overdue", FIELD),
    NavEntry(_("Listed supervision"), "hazards:listings", FIELD),
    NavEntry(_("Escalations"), "hazards:escalations", READERS),
    NavEntry(_("Import ledger"), "hazards:ledger_import", (Role.OFFICE, Role.ADMIN)),
    NavEntry(_("Enterprises"), "units:enterprise_list", FIELD),
    NavEntry(_("Villages"), "units:village_list", READERS),
    NavEntry(_("Units"), "units:unit_list", READERS),
    NavEntry(_("Sectors"), "units:sector_list", READERS),
    NavEntry(_("Supervision groups"), "units:group_list", READERS),
    NavEntry(_("Import enterprises"), "units:enterprise_import", (Role.OFFICE, Role.ADMIN)),
    NavEntry(_("Administration"), "admin:index", (Role.ADMIN,)),
]


def menu_for(user: Any, path: str) -> list[dict[str, Any]]:
    scope = get_scope(user)
    items: list[dict[str, Any]] = []
    for entry in ENTRIES:
        if not scope.has_role(*entry.roles):
            continue
        url = reverse(entry.url_name)
        items.append({"label": entry.label, "url": url, "active": path.startswith(url)})
    # An enterprise contact goes straight to their own enterprise(s).
    if scope.has_role(Role.ENTERPRISE):
        for pk in sorted(scope.enterprise_ids):
            url = reverse("units:enterprise_detail", args=[pk])
            items.insert(0, {"label": _("My enterprise"), "url": url, "active": path.startswith(url)})
    return items
