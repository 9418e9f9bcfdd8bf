"""Which hazards a user may see, and what they may do to one — built on units.access, the one scoping rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from units.access import Scope, get_or_404, get_scope
from units.models import Sector, Unit

from .models import ENTERPRISE_VISIBLE_STATUSES, Hazard, Role


def hazard_scope_q(scope: Scope, prefix: str = "") -> Q:
    """The rule for hazards (SPEC S2 "who sees what"), for any model reaching a hazard through `prefix`.

    Village officers: their villages. Lead units: their sectors (as lead or participant) and the hazards recorded
    against their unit. Enterprise contacts: their enterprise's hazards once registered, plus what they reported.
    Everyone also sees the hazards they reported themselves.
    """
    p = prefix
    q = scope.q(township=f"{p}township", village=f"{p}village", sector=f"{p}sector")
    if scope.unit_ids:
        q |= Q(**{f"{p}lead_unit__in": scope.unit_ids})
    if scope.enterprise_ids:
        q |= Q(**{f"{p}enterprise__in": scope.enterprise_ids, f"{p}status__in": ENTERPRISE_VISIBLE_STATUSES})
    if scope.user_id is not None and scope.has_role("village", "enterprise", "department"):
        # Whoever reported a hazard can follow it, even where it lies outside their area. (Not added for those who
        # see their whole township: the extra OR would keep PostgreSQL from using the list's indexes.)
        q |= Q(**{f"{p}reported_by": scope.user_id})
    return q


def hazards_visible_to(user: Any) -> QuerySet[Hazard]:
    return Hazard.objects.filter(hazard_scope_q(get_scope(user)))


def get_hazard_for_user(user: Any, pk: Any) -> Hazard:
    qs = hazards_visible_to(user).select_related(
        "township", "enterprise", "village", "sector", "lead_unit", "reported_by"
    )
    return get_or_404(qs, pk=pk)


def verifier_unit_ids(hazard: Hazard) -> set[int]:
    """Units with supervision duties for the hazard's sector (§17 审核把关); empty → the office verifies."""
    sector: Sector = hazard.sector
    ids: set[int] = set()
    if hazard.lead_unit_id:
        ids.add(hazard.lead_unit_id)
    ids.update(sector.participating_units.values_list("pk", flat=True))
    return set(Unit.objects.filter(pk__in=ids, duty_kind="supervision", is_active=True).values_list("pk", flat=True))


def hazard_roles(scope: Scope, hazard: Hazard) -> set[str]:
    """What the user is, for this hazard, in the terms of the transition table (models.TRANSITIONS)."""
    roles: set[str] = set()
    if scope.is_office_for(hazard.township_id):
        roles |= {Role.OFFICE, Role.HANDLER}
    participating = scope.unit_ids and (hazard.lead_unit_id in scope.unit_ids or hazard.sector_id in scope.sector_ids)
    if participating:
        roles.add(Role.HANDLER)
    in_village = hazard.village_id in scope.village_ids
    if in_village or (hazard.enterprise_id and hazard.enterprise_id in scope.enterprise_ids):
        roles.add(Role.REPORTER)
    verifiers = verifier_unit_ids(hazard)
    if (verifiers and scope.unit_ids & verifiers) or (not verifiers and Role.OFFICE in roles):
        roles.add(Role.VERIFIER)
    return roles
