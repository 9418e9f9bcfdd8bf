"""Drills and enforcement in the lower layers: menu entries, the panel on the enterprise page, the work queue."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import menu, panels, work_queue
from core.work_queue import QueueEntry, Urgency, Waiting
from units.access import enterprises_visible_to, get_scope
from units.models import Enterprise, Role
from units.navigation import ALL_ROLES, by_scope, seen_by

from . import access, due

# The group "readiness" is shared by the readiness topics; at merge only one creation stays.
READINESS = menu.groups.get("readiness")  # registered once in readiness/hooks.py
menu.entries.add(
    menu.MenuEntry(
        READINESS.key, _("Emergency drills"), "readiness:drill_list", by_scope(access.may_open_drill_list), order=30
    )
)
menu.entries.add(menu.MenuEntry(READINESS.key, _("Penalties"), "readiness:penalty_list", seen_by(*ALL_ROLES), order=40))
menu.entries.add(
    menu.MenuEntry(
        READINESS.key, _("Zero penalties"), "readiness:zero_penalty", by_scope(access.may_see_zero_penalty), order=41
    )
)


def _enterprise_drills(request: HttpRequest, enterprise: Enterprise) -> dict[str, Any]:
    return {"enterprise": enterprise, "status": due.drill_status(enterprise)}


panels.panels.add(
    panels.Panel(
        "units.enterprise_actions", "drills", "readiness/drills/_enterprise_panel.html", _enterprise_drills, order=30
    )
)


def _own_drills_due(user: Any) -> Waiting:
    """An enterprise contact's own enterprises whose drills are due or overdue (§24)."""
    ids = get_scope(user).enterprise_ids
    own = enterprises_visible_to(user).filter(is_active=True, pk__in=ids)
    count = due.with_drill_state(own).filter(Q(dr_state__in=(due.DUE, due.OVERDUE))).count()
    # The list page sends a contact on to their (first) enterprise's page: link there directly.
    url = reverse("readiness:enterprise_drills", args=[min(ids)]) if ids else reverse("readiness:drill_list")
    return Waiting(count, url)


def _drills_overdue(user: Any) -> Waiting:
    enterprises = enterprises_visible_to(user).filter(is_active=True)
    count = due.with_drill_state(enterprises).filter(Q(dr_state=due.OVERDUE)).count()
    return Waiting(count, f"{reverse('readiness:drill_list')}?state={due.OVERDUE}")


work_queue.entries.add(
    QueueEntry(
        "readiness.own_drills_due",
        _("Your enterprise's emergency drills due"),
        Urgency.DUE,
        seen_by(Role.ENTERPRISE),
        _own_drills_due,
        order=60,
    )
)
work_queue.entries.add(
    QueueEntry(
        "readiness.drills_overdue",
        _("Enterprise emergency drills overdue"),
        Urgency.DUE,
        seen_by(Role.OFFICE, Role.ADMIN, Role.DEPARTMENT, Role.VILLAGE),
        _drills_overdue,
        order=61,
    )
)
