"""Whose turn it is on a hazard, and who can take it: nobody may be stuck (SPEC S2, §17).

Every open hazard must have at least one active user who may take each of its next steps. `next_turn()` says on the
hazard page who is expected to act (the unit and the people); `actors()` lists every active user the services would
let take a step, with the same rules (hazards.access.HazardRights); `stuck_items()` gives the office the hazards,
extension requests and handed-over problems no active user can act on, with the reason, and those where a party
cannot act and the office or a village officer stands in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from units.access import Scope, build_scope
from units.models import Assignment, Role, Township, Unit, User

from .access import HazardFacts, HazardRights, allowed, last_requester_id, verifiers_for
from .models import TRANSITIONS, DeadlineExtension, Hazard, Status

# The steps that move a hazard on from each state (the others, like dismiss, are alternatives of the same turn).
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    Status.REPORTED: ("confirm", "dismiss"),
    Status.CONFIRMED: ("start_rectification",),
    Status.RECTIFYING: ("request_acceptance",),
    Status.PENDING_ACCEPTANCE: ("verify", "refuse_acceptance"),
    Status.VERIFIED: ("close",),
}


@dataclass
class Party:
    label: str
    people: list[str] = field(default_factory=list)
    # Why someone other than the party whose turn it is acts (no account, nobody assigned, …).
    reason: str = ""


@dataclass
class Turn:
    steps: list[str | Promise]
    expected: Party
    stand_ins: list[Party]


# -- people -------------------------------------------------------------------------------------------


class People:
    """The active people of one township and what they are, loaded once (a handful of queries)."""

    def __init__(self, township_id: int) -> None:
        rows = (
            Assignment.objects.filter(township_id=township_id, is_active=True, user__is_active=True)
            .filter(Q(unit__isnull=True) | Q(unit__is_active=True))
            .select_related("user")
            .order_by("user__full_name", "user__username")
        )
        self.users: dict[int, User] = {}
        self.office: list[User] = []
        self.by_unit: dict[int, list[User]] = defaultdict(list)
        self.by_village: dict[int, list[User]] = defaultdict(list)
        self.by_enterprise: dict[int, list[User]] = defaultdict(list)
        for a in rows:
            self.users[a.user_id] = a.user
            if a.role in (Role.OFFICE, Role.ADMIN):
                _add(self.office, a.user)
            elif a.role == Role.DEPARTMENT and a.unit_id:
                _add(self.by_unit[a.unit_id], a.user)
            elif a.role == Role.VILLAGE and a.village_id:
                _add(self.by_village[a.village_id], a.user)
            elif a.role == Role.ENTERPRISE and a.enterprise_id:
                _add(self.by_enterprise[a.enterprise_id], a.user)
        self._scopes: dict[int, Scope] = {}

    def scope(self, user: User) -> Scope:
        if user.pk not in self._scopes:
            self._scopes[user.pk] = build_scope(user)
        return self._scopes[user.pk]


def _add(people: list[User], user: User) -> None:
    if all(u.pk != user.pk for u in people):
        people.append(user)


def _names(users: Iterable[User]) -> list[str]:
    return [u.display_name for u in users]


# -- who may act ----------------------------------------------------------------------------------------


def actors(hazard: Hazard, step: str, *, people: People | None = None, facts: HazardFacts | None = None) -> set[int]:
    """The active users the services would let take `step` on the hazard now."""
    if hazard.status not in TRANSITIONS[step].source:
        return set()
    people = people or People(hazard.township_id)
    facts = facts or HazardFacts(hazard)
    return {
        user.pk
        for user in people.users.values()
        if allowed(HazardRights(people.scope(user), hazard, facts).check_step, step)
    }


def extension_deciders(extension: DeadlineExtension, hazard: Hazard, people: People | None = None) -> set[int]:
    """An extension is decided by the office or the lead department (a major hazard's by the office only)."""
    people = people or People(hazard.township_id)
    facts = HazardFacts(hazard)
    return {
        u.pk
        for u in people.users.values()
        if allowed(HazardRights(people.scope(u), hazard, facts).check_decide_extension, extension)
    }


# -- whose turn it is -------------------------------------------------------------------------------------


def _office(people: People, exclude: int | None = None) -> Party:
    return Party(str(_("township safety office")), _names(u for u in people.office if u.pk != exclude))


def _unit_party(unit: Unit | None, people: People, exclude: int | None = None) -> Party:
    if unit is None:
        return Party(str(_("no lead unit")), reason=str(_("The sector has no lead unit; the office acts.")))
    staff = [u for u in people.by_unit.get(unit.pk, []) if u.pk != exclude]
    reason = ""
    if not unit.is_active:
        reason = str(_("The unit %(unit)s is deactivated; the office acts in its place.")) % {"unit": unit.name}
    elif not staff:
        reason = str(_("Nobody is assigned to %(unit)s; the office acts in its place.")) % {"unit": unit.name}
    return Party(unit.name, _names(staff), reason)


def next_turn(hazard: Hazard, people: People | None = None) -> Turn | None:
    """Who is expected to take the hazard's next step, and who stands in when they cannot."""
    steps = NEXT_STEPS.get(hazard.status)
    if not steps:
        return None
    people = people or People(hazard.township_id)
    labels = [TRANSITIONS[s].label for s in steps]
    status = hazard.status
    if status in (Status.REPORTED, Status.CONFIRMED):
        lead = hazard.lead_unit
        if lead is not None and lead.is_safety_office:
            return Turn(labels, _office(people), [])
        return Turn(labels, _unit_party(lead, people), [_office(people)])
    if status == Status.RECTIFYING:
        return _rectifying_turn(hazard, labels, people)
    if status == Status.PENDING_ACCEPTANCE:
        return _acceptance_turn(hazard, labels, people)
    return Turn(labels, _office(people), [])


def _rectifying_turn(hazard: Hazard, labels: list[str | Promise], people: People) -> Turn:
    village = Party(
        str(_("village officers of %(village)s")) % {"village": hazard.village.name},
        _names(people.by_village.get(hazard.village_id, [])),
    )
    if not village.people:
        village.reason = str(_("No village officer is assigned to %(village)s; the office acts.")) % {
            "village": hazard.village.name
        }
    office = _office(people)
    if hazard.enterprise_id is None:
        return Turn(labels, village, [office])
    contacts = people.by_enterprise.get(hazard.enterprise_id, [])
    enterprise = Party(hazard.enterprise.name if hazard.enterprise else "", _names(contacts))
    if not contacts:
        enterprise.reason = str(
            _("The enterprise has no account: a village officer or the office records its steps from paper.")
        )
    return Turn(labels, enterprise, [village, office])


def _acceptance_turn(hazard: Hazard, labels: list[str | Promise], people: People) -> Turn:
    verifiers = verifiers_for(hazard)
    requester = last_requester_id(hazard)
    if verifiers.office_in_own_right and not verifiers.unit_ids:
        return Turn(labels, _office(people, exclude=requester), [])
    units = list(Unit.objects.filter(pk__in=verifiers.unit_ids).order_by("name"))
    parties = [_unit_party(u, people, exclude=requester) for u in units]
    expected = Party(
        "、".join(p.label for p in parties),
        [n for p in parties for n in p.people],
        "" if any(p.people for p in parties) else "；".join(p.reason for p in parties if p.reason),
    )
    office = _office(people, exclude=requester)
    office.reason = str(_("The office may always accept as the verifier of last resort (recorded as such)."))
    return Turn(labels, expected, [office])


# -- the office's list of what nobody can act on ---------------------------------------------------------


@dataclass
class StuckItem:
    kind: str | Promise  # what it is, for the page (hazard, extension request, handed-over problem)
    obj: Any
    title: str
    url: str
    step: str | Promise
    reason: str
    nobody: bool  # True: no active user at all can act; False: a stand-in acts for the party


# Other apps add what of theirs can get stuck (handed-over problems, …) without this app importing them.
STUCK_SOURCES: list[Callable[[Township], list[StuckItem]]] = []


def register_stuck_source(source: Callable[[Township], list[StuckItem]]) -> None:
    if source not in STUCK_SOURCES:
        STUCK_SOURCES.append(source)


def stuck_items(township: Township) -> list[StuckItem]:
    """Open hazards, pending extension requests (and what other apps register, e.g. handed-over problems) of one
    township that nobody can act on, or whose expected unit cannot act so that the office stands in."""
    people = People(township.pk)
    items: list[StuckItem] = []
    hazards = (
        Hazard.objects.filter(township=township, status__in=list(NEXT_STEPS))
        .select_related("lead_unit", "sector", "village", "enterprise", "township")
        .order_by("status", "pk")
    )
    for hazard in hazards.iterator(chunk_size=500):
        items.extend(_stuck_hazard(hazard, people))
    extensions = DeadlineExtension.objects.filter(
        hazard__township=township, decision=DeadlineExtension.Decision.PENDING
    ).select_related("hazard__lead_unit", "hazard__sector", "hazard__enterprise", "hazard__village")
    nobody_decides = str(_("Nobody other than the requester may decide it."))
    items.extend(
        StuckItem(
            _("extension request"),
            e,
            e.hazard.named,
            e.hazard.get_absolute_url(),
            _("decide the extension"),
            nobody_decides,
            nobody=True,
        )
        for e in extensions
        if not extension_deciders(e, e.hazard, people)
    )
    for source in STUCK_SOURCES:
        items.extend(source(township))
    return items


def _stuck_hazard(hazard: Hazard, people: People) -> list[StuckItem]:
    out: list[StuckItem] = []
    facts = HazardFacts(hazard)
    for step in NEXT_STEPS[hazard.status][:1]:
        who = actors(hazard, step, people=people, facts=facts)
        if not who:
            reason = (
                str(_("The township has no active office account."))
                if not people.office
                else str(_("Only the person who asked for acceptance could accept it."))
            )
            out.append(_hazard_item(hazard, step, reason, nobody=True))
            continue
        # An enterprise without an account is the ordinary case (the village officer records on its behalf): only
        # a unit that cannot act is listed.
        turn = next_turn(hazard, people) if hazard.status != Status.RECTIFYING else None
        if turn and turn.expected.reason:
            out.append(_hazard_item(hazard, step, turn.expected.reason, nobody=False))
    return out


def _hazard_item(hazard: Hazard, step: str, reason: str, *, nobody: bool) -> StuckItem:
    label = TRANSITIONS[step].label
    return StuckItem(_("hazard"), hazard, hazard.named, hazard.get_absolute_url(), label, reason, nobody=nobody)
