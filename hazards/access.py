"""Which hazards a user may see, and what they may do to one — built on units.access, the one scoping rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from units.access import Scope, get_or_404, get_scope
from units.models import DutyKind, Sector, Unit

from .models import ENTERPRISE_VISIBLE_STATUSES, Hazard, HazardEvent, Level, Role, Status


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


@dataclass(frozen=True)
class Verifiers:
    """Who accepts a hazard's rectification (§3, §17 审核把关), resolved once per hazard.

    `unit_ids`: the active units whose staff verify in their own right. `office_in_own_right`: the office verifies
    as the designated verifier (no unit qualifies, or the qualifying unit is the safety office itself); otherwise it
    may still verify, as the verifier of last resort, recorded as such.
    """

    unit_ids: frozenset[int]
    office_in_own_right: bool


def verifiers_for(hazard: Hazard) -> Verifiers:
    """The rule of §3/§17, in one place.

    1. A general hazard: its lead unit, when that unit has supervision or sector-management duties.
    2. A major hazard: the lead or participating units with supervision duties.
    3. Never the unit that operates the place (a school's hazards are not accepted by 中心校).
    4. Where the qualifying unit is the safety office itself, or none qualifies, the office verifies in its own right.
    """
    if hazard.level == Level.MAJOR:
        ids = set(hazard.sector.participating_units.values_list("pk", flat=True)) if hazard.sector_id else set()
        if hazard.lead_unit_id:
            ids.add(hazard.lead_unit_id)
        duties = [DutyKind.SUPERVISION]
    else:
        ids = {hazard.lead_unit_id} if hazard.lead_unit_id else set()
        duties = [DutyKind.SUPERVISION, DutyKind.SECTOR]
    operator = hazard.enterprise.operated_by_id if hazard.enterprise_id and hazard.enterprise else None
    rows = Unit.objects.filter(pk__in=ids, duty_kind__in=duties, is_active=True).exclude(pk=operator)
    units = list(rows.values_list("pk", "is_safety_office"))
    office_unit = any(is_office for _, is_office in units)
    return Verifiers(
        unit_ids=frozenset(pk for pk, is_office in units if not is_office),
        office_in_own_right=office_unit or not units,
    )


def hazard_roles(scope: Scope, hazard: Hazard, verifiers: Verifiers | None = None) -> set[str]:
    """What the user is, for this hazard, in the terms of the transition table (models.TRANSITIONS)."""
    roles: set[str] = set()
    is_office = scope.is_office_for(hazard.township_id)
    if is_office:
        roles |= {Role.OFFICE, Role.HANDLER}
    participating = scope.unit_ids and (hazard.lead_unit_id in scope.unit_ids or hazard.sector_id in scope.sector_ids)
    if participating:
        roles.add(Role.HANDLER)
    in_village = hazard.village_id in scope.village_ids
    if in_village or (hazard.enterprise_id and hazard.enterprise_id in scope.enterprise_ids):
        roles.add(Role.REPORTER)
    if hazard.status == Status.PENDING_ACCEPTANCE or verifiers is not None:
        verifiers = verifiers or verifiers_for(hazard)
        # The office may always verify: in its own right, or as the verifier of last resort (recorded as such).
        if is_office or scope.unit_ids & verifiers.unit_ids:
            roles.add(Role.VERIFIER)
    return roles


def verify_capacity(scope: Scope, hazard: Hazard, verifiers: Verifiers | None = None) -> str:
    """'' when the user verifies in their own right, 'last_resort' when the office stands in for a unit."""
    verifiers = verifiers or verifiers_for(hazard)
    if scope.unit_ids & verifiers.unit_ids or verifiers.office_in_own_right:
        return HazardEvent.Capacity.OWN
    return HazardEvent.Capacity.LAST_RESORT


# -- who may see where a hazard came from (§27: the reporter is never exposed) ---------------------------

# Channels that stand for a report by a member of the public (群众举报, 12345/12350 lines entered by staff).
REPORT_CHANNELS = frozenset({"public"})  # Channel.PUBLIC (群众举报查实)
# What a field history of a hazard must leave out for someone who may not see the source (see may_see_*).
SOURCE_FIELDS = frozenset({"channel"})
FINDER_FIELDS = frozenset({"found_by"})
# The reference key of the 消防 sector (units.reference): a renamed sector is still found by it.
FIRE_SECTOR_KEY = "消防"


def may_see_channels(scope: Scope) -> bool:
    """Whether source channels exist at all for this user (a channel filter, a channel column)."""
    return bool(scope.all_townships or scope.unit_ids or scope.village_ids)


def may_see_source(scope: Scope, hazard: Hazard) -> bool:
    """The source channel: township staff (office, leadership, departments, village officers), never the enterprise.

    An enterprise told "群众举报查实" would go looking for its neighbour; so the channel is absent from every page,
    print, export, filter and history the enterprise reaches.
    """
    return scope.sees_all_of(hazard.township_id) or bool(scope.unit_ids or scope.village_ids)


def may_see_finder(scope: Scope, hazard: Hazard) -> bool:
    """The free-text finder (发现人): of a reported hazard, only the office; otherwise whoever sees the source.

    The enterprise never sees it either: a blank finder beside a filled one would tell it which hazard was reported.
    """
    if hazard.channel in REPORT_CHANNELS:
        return scope.is_office_for(hazard.township_id)
    return may_see_source(scope, hazard)


def hidden_source_fields(scope: Scope, hazard: Hazard) -> frozenset[str]:
    """The hazard fields to leave out of any list, export or field history shown to this user."""
    hidden: frozenset[str] = frozenset()
    if not may_see_source(scope, hazard):
        hidden |= SOURCE_FIELDS
    if not may_see_finder(scope, hazard):
        hidden |= FINDER_FIELDS
    return hidden


def may_judge_major_fire(scope: Scope, hazard: Hazard) -> bool:
    """Who records (or clears) a 重大火灾隐患 judged by the fire-rescue authority (§7, GB 35181).

    The township office, or staff of the unit leading the township's 消防 sector (派出所 in the reference routing),
    which receives the fire-rescue authority's documents. Not the other departments, villages or the enterprise.
    """
    if scope.is_office_for(hazard.township_id):
        return True
    if not scope.unit_ids:
        return False
    fire_leads = Sector.objects.filter(township_id=hazard.township_id, ref_key=FIRE_SECTOR_KEY).values_list(
        "lead_unit_id", flat=True
    )
    return any(unit_id in scope.unit_ids for unit_id in fire_leads)
