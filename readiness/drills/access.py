"""Who sees and records drills, plans and penalties — built on units.access.Scope.

Drills and plans follow their enterprise: the office of its township, the departments of its sectors, the officers
of its village, leadership and the county read them; the enterprise sees only its own. The office and the
enterprise itself record them. Penalties follow their enterprise too, and the deciding unit's staff see their
unit's; another enterprise never sees them. The 零处罚 view is for the office, leadership and the county.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from hazards.access import hazards_visible_to
from hazards.models import Hazard
from inspections.access import inspections_visible_to
from inspections.models import Inspection
from units.access import Scope, enterprises_visible_to, get_scope
from units.models import Enterprise, Role, Unit

from ..models import Drill, EmergencyPlan, Penalty

ZERO_PENALTY_READERS = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN, Role.COUNTY)


def reads_drills(scope: Scope) -> bool:
    """Sees other enterprises' drills (the overdue list): everyone but an enterprise contact and the public."""
    return bool(scope.all_townships or scope.village_ids or scope.sector_ids)


def may_open_drill_list(scope: Scope) -> bool:
    """The list page (and its menu entry): readers, and enterprise contacts (sent on to their own page)."""
    return reads_drills(scope) or bool(scope.enterprise_ids)


def drills_visible_to(user: Any) -> QuerySet[Drill]:
    return Drill.objects.filter(enterprise__in=enterprises_visible_to(user).values("pk"))


def plans_visible_to(user: Any) -> QuerySet[EmergencyPlan]:
    return EmergencyPlan.objects.filter(enterprise__in=enterprises_visible_to(user).values("pk"))


def may_record_drills(scope: Scope, enterprise: Enterprise) -> bool:
    """The enterprise records its own drills and plans; the township's office may record them for it."""
    if not enterprise.is_active or scope.is_read_only:
        return False
    return enterprise.pk in scope.enterprise_ids or scope.is_office_for(enterprise.township_id)


def may_mark_key_unit(scope: Scope, enterprise: Enterprise) -> bool:
    return scope.is_office_for(enterprise.township_id)


def penalties_visible_to(user: Any) -> QuerySet[Penalty]:
    scope = get_scope(user)
    q = scope.q(
        township="township", village="enterprise__village", sector="enterprise__primary_sector", enterprise="enterprise"
    )
    if scope.unit_ids:
        q |= Q(unit_id__in=scope.unit_ids)
    return Penalty.objects.filter(q)


def linkable_hazards(user: Any, enterprise: Enterprise | None) -> QuerySet[Hazard]:
    """The hazards a penalty may link: the enterprise's, among those the user sees."""
    if enterprise is None:
        return Hazard.objects.none()
    return hazards_visible_to(user).filter(enterprise=enterprise)


def linkable_inspections(user: Any, enterprise: Enterprise | None) -> QuerySet[Inspection]:
    """The inspections a penalty may link: the enterprise's law-enforcement ones, among those the user sees."""
    if enterprise is None:
        return Inspection.objects.none()
    return inspections_visible_to(user).filter(is_law_enforcement=True, enterprise=enterprise)


def deciding_units_for(scope: Scope, township_id: int | None) -> QuerySet[Unit]:
    """The units with enforcement power (§28) the user may record a penalty for: all of the township's for the office,
    their own for a department's staff."""
    if township_id is None:
        return Unit.objects.none()
    units = Unit.objects.filter(has_enforcement_power=True, is_active=True, township_id=township_id)
    if scope.is_office_for(township_id):
        return units
    if scope.is_read_only:
        return units.none()
    return units.filter(pk__in=scope.unit_ids)


def may_void_penalty(scope: Scope, penalty: Penalty) -> bool:
    """Only the township's office corrects a penalty recorded in error, and only once."""
    return penalty.voided_at is None and scope.is_office_for(penalty.township_id)


def may_see_zero_penalty(scope: Scope) -> bool:
    return scope.has_role(*ZERO_PENALTY_READERS)
