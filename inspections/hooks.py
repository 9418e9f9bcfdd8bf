"""What inspections add to the lower layers: problems nobody can act on (hazards.responsibility), the menu
(core.menu), panels on the enterprise and hazard pages (core.panels) and what waits in the work queue
(core.work_queue). Loaded by InspectionsConfig.ready."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import menu, panels, work_queue
from core.dates import local_today, quarter_of
from core.work_queue import QueueEntry, Urgency, Waiting
from hazards.responsibility import register_stuck_source
from units.access import enterprises_visible_to
from units.models import Enterprise, Role
from units.navigation import ALL_ROLES, FIELD, READERS, seen_by

from . import plans
from .access import may_see_places, own_enterprises, problems_visible_to
from .models import InspectionHazard, WorkProblem
from .stuck import stuck_problems

register_stuck_source(stuck_problems)

INSPECTIONS = menu.groups.add(menu.MenuGroup("inspections", _("Inspections"), order=30))
for order, (label, url_name, roles) in enumerate(
    (
        (_("Inspections"), "inspections:list", ALL_ROLES),
        (_("Quarterly supervision"), "inspections:quarter_board", FIELD),
        (_("Handed-over problems"), "inspections:problems", FIELD),
        (_("Self-inspections"), "inspections:self_inspections", ALL_ROLES),
        (_("Referrals to discipline"), "inspections:referrals", READERS),
        (_("Checklists"), "inspections:checklist_list", FIELD),
        (_("Random draws"), "inspections:draw_list", READERS),
        (_("Inspector pool"), "inspections:inspector_list", READERS),
    )
):
    menu.entries.add(menu.MenuEntry(INSPECTIONS.key, label, url_name, seen_by(*roles), order=order * 10))
# The places' menu entry follows the page's own rule (a department officer holds a FIELD role but has no places).
menu.entries.add(menu.MenuEntry(INSPECTIONS.key, _("Places at risk"), "inspections:places", may_see_places, order=35))


# -- panels on the pages of lower apps ---------------------------------------------------------------------------------


def _enterprise_actions(request: HttpRequest, enterprise: Enterprise) -> dict[str, Any]:
    return {"enterprise": enterprise, "status": plans.self_inspection_status(enterprise)}


def _found_in(request: HttpRequest, hazard: Any) -> dict[str, Any] | None:
    link = InspectionHazard.objects.filter(hazard_id=hazard.pk).values_list("inspection_id", flat=True).first()
    return None if link is None else {"inspection_id": link}


panels.panels.add(
    panels.Panel(
        "units.enterprise_actions",
        "inspections",
        "inspections/plans/_enterprise_actions.html",
        _enterprise_actions,
        order=20,
    )
)
panels.panels.add(
    panels.Panel("hazards.source", "inspection", "inspections/_hazard_found_in.html", _found_in, order=10)
)


# -- the work queue ----------------------------------------------------------------------------------------------------


def _url(name: str, **query: str) -> str:
    return f"{reverse(name)}?{urlencode(query)}"


def _problems_open(user: Any) -> Waiting:
    count = problems_visible_to(user).filter(state=WorkProblem.State.OPEN).count()
    return Waiting(count, _url("inspections:problems", state=WorkProblem.State.OPEN))


def _problems_overdue(user: Any) -> Waiting:
    count = problems_visible_to(user).filter(plans.problems_overdue_q()).count()
    return Waiting(count, _url("inspections:problems", state=WorkProblem.State.OPEN, overdue="on"))


def _visits_to_do(user: Any) -> Waiting:
    year, quarter = quarter_of(local_today())
    count = plans.visits_to_do(user, year=year, quarter=quarter).count()
    return Waiting(count, _url("inspections:quarter_board", year=str(year), quarter=str(quarter), todo="on"))


def _own_self_inspections_due(user: Any) -> Waiting:
    """An enterprise contact's own enterprises whose self-inspection of this period is not yet done (§4)."""
    own = plans.with_self_inspection_state(own_enterprises(user).filter(is_active=True))
    due = own.filter(si_state__in=(plans.DUE, plans.OVERDUE))  # type: ignore[misc]
    return Waiting(due.count(), reverse("inspections:self_inspections"))


def _self_inspections_overdue(user: Any) -> Waiting:
    enterprises = enterprises_visible_to(user).filter(is_active=True)
    count = plans.with_self_inspection_state(enterprises).filter(Q(si_state=plans.OVERDUE)).count()
    return Waiting(count, _url("inspections:self_inspections", state=plans.OVERDUE))


for entry in (
    QueueEntry(
        "inspections.problems_overdue",
        _("Handed-over problems past their deadline"),
        Urgency.OVERDUE,
        seen_by(*FIELD),
        _problems_overdue,
        order=30,
    ),
    QueueEntry(
        "inspections.problems_open",
        _("Handed-over problems awaiting a reply"),
        Urgency.WAITING,
        seen_by(*FIELD),
        _problems_open,
        order=40,
    ),
    QueueEntry(
        "inspections.visits_to_do",
        _("Supervision visits of this quarter still to do"),
        Urgency.DUE,
        seen_by(*FIELD),
        _visits_to_do,
        order=35,
    ),
    QueueEntry(
        "inspections.own_self_inspection_due",
        _("Your enterprise's self-inspection of this period"),
        Urgency.DUE,
        seen_by(Role.ENTERPRISE),
        _own_self_inspections_due,
        order=45,
    ),
    QueueEntry(
        "inspections.self_inspections_overdue",
        _("Enterprise self-inspections overdue"),
        Urgency.DUE,
        seen_by(*FIELD),
        _self_inspections_overdue,
        order=50,
    ),
):
    work_queue.entries.add(entry)
