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
from units.access import get_scope
from units.models import Role
from units.navigation import ALL_ROLES, FIELD, OFFICE, by_scope, seen_by

from .access import (
    ESCALATION_READERS,
    extension_deciders_q,
    hazards_visible_to,
    listings_visible_to,
    may_see_hazard_list,
    verifiable_q,
)
from .models import DEADLINE_STATUSES, Hazard, Status
from .models.supervision import listing_due_q
from .supervision_forms import ListingFilterForm

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


def _listings(**query: str) -> str:
    return f"{reverse('hazards:listings')}?{urlencode(query)}"


def _overdue(user: Any) -> Waiting:
    overdue = hazards_visible_to(user).filter(status__in=DEADLINE_STATUSES, deadline__lt=local_today())
    return Waiting(overdue.count(), _list(overdue="true"))


def _confirmation_overdue(user: Any) -> Waiting:
    """Reports past the confirmation limit (the dashboard's 超期未确认): the list's filter of the same name."""
    late = hazards_visible_to(user).filter(pk__in=Hazard.objects.confirmation_overdue().values("pk"))
    return Waiting(late.count(), _list(confirmation_overdue="true"))


def _to_register(user: Any) -> Waiting:
    """Reports still within the confirmation limit; those past it are their own, overdue entry."""
    late = Hazard.objects.confirmation_overdue().values("pk")
    count = hazards_visible_to(user).filter(status=Status.REPORTED).exclude(pk__in=late).count()
    return Waiting(count, _list(status=Status.REPORTED, confirmation_overdue="false"))


def _to_rectify(user: Any) -> Waiting:
    """The enterprise's own hazards it is rectifying and not yet overdue (those are the overdue entry): each needs its
    rectification done and acceptance asked for by the deadline."""
    rectifying = hazards_visible_to(user).filter(status=Status.RECTIFYING)
    count = rectifying.exclude(deadline__lt=local_today()).count()
    return Waiting(count, _list(status=Status.RECTIFYING, overdue="false"))


def _to_verify(user: Any) -> Waiting:
    count = hazards_visible_to(user).filter(verifiable_q(get_scope(user))).count()
    return Waiting(count, _list(to_verify="true"))


def _to_close(user: Any) -> Waiting:
    """Accepted hazards the office closes (销号): only the office of their township (TRANSITIONS "close")."""
    scope = get_scope(user)
    count = hazards_visible_to(user).filter(status=Status.VERIFIED, township__in=scope.office_townships).count()
    return Waiting(count, _list(status=Status.VERIFIED))


def _extensions_to_decide(user: Any) -> Waiting:
    count = hazards_visible_to(user).filter(extension_deciders_q(get_scope(user))).count()
    return Waiting(count, _list(extension_to_decide="true"))


def _listings_due(due: str) -> Any:
    def waiting(user: Any) -> Waiting:
        count = listings_visible_to(user).filter(listing_due_q(due, local_today())).count()
        return Waiting(count, _listings(due=due))

    return waiting


for entry in (
    QueueEntry("hazards.overdue", _("Overdue hazards"), Urgency.OVERDUE, seen_by(*ALL_ROLES), _overdue, order=10),
    QueueEntry(
        "hazards.confirmation_overdue",
        _("Reports past the confirmation limit"),
        Urgency.OVERDUE,
        seen_by(Role.OFFICE, Role.DEPARTMENT),
        _confirmation_overdue,
        order=11,
    ),
    QueueEntry(
        "hazards.listings_past",
        _("Listed hazards past their required date"),
        Urgency.OVERDUE,
        seen_by(*FIELD),
        _listings_due(ListingFilterForm.PAST),
        order=12,
    ),
    QueueEntry(
        "hazards.listings_soon",
        _("Listed hazards due within 15 days"),
        Urgency.DUE,
        seen_by(*FIELD),
        _listings_due(ListingFilterForm.SOON),
        order=13,
    ),
    QueueEntry(
        "hazards.to_register",
        _("Reports awaiting registration"),
        Urgency.WAITING,
        seen_by(Role.OFFICE, Role.DEPARTMENT),
        _to_register,
        order=20,
    ),
    QueueEntry(
        "hazards.to_verify",
        _("Rectifications awaiting your acceptance"),
        Urgency.WAITING,
        seen_by(Role.OFFICE, Role.DEPARTMENT),
        _to_verify,
        order=21,
    ),
    QueueEntry(
        "hazards.to_rectify",
        _("Hazards to rectify and ask acceptance for"),
        Urgency.DUE,
        seen_by(Role.ENTERPRISE),
        _to_rectify,
        order=24,
    ),
    QueueEntry("hazards.to_close", _("Hazards to close"), Urgency.WAITING, seen_by(Role.OFFICE), _to_close, order=22),
    QueueEntry(
        "hazards.extensions",
        _("Extension requests awaiting your decision"),
        Urgency.WAITING,
        seen_by(Role.OFFICE, Role.DEPARTMENT),
        _extensions_to_decide,
        order=23,
    ),
):
    work_queue.entries.add(entry)
