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
