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


@dataclass(frozen=True)
class NavGroup:
    label: str | Promise
    entries: tuple[NavEntry, ...]


ALL_ROLES = (*FIELD, Role.ENTERPRISE)
OFFICE = (Role.OFFICE, Role.ADMIN)

MENU: list[NavGroup] = [
    NavGroup(_("Dashboard"), (NavEntry(_("Dashboard"), "dashboard:index", FIELD),)),
    NavGroup(
        _("Hazards"),
        (
            NavEntry(_("Hazard ledger"), "hazards:list", ALL_ROLES),
            NavEntry(_("Overdue"), "hazards:overdue", FIELD),
            NavEntry(_("Listed supervision"), "hazards:listings", FIELD),
            NavEntry(_("Escalations"), "hazards:escalations", READERS),
            NavEntry(_("Import ledger"), "hazards:ledger_import", OFFICE),
            NavEntry(_("Nobody can act"), "hazards:stuck", OFFICE),
        ),
    ),
    NavGroup(
        _("Inspections"),
        (
            NavEntry(_("Inspections"), "inspections:list", ALL_ROLES),
            NavEntry(_("Quarterly supervision"), "inspections:quarter_board", FIELD),
            NavEntry(_("Handed-over problems"), "inspections:problems", FIELD),
            NavEntry(_("Self-inspections"), "inspections:self_inspections", ALL_ROLES),
            NavEntry(_("Places at risk"), "inspections:places", FIELD),
            NavEntry(_("Referrals to discipline"), "inspections:referrals", READERS),
            NavEntry(_("Checklists"), "inspections:checklist_list", FIELD),
            NavEntry(_("Random draws"), "inspections:draw_list", READERS),
            NavEntry(_("Inspector pool"), "inspections:inspector_list", READERS),
        ),
    ),
    NavGroup(
        _("Statistics"),
        (
            NavEntry(_("Monthly report"), "dashboard:monthly_report", FIELD),
            NavEntry(_("Statistics tables"), "dashboard:statistics", FIELD),
            NavEntry(_("Month-end trend"), "dashboard:trend", FIELD),
            NavEntry(_("Accidents"), "dashboard:accidents", FIELD),
        ),
    ),
    NavGroup(
        _("Organisation"),
        (
            NavEntry(_("Enterprises"), "units:enterprise_list", FIELD),
            NavEntry(_("Villages"), "units:village_list", READERS),
            NavEntry(_("Units"), "units:unit_list", READERS),
            NavEntry(_("Sectors"), "units:sector_list", READERS),
            NavEntry(_("Supervision groups"), "units:group_list", READERS),
            NavEntry(_("Import enterprises"), "units:enterprise_import", OFFICE),
            NavEntry(_("Township settings"), "units:township_settings", OFFICE),
        ),
    ),
    NavGroup(
        _("Administration"),
        (
            NavEntry(_("Reminder rules"), "reminders:rules", OFFICE),
            NavEntry(_("Deliveries to check"), "reminders:check", OFFICE),
            NavEntry(_("Administration"), "admin:index", (Role.ADMIN,)),
        ),
    ),
]


def _item(label: str | Promise, url: str, path: str) -> dict[str, Any]:
    return {"label": label, "url": url, "active": path.startswith(url)}


def menu_for(user: Any, path: str) -> list[dict[str, Any]]:
    """The groups of the navigation bar the user may use; a group with one entry shows as a plain link."""
    scope = get_scope(user)
    groups: list[dict[str, Any]] = []
    # An enterprise contact goes straight to their own enterprise(s).
    if scope.has_role(Role.ENTERPRISE):
        for pk in sorted(scope.enterprise_ids):
            url = reverse("units:enterprise_detail", args=[pk])
            groups.append({"label": _("My enterprise"), "items": [_item(_("My enterprise"), url, path)]})
    for group in MENU:
        items = [_item(e.label, reverse(e.url_name), path) for e in group.entries if scope.has_role(*e.roles)]
        if items:
            groups.append({"label": group.label, "items": items, "active": any(i["active"] for i in items)})
    return groups


def flat_menu(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for group in groups for item in group["items"]]
