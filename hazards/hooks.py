"""What the hazard register adds to the lower layers: its menu (core.menu), its link on the enterprise page
(core.panels) and what waits in the work queue (core.work_queue). Loaded by HazardsConfig.ready."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import menu, panels, work_queue
from core.dates import local_today
from core.work_queue import QueueEntry, Urgency, Waiting
from units.models import Role
from units.navigation import ALL_ROLES, FIELD, OFFICE, by_scope, seen_by

from .access import ESCALATION_READERS, hazards_visible_to, may_see_hazard_list
from .models import DEADLINE_STATUSES, Status

HAZARDS = menu.groups.add(menu.MenuGroup("hazards", _("Hazards"), order=20))
# Where a page has its own rule of who may open it, its entry asks that rule (units.navigation.by_scope).
for order, (label, url_name, visible) in enumerate(
    (
        (_("Hazard ledger"), "hazards:list", by_scope(may_see_hazard_list)),
        (_("Overdue"), "hazards:overdue", seen_by(*FIELD)),
        (_("Listed supervision"), "hazards:listings", seen_by(*FIELD)),
        (_("County-level listings"), "hazards:county_listings", seen_by(Role.COUNTY, Role.COUNTY_DEPARTMENT)),
        (_("Escalations"), "hazards:escalations", seen_by(*ESCALATION_READERS)),
        (_("Import ledger"), "hazards:ledger_import", seen_by(*OFFICE)),
        (_("Nobody can act"), "hazards:stuck", seen_by(*OFFICE)),
    )
):
    menu.entries.add(menu.MenuEntry(HAZARDS.key, label, url_name, visible, order=order))


def _enterprise_hazards(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    return {"enterprise": enterprise}


panels.panels.add(
    panels.Panel(
        "units.enterprise_actions", "hazards", "hazards/_enterprise_hazards_link.html", _enterprise_hazards, order=10
    )
)


def _list(**query: str) -> str:
    return f"{reverse('hazards:list')}?{urlencode(query)}"


def _overdue(user: Any) -> Waiting:
    overdue = hazards_visible_to(user).filter(status__in=DEADLINE_STATUSES, deadline__lt=local_today())
    return Waiting(overdue.count(), _list(overdue="true"))


def _to_register(user: Any) -> Waiting:
    return Waiting(hazards_visible_to(user).filter(status=Status.REPORTED).count(), _list(status=Status.REPORTED))


work_queue.entries.add(
    QueueEntry("hazards.overdue", _("Overdue hazards"), Urgency.OVERDUE, seen_by(*ALL_ROLES), _overdue, order=10)
)
work_queue.entries.add(
    QueueEntry(
        "hazards.to_register",
        _("Reports awaiting registration"),
        Urgency.WAITING,
        seen_by(Role.OFFICE, Role.DEPARTMENT),
        _to_register,
        order=20,
    )
)
