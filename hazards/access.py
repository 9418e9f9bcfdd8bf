"""Which hazards a user may see, and what they may do to one — built on units.access, the one scoping rule.

Visibility: `hazards_visible_to()` and the querysets of everything hanging off a hazard (listings, notices,
refusals, extensions, evidence, escalations); `get_*_for_user()` / `get_*_for_office()` / `get_*_for_handler()`
fetch one row or answer 404. What a user may do: `HazardRights` holds every rule once; the services call its
`check_*` methods with the hazard row locked, and the pages ask `hazard_actions()`, built from the same methods,
which steps and buttons to offer — so a page never offers what the service refuses, nor hides what it allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.errors import WorkflowError
from units.access import Scope, get_or_404, get_scope
from units.models import READING_ROLES, DutyKind, Sector, Unit
from units.models import Role as UnitRole

from .models import (
    DEADLINE_STATUSES,
    ENTERPRISE_VISIBLE_STATUSES,
    TRANSITIONS,
    DeadlineExtension,
    Escalation,
    Evidence,
    Hazard,
    HazardEvent,
    HazardType,
    Level,
    Listing,
    ListingLevel,
    Notice,
    Refusal,
    Role,
    Status,
    TypicalFireHazard,
)


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


def verifiable_q(scope: Scope) -> Q:
    """The hazards pending acceptance that the user may accept: `verifiers_for()` and `hazard_roles()` written as one
    query, for the work queue and the list it links to. The office of the township accepts any (in its own right or
    as the verifier of last resort); a unit's staff those whose verifiers include their unit."""
    q = Q(township__in=scope.office_townships)
    if scope.unit_ids:
        units = Unit.objects.filter(pk__in=scope.unit_ids, is_active=True, is_safety_office=False)
        leading = units.filter(duty_kind__in=[DutyKind.SUPERVISION, DutyKind.SECTOR])
        general = Q(level=Level.GENERAL, lead_unit__in=leading)
        supervising = units.filter(duty_kind=DutyKind.SUPERVISION)
        major = Q(level=Level.MAJOR) & (
            Q(lead_unit__in=supervising)
            | Q(sector__in=Sector.participating_units.through.objects.filter(unit__in=supervising).values("sector"))
        )
        # Never the unit that operates the place (§3): its own staff do not accept its own hazard.
        own_place = Q(enterprise__operated_by__in=scope.unit_ids)
        q |= (general | major) & ~own_place
    return Q(status=Status.PENDING_ACCEPTANCE) & q


def extension_deciders_q(scope: Scope) -> Q:
    """The hazards with an extension request the user may decide (`HazardRights.check_decide_extension`): the office
    of the township any, the lead or participating unit a general hazard's — never their own request."""
    q = Q(township__in=scope.office_townships)
    if scope.unit_ids:
        q |= Q(level=Level.GENERAL) & (Q(lead_unit__in=scope.unit_ids) | Q(sector__in=scope.sector_ids))
    pending = DeadlineExtension.objects.filter(decision=DeadlineExtension.Decision.PENDING)
    if scope.user_id is not None:
        pending = pending.exclude(requested_by=scope.user_id)
    return Q(pk__in=pending.values("hazard")) & q


def get_hazard_for_user(user: Any, pk: Any) -> Hazard:
    qs = hazards_visible_to(user).select_related(
        "township", "enterprise", "village", "sector", "lead_unit", "reported_by"
    )
    return get_or_404(qs, pk=pk)


# What hangs off a hazard is visible when its hazard is.


def listings_visible_to(user: Any) -> QuerySet[Listing]:
    return Listing.objects.filter(hazard_scope_q(get_scope(user), "hazard__"))


def notices_visible_to(user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(hazard_scope_q(get_scope(user), "hazard__"))


def refusals_visible_to(user: Any) -> QuerySet[Refusal]:
    return Refusal.objects.filter(hazard_scope_q(get_scope(user), "hazard__"))


def typical_fire_entries_visible_to(user: Any) -> QuerySet[TypicalFireHazard]:
    return TypicalFireHazard.objects.filter(hazard_scope_q(get_scope(user), "hazard__"))


def extensions_visible_to(user: Any) -> QuerySet[DeadlineExtension]:
    return DeadlineExtension.objects.filter(hazard_scope_q(get_scope(user), "hazard__"))


def evidence_visible_to(user: Any) -> QuerySet[Evidence]:
    return Evidence.objects.filter(hazard_scope_q(get_scope(user), "hazard__"))


# Escalations (函告 → 通报 → 约谈 → 曝光) are the township's measures: its office and leadership read them, with
# their signed documents; nobody else, whatever hazards they see.
ESCALATION_READERS = (UnitRole.OFFICE, UnitRole.LEADERSHIP, UnitRole.ADMIN)


def escalations_visible_to(user: Any) -> QuerySet[Escalation]:
    return Escalation.objects.filter(get_scope(user).q(township="township"))


def require_escalation_reader(scope: Scope) -> None:
    if not scope.has_role(*ESCALATION_READERS):
        raise Http404


def may_escalate_in(scope: Scope, township_id: int | None) -> bool:
    """Measures are taken by the township's office (四(六)), against a hazard or an enterprise, village or unit."""
    return scope.is_office_for(township_id)


# -- who may use the hazard pages -----------------------------------------------------------------------


def may_see_hazard_list(scope: Scope) -> bool:
    """Everyone with a role but the confidential-report officer alone (its role gives the public reports only)."""
    return bool(scope.roles - {UnitRole.REPORT_CUSTODIAN})


def may_report(scope: Scope) -> bool:
    """Everyone with a role reports what they find, except leadership alone, who only reads, and the
    confidential-report officer alone (举报保密员), whose role gives the township's public reports and nothing else."""
    roles = scope.roles - {UnitRole.REPORT_CUSTODIAN}
    return bool(roles) and not roles <= READING_ROLES


def may_fix_on_the_spot(scope: Scope) -> bool:
    """立查立改 is recorded by inspectors: the office, departments and village officers, never the enterprise."""
    return scope.has_role(UnitRole.OFFICE, UnitRole.ADMIN, UnitRole.DEPARTMENT, UnitRole.VILLAGE)


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


def _standing_roles(scope: Scope, hazard: Hazard) -> set[str]:
    """The roles that follow from the user's assignments alone (no query): all but the verifier."""
    roles: set[str] = set()
    if scope.is_office_for(hazard.township_id):
        roles |= {Role.OFFICE, Role.HANDLER}
    participating = scope.unit_ids and (hazard.lead_unit_id in scope.unit_ids or hazard.sector_id in scope.sector_ids)
    if participating:
        roles.add(Role.HANDLER)
    in_village = hazard.village_id in scope.village_ids
    if in_village or (hazard.enterprise_id and hazard.enterprise_id in scope.enterprise_ids):
        roles.add(Role.REPORTER)
    return roles


def hazard_roles(scope: Scope, hazard: Hazard, verifiers: Verifiers | None = None) -> set[str]:
    """What the user is, for this hazard, in the terms of the transition table (models.TRANSITIONS)."""
    roles = _standing_roles(scope, hazard)
    if hazard.status == Status.PENDING_ACCEPTANCE or verifiers is not None:
        verifiers = verifiers or verifiers_for(hazard)
        # The office may always verify: in its own right, or as the verifier of last resort (recorded as such).
        if Role.OFFICE in roles or scope.unit_ids & verifiers.unit_ids:
            roles.add(Role.VERIFIER)
    return roles


def verify_capacity(scope: Scope, hazard: Hazard, verifiers: Verifiers | None = None) -> str:
    """'' when the user verifies in their own right, 'last_resort' when the office stands in for a unit."""
    verifiers = verifiers or verifiers_for(hazard)
    if scope.unit_ids & verifiers.unit_ids or verifiers.office_in_own_right:
        return HazardEvent.Capacity.OWN
    return HazardEvent.Capacity.LAST_RESORT


def step_capacity(scope: Scope, hazard: Hazard, name: str) -> tuple[str, str]:
    """In whose name a step is taken, for the record (the event says so) and for the page (it says so beforehand).

    Acceptance is asked for by the enterprise; anyone else asking records it on the enterprise's behalf from the
    paper evidence (most small enterprises have no account). The office accepting where a unit should is the
    verifier of last resort.
    """
    if name == "request_acceptance" and hazard.enterprise_id and hazard.enterprise_id not in scope.enterprise_ids:
        return HazardEvent.Capacity.ON_BEHALF, hazard.enterprise.name if hazard.enterprise else ""
    if name in ("verify", "refuse_acceptance"):
        return verify_capacity(scope, hazard), ""
    return HazardEvent.Capacity.OWN, ""


def last_requester_id(hazard: Hazard) -> int | None:
    """Who asked for the acceptance now pending: they may not also accept it."""
    event = hazard.events.filter(action=HazardEvent.Action.REQUEST_ACCEPTANCE).order_by("-created_at", "-pk").first()
    return event.actor_id if event else None


# -- what a user may do to a hazard ---------------------------------------------------------------------

OFFICE_ONLY = frozenset({Role.OFFICE})
OFFICE_OR_HANDLER = frozenset({Role.OFFICE, Role.HANDLER})
EVIDENCE_ROLES = frozenset({Role.REPORTER, Role.HANDLER, Role.OFFICE, Role.VERIFIER})
EXTENSION_REQUESTERS = frozenset({Role.REPORTER, Role.HANDLER, Role.OFFICE})
# A rectification notice orders rectification: it makes sense from registration until acceptance (§18).
NOTICE_STATUSES = DEADLINE_STATUSES
# A refusal to rectify (§16) can only happen while rectification is owed.
REFUSAL_STATUSES = DEADLINE_STATUSES
ENDED_STATUSES = (Status.CLOSED, Status.DISMISSED)


class HazardFacts:
    """What the rules read about a hazard beyond its row, loaded when first needed.

    One instance serves every user asked about the same hazard (the nobody-stuck check, the data-set tests).
    A service builds a fresh one after locking the row, so it reads what is true now.
    """

    def __init__(self, hazard: Hazard) -> None:
        self.hazard = hazard

    @cached_property
    def verifiers(self) -> Verifiers:
        return verifiers_for(self.hazard)

    @cached_property
    def requester_id(self) -> int | None:
        return last_requester_id(self.hazard)

    @cached_property
    def active_listings(self) -> list[Listing]:
        return list(self.hazard.listings.filter(delisted_on__isnull=True))

    @cached_property
    def unserved_notices(self) -> list[Notice]:
        """Notices still waiting to be served: not served, not voided."""
        return list(self.hazard.notices.filter(served_at__isnull=True, voided_at__isnull=True))

    @cached_property
    def pending_extension(self) -> DeadlineExtension | None:
        return self.hazard.extensions.filter(decision=DeadlineExtension.Decision.PENDING).order_by("pk").first()


class HazardRights:
    """What one user may do to one hazard right now: every rule of the workflow and of supervision, written once.

    Each `check_*` raises WorkflowError with the reason when the action may not be taken. The services call them
    with the hazard row locked; `hazard_actions()` calls them to decide what the page offers. What depends on the
    values the user types in (a date, a reason, the level chosen) stays with the service.
    """

    def __init__(self, scope: Scope, hazard: Hazard, facts: HazardFacts | None = None) -> None:
        self.scope, self.hazard = scope, hazard
        self.facts = facts or HazardFacts(hazard)

    @cached_property
    def roles(self) -> set[str]:
        pending = self.hazard.status == Status.PENDING_ACCEPTANCE
        return hazard_roles(self.scope, self.hazard, self.facts.verifiers if pending else None)

    def holds(self, roles: frozenset[str]) -> bool:
        """Whether the user holds one of `roles` for this hazard; without a query unless the verifier is asked."""
        if Role.VERIFIER in roles:
            return bool(self.roles & roles)
        return bool(_standing_roles(self.scope, self.hazard) & roles)

    def _require(self, roles: frozenset[str], message: str) -> None:
        if not self.holds(roles):
            raise WorkflowError(message)

    def _status(self) -> str:
        return str(self.hazard.get_status_display())

    # -- the workflow steps (models.TRANSITIONS) --------------------------------------------------------

    def check_step(self, name: str) -> None:
        transition = TRANSITIONS[name]
        if self.hazard.status not in transition.source:
            raise WorkflowError(
                _("“%(step)s” is not possible while the hazard is “%(status)s”.")
                % {"step": transition.label, "status": self._status()}
            )
        self._require(
            transition.roles, _("You may not take the step “%(step)s” on this hazard.") % {"step": transition.label}
        )
        if name == "verify" and self.scope.user_id is not None and self.facts.requester_id == self.scope.user_id:
            raise WorkflowError(_("The person who asked for acceptance cannot also accept the rectification."))

    # -- evidence, corrections and deadlines ----------------------------------------------------------

    def check_add_evidence(self) -> None:
        self._require(EVIDENCE_ROLES, _("You may not add evidence to this hazard."))
        if not self.hazard.is_open and self.hazard.status != Status.VERIFIED:
            raise WorkflowError(_("Evidence can no longer be added to a closed or dismissed hazard."))

    def check_edit(self) -> None:
        """Corrections to an open hazard by the office or its lead department."""
        self._require(OFFICE_OR_HANDLER, _("You may not edit this hazard."))
        if not self.hazard.is_open:
            raise WorkflowError(_("A closed or dismissed hazard can no longer be edited."))

    def check_request_extension(self) -> None:
        self._require(EXTENSION_REQUESTERS, _("You may not ask for a longer deadline on this hazard."))
        if self.hazard.status not in DEADLINE_STATUSES or self.hazard.deadline is None:
            raise WorkflowError(_("Only a hazard under rectification with a deadline can be given more time."))
        if self.facts.pending_extension is not None:
            raise WorkflowError(_("An extension request for this hazard is already waiting for a decision."))

    def check_decide_extension(self, extension: DeadlineExtension) -> None:
        """The office or the lead department decides, never the one who asked; a major hazard's, the office."""
        self._require(OFFICE_OR_HANDLER, _("You may not decide on this extension."))
        if self.hazard.level == Level.MAJOR and not self.holds(OFFICE_ONLY):
            raise WorkflowError(_("An extension for a major hazard is decided by the township safety office."))
        if extension.decision != DeadlineExtension.Decision.PENDING:
            raise WorkflowError(_("This request has already been decided."))
        if extension.requested_by_id == self.scope.user_id:
            raise WorkflowError(_("The person who asked for the extension cannot also decide on it."))

    # -- listing supervision (挂牌督办, §7, §17) and the typical fire hazards (§7) -------------------------

    def acts_for_county(self, county_id: int | None) -> bool:
        """Whether the user is the bureau (县应急管理局) of that county: it lists at county level, and accepts and
        delists its own listings. A county department reads, and lists nothing."""
        return county_id is not None and self.scope.may_list_at_county and county_id in self.scope.county_ids

    @cached_property
    def lists_for_county(self) -> bool:
        """The county bureau of the hazard's township's county (the township row is read only for county users)."""
        return self.scope.may_list_at_county and self.acts_for_county(self.hazard.township.county_id)

    def listing_levels(self) -> tuple[str, ...]:
        """The levels at which the user lists this hazard (Listing's docstring has the whole rule).

        The office: its own township level, and the city's and the province's listings from their documents. The
        county level is the county bureau's own where the township belongs to a county in the system; only for a
        township outside any county does the office still record the county's listing from its paper.
        """
        levels: set[str] = set()
        if self.holds(OFFICE_ONLY):
            levels |= {ListingLevel.TOWNSHIP, ListingLevel.CITY, ListingLevel.PROVINCE}
            if self.hazard.township.county_id is None:
                levels.add(ListingLevel.COUNTY)
        if self.lists_for_county:
            levels.add(ListingLevel.COUNTY)
        return tuple(level for level in ListingLevel.values if level in levels)

    def check_list(self) -> None:
        """The office or the county bureau lists, only a major hazard still open or verified, once at a time."""
        if not self.listing_levels():
            raise WorkflowError(
                _("Only the township safety office or the county emergency management bureau lists hazards.")
            )
        if self.hazard.level != Level.MAJOR:
            raise WorkflowError(_("Only a major hazard can be listed for supervision."))
        if self.hazard.status in ENDED_STATUSES:
            raise WorkflowError(_("A hazard that is “%(status)s” cannot be listed.") % {"status": self._status()})
        if self.facts.active_listings:
            raise WorkflowError(_("This hazard is already listed; delist it before listing it again."))

    def check_listing_level(self, level: str) -> None:
        """The level chosen is one at which this user lists (listing_levels)."""
        if level in self.listing_levels():
            return
        if level not in ListingLevel.values:
            raise WorkflowError(_("Choose the level of the listing."))
        if level == ListingLevel.COUNTY and self.holds(OFFICE_ONLY):
            raise WorkflowError(
                _(
                    "A county-level listing is made by the county emergency management bureau itself; the township "
                    "records township, city and province listings."
                )
            )
        raise WorkflowError(_("The county emergency management bureau lists hazards at county level."))

    def check_delist(self, listing: Listing) -> None:
        """摘牌: only after the hazard is closed (销号, §17); the county's own listing by the county bureau, any other
        by the township office (Listing's docstring)."""
        if listing.is_the_countys:
            if not self.acts_for_county(listing.listed_by_county_id):
                raise WorkflowError(
                    _(
                        "This listing was made by the county emergency management bureau: the county records its "
                        "acceptance and delists it; the township cannot delist it alone."
                    )
                )
        else:
            self._require(OFFICE_ONLY, _("Only the township safety office delists hazards."))
        if not listing.is_active:
            raise WorkflowError(_("This listing was already delisted on %(day)s.") % {"day": listing.delisted_on})
        if self.hazard.status != Status.CLOSED:
            raise WorkflowError(
                _("A listed hazard is delisted only after it is closed (销号); it is now “%(status)s”.")
                % {"status": self._status()}
            )

    def check_add_typical_fire(self) -> None:
        """A fire hazard, general or major, on the office's yearly list; a dismissed report is no hazard."""
        self._require(OFFICE_ONLY, _("Only the township safety office keeps the typical fire hazards list."))
        if self.hazard.hazard_type != HazardType.FIRE and not self.hazard.is_major_fire:
            raise WorkflowError(_("Only a fire hazard can be put on the yearly list of typical fire hazards."))
        if self.hazard.status == Status.DISMISSED:
            raise WorkflowError(_("A dismissed report is not a hazard and cannot be put on the list."))

    def check_remove_typical_fire(self) -> None:
        self._require(OFFICE_ONLY, _("Only the township safety office keeps the typical fire hazards list."))

    # -- escalation, notices and refusals (§16, §18) ----------------------------------------------------

    def check_escalate(self) -> None:
        if not may_escalate_in(self.scope, self.hazard.township_id):
            raise WorkflowError(_("Only the township safety office takes these measures."))
        if self.hazard.status in ENDED_STATUSES:
            raise WorkflowError(_("A closed or dismissed hazard is not escalated."))

    def check_issue_notice(self) -> None:
        """From registration until acceptance, to the hazard's enterprise, one unserved notice at a time."""
        self._require(OFFICE_OR_HANDLER, _("You may not issue a rectification notice for this hazard."))
        if self.hazard.status not in NOTICE_STATUSES:
            raise WorkflowError(
                _("A rectification notice is issued from registration until acceptance; the hazard is “%(status)s”.")
                % {"status": self._status()}
            )
        if self.hazard.enterprise_id is None:
            raise WorkflowError(_("A rectification notice is addressed to an enterprise; this hazard has none."))
        if self.facts.unserved_notices:
            raise WorkflowError(
                _("A notice for this hazard has not been served yet: record its service or void it first.")
            )

    def check_record_notice_service(self, notice: Notice) -> None:
        self._require(OFFICE_OR_HANDLER, _("You may not record the service of this notice."))
        if notice.is_served:
            raise WorkflowError(_("The service of this notice is already recorded."))
        if notice.is_voided:
            raise WorkflowError(_("This notice was voided; it is not served."))

    def check_void_notice(self, notice: Notice) -> None:
        """Whoever may issue a notice may void an unserved one (作废), so that a corrected one can be issued."""
        self._require(OFFICE_OR_HANDLER, _("You may not void this notice."))
        if notice.is_voided:
            raise WorkflowError(_("This notice is already voided."))
        if notice.is_served:
            raise WorkflowError(_("A served notice is not voided: issue a new notice that replaces it."))

    def check_record_refusal(self) -> None:
        self._require(OFFICE_OR_HANDLER, _("You may not record a refusal to rectify on this hazard."))
        if self.hazard.status not in REFUSAL_STATUSES:
            raise WorkflowError(
                _("A refusal to rectify is recorded while rectification is owed; the hazard is “%(status)s”.")
                % {"status": self._status()}
            )

    def check_update_refusal(self) -> None:
        self._require(OFFICE_OR_HANDLER, _("You may not change this refusal record."))


def allowed(check: Callable[..., None], *args: Any) -> bool:
    """Whether a `HazardRights.check_*` passes."""
    try:
        check(*args)
    except WorkflowError:
        return False
    return True


@dataclass(frozen=True)
class HazardActions:
    """What the hazard's page offers one user: the steps and buttons the services would accept now."""

    steps: tuple[str, ...]
    may_edit: bool
    may_add_evidence: bool
    may_request_extension: bool
    pending_extension: DeadlineExtension | None
    may_decide_extension: bool
    may_list: bool
    lists_for_county: bool  # the listing offered is the county bureau's (at county level)
    delistable: frozenset[int]  # listing ids
    may_add_typical_fire: bool
    may_remove_typical_fire: bool
    may_escalate: bool
    may_see_escalation_files: bool
    may_issue_notice: bool
    servable_notices: frozenset[int]  # notice ids
    voidable_notices: frozenset[int]  # notice ids
    may_record_refusal: bool
    may_update_refusals: bool


def hazard_actions(user_or_scope: Any, hazard: Hazard, facts: HazardFacts | None = None) -> HazardActions:
    """The one answer to "what may this user do to this hazard now", from the rules the services apply."""
    scope = user_or_scope if isinstance(user_or_scope, Scope) else get_scope(user_or_scope)
    rights = HazardRights(scope, hazard, facts)
    facts = rights.facts
    pending = facts.pending_extension
    return HazardActions(
        steps=tuple(name for name in TRANSITIONS if allowed(rights.check_step, name)),
        may_edit=allowed(rights.check_edit),
        may_add_evidence=allowed(rights.check_add_evidence),
        may_request_extension=allowed(rights.check_request_extension),
        pending_extension=pending,
        may_decide_extension=pending is not None and allowed(rights.check_decide_extension, pending),
        may_list=allowed(rights.check_list),
        lists_for_county=rights.lists_for_county,
        delistable=frozenset(x.pk for x in facts.active_listings if allowed(rights.check_delist, x)),
        may_add_typical_fire=allowed(rights.check_add_typical_fire),
        may_remove_typical_fire=allowed(rights.check_remove_typical_fire),
        may_escalate=allowed(rights.check_escalate),
        may_see_escalation_files=scope.sees_all_of(hazard.township_id),
        may_issue_notice=allowed(rights.check_issue_notice),
        servable_notices=frozenset(
            x.pk for x in facts.unserved_notices if allowed(rights.check_record_notice_service, x)
        ),
        voidable_notices=frozenset(x.pk for x in facts.unserved_notices if allowed(rights.check_void_notice, x)),
        may_record_refusal=allowed(rights.check_record_refusal),
        may_update_refusals=allowed(rights.check_update_refusal),
    )


def get_hazard_for_office(user: Any, pk: Any) -> Hazard:
    """A hazard whose supervision pages (listing, typical fire list, measures) the user may open; else 404.

    Whether the action is possible right now (the hazard's state) is the service's answer, shown as a message.
    """
    hazard = get_hazard_for_user(user, pk)
    if not HazardRights(get_scope(user), hazard).holds(OFFICE_ONLY):
        raise Http404
    return hazard


def get_hazard_for_handler(user: Any, pk: Any) -> Hazard:
    """A hazard the user handles (the office or its lead or participating unit): notices, refusals, edits."""
    hazard = get_hazard_for_user(user, pk)
    if not HazardRights(get_scope(user), hazard).holds(OFFICE_OR_HANDLER):
        raise Http404
    return hazard


def _child_for(user: Any, qs: QuerySet[Any], pk: Any, roles: frozenset[str]) -> Any:
    obj = get_or_404(qs.filter(hazard_scope_q(get_scope(user), "hazard__")).select_related("hazard"), pk=pk)
    if not HazardRights(get_scope(user), obj.hazard).holds(roles):
        raise Http404
    return obj


def may_open_listing_pages(rights: HazardRights) -> bool:
    """The listing form and the delisting are the office's and, for the county's listings, the county bureau's."""
    return rights.holds(OFFICE_ONLY) or rights.lists_for_county


def get_hazard_for_lister(user: Any, pk: Any) -> Hazard:
    """A hazard whose listing form the user may open (the office, the county bureau of its county); else 404."""
    hazard = get_hazard_for_user(user, pk)
    if not may_open_listing_pages(HazardRights(get_scope(user), hazard)):
        raise Http404
    return hazard


def get_listing_for_delister(user: Any, pk: Any) -> Listing:
    """A listing the user may try to delist: the hazard's office (the service explains a county listing it may not
    delist) or the county bureau that made it; else 404."""
    qs = Listing.objects.filter(hazard_scope_q(get_scope(user), "hazard__")).select_related("hazard__township")
    listing: Listing = get_or_404(qs, pk=pk)
    rights = HazardRights(get_scope(user), listing.hazard)
    if not (rights.holds(OFFICE_ONLY) or rights.acts_for_county(listing.listed_by_county_id)):
        raise Http404
    return listing


def get_typical_fire_entry_for_office(user: Any, pk: Any) -> TypicalFireHazard:
    entry: TypicalFireHazard = _child_for(user, TypicalFireHazard.objects.all(), pk, OFFICE_ONLY)
    return entry


def get_notice_for_handler(user: Any, pk: Any) -> Notice:
    notice: Notice = _child_for(user, Notice.objects.all(), pk, OFFICE_OR_HANDLER)
    return notice


def get_refusal_for_handler(user: Any, pk: Any) -> Refusal:
    refusal: Refusal = _child_for(user, Refusal.objects.all(), pk, OFFICE_OR_HANDLER)
    return refusal


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
    """The free-text finder (发现人): of a reported hazard, only the township's confidential-report officer (举报保密员,
    §27); otherwise whoever sees the source.

    The enterprise never sees it either: a blank finder beside a filled one would tell it which hazard was reported.
    """
    if hazard.channel in REPORT_CHANNELS:
        return scope.is_custodian_for(hazard.township_id)
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
