"""What a hazard's page offers about listing is exactly what the listing services accept, for every user of both
townships and the county (hazards.access.hazard_actions, as tests/hazards/test_actions.py checks over the demo data).

The data set: a major hazard in every state in both townships of the county, a general one, the county's own
listings (active, on closed hazards waiting to be delisted), a county listing the township recorded before the county
acted in the system, and a township listing. Every level is attempted for the listing, and every active listing's
delisting with a complete acceptance; for the county's users every other action and step as well — the county reads
and lists, nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from core.dates import local_today
from core.files import check_upload
from hazards import supervision_services as supervision
from hazards.access import HazardActions, HazardFacts, HazardRights, hazard_actions, hazards_visible_to
from hazards.models import Hazard, Listing, ListingLevel
from tests.factories import AssignmentFactory, CountyFactory, HazardFactory, UserFactory
from units.access import get_scope
from units.models import Role, User

from .test_actions import _expected, _other_attempts, _shown, _step_attempts, offered, refusal

pytestmark = pytest.mark.django_db

Attempt = tuple[str, Callable[[], Any]]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STATUSES = ("reported", "confirmed", "rectifying", "pending_acceptance", "verified", "closed", "dismissed")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def days(n: int) -> dt.date:
    return local_today() + dt.timedelta(days=n)


def _list(actor: User, hazard: Hazard, level: str, number: str) -> Listing:
    return supervision.listing_create(
        hazard_id=hazard.pk, actor=actor, level=level, document_number=number, supervising_leader="王局长",
        supervising_unit=None, listed_on=days(-10), required_by=days(30),
        terms=supervision.ListingTerms(authority_name="宿州市安全生产委员会"),
    )  # fmt: skip


def _acceptance() -> supervision.Acceptance:
    attachment = check_upload(SimpleUploadedFile("验收.pdf", PDF))
    return supervision.Acceptance(
        authority="泗县应急管理局", document="泗应急验〔2026〕1号", date=days(0), attachment=attachment
    )


@pytest.fixture
def county_world(world) -> list[Hazard]:
    """Hazards of both townships in every state, listed in every way the county and the township list."""
    places = [
        {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a},
        {"village": world.other_village, "sector": world.other_building_sector, "enterprise": world.enterprise_other},
    ]
    # Made under rectification, so they can be listed; moved to their state afterwards (a closed one is not listed).
    made: dict[tuple[int, str], Hazard] = {
        (i, status): HazardFactory.create(**place, level="major", status="rectifying", deadline=days(20))
        for i, place in enumerate(places)
        for status in STATUSES
    }
    for place in places:
        HazardFactory(**place, level="general", status="rectifying", deadline=days(20))
    _list(world.county, made[0, "rectifying"], "county", "泗安委〔2026〕1号")
    _list(world.county, made[1, "verified"], "county", "泗安委〔2026〕2号")
    _list(world.county, made[0, "closed"], "county", "泗安委〔2026〕3号")
    _list(world.county, made[1, "closed"], "county", "泗安委〔2026〕4号")
    extra_closed = HazardFactory(**places[1], level="major", status="rectifying", deadline=days(20))
    Listing.objects.create(
        hazard=extra_closed, level="county", document_number="泗安办〔2025〕5号", supervising_leader="县领导",
        listed_on=days(-100), required_by=days(-40), listed_by=world.other_office,
    )  # fmt: skip
    township_listed = HazardFactory(**places[0], level="major", status="rectifying", deadline=days(20))
    _list(world.office, township_listed, "township", "刘安委督〔2026〕6号")
    for (_i, status), hazard in made.items():
        deadline = hazard.deadline if status in ("rectifying", "pending_acceptance") else None
        Hazard.objects.filter(pk=hazard.pk).update(status=status, deadline=deadline)
    Hazard.objects.filter(pk__in=[extra_closed.pk, township_listed.pk]).update(status="closed")
    return list(
        Hazard.objects.select_related("township", "enterprise", "village", "sector", "lead_unit").order_by("pk")
    )


def _users(world) -> list[User]:
    """Every user of the world (the people of the second township too), and the bureau of another county."""
    assert world.other_village_officer and world.two_townships
    bureau = UserFactory(username="other_county_bureau")
    AssignmentFactory(user=bureau, role=Role.COUNTY, township=None, county=CountyFactory(name="灵璧县", code="341323"))
    return list(User.objects.filter(is_active=True).order_by("pk"))


def _county_users(users: list[User]) -> list[User]:
    county = {Role.COUNTY, Role.COUNTY_DEPARTMENT}
    return [u for u in users if set(u.assignments.values_list("role", flat=True)) <= county]


def listing_offered(actions: HazardActions, hazard: Hazard, user: User) -> set[str]:
    """The listing actions the page offers: a level the form offers, a delisting form."""
    levels = HazardRights(get_scope(user), hazard).listing_levels() if actions.may_list else ()
    return {f"list:{level}" for level in levels} | {f"delist:{pk}" for pk in actions.delistable}


def _listing_attempts(hazard: Hazard, user: User, facts: HazardFacts) -> list[Attempt]:
    attempts: list[Attempt] = [
        (f"list:{level}", lambda level=level: _list(user, hazard, level, "泗安委〔2026〕99号"))
        for level in ListingLevel.values
    ]
    attempts += [
        (f"delist:{x.pk}", lambda pk=x.pk: supervision.listing_delist(
            listing_id=pk, actor=user, delisted_on=days(0), acceptance=_acceptance()))
        for x in facts.active_listings
    ]  # fmt: skip
    return attempts


def _mismatches(hazard: Hazard, user: User, names: set[str], attempts: list[Attempt]) -> list[Any]:
    found = []
    for name, call in attempts:
        reason = refusal(call)
        if (reason is None) != (name in names):
            found.append((hazard.pk, hazard.status, user.username, name, reason))
    return found


def test_it_offers_exactly_the_listing_and_delisting_the_services_accept(world, county_world):
    users, mismatches, seen = _users(world), [], set()
    for hazard in county_world:
        facts = HazardFacts(hazard)
        for user in users:
            names = listing_offered(hazard_actions(user, hazard, facts), hazard, user)
            mismatches += _mismatches(hazard, user, names, _listing_attempts(hazard, user, facts))
            seen |= {(user.username, name.split(":")[0] + ":" + _kind(name)) for name in names}
    assert mismatches == []
    # The county lists at county level and delists its own; the office lists at its levels and delists the rest.
    expected = {
        ("county", "list:county"),
        ("county", "delist:county"),
        ("office", "list:township"),
        ("office", "list:city"),
        ("office", "delist:township"),
        ("other_office", "delist:legacy"),
    }
    assert expected <= seen
    assert not {s for s in seen if s[0] in ("office", "other_office", "admin") and s[1] == "delist:county"}
    assert not {s for s in seen if s[0] in ("county_dept", "other_county_bureau", "leader")}


def _kind(name: str) -> str:
    """For a delisting: whose listing it is (the county's, a legacy county one, a township one); else the level."""
    if not name.startswith("delist:"):
        return name.split(":")[1]
    listing = Listing.objects.get(pk=int(name.split(":")[1]))
    if listing.is_the_countys:
        return "county"
    return "legacy" if listing.level == ListingLevel.COUNTY else "township"


def test_it_offers_the_county_nothing_else_the_services_refuse(world, county_world):
    users = _county_users(_users(world))
    assert {u.username for u in users} == {"county", "county_dept", "other_county_bureau"}
    mismatches = []
    for hazard in county_world:
        facts = HazardFacts(hazard)
        for user in users:
            names = offered(hazard_actions(user, hazard, facts))
            others = [
                (n, c) for n, c in _other_attempts(hazard, user, facts) if n.split(":")[0] not in ("list", "delist")
            ]
            attempts = _step_attempts(hazard, user) + others
            mismatches += _mismatches(hazard, user, names, attempts)
            assert names <= {"list"} | {f"delist:{x.pk}" for x in facts.active_listings}, (hazard.pk, user.username)
    assert mismatches == []


def test_the_page_shows_the_county_exactly_the_offered_buttons(world, county_world, client):
    users, pages = _county_users(_users(world)), 0
    for hazard in county_world:
        for user in users:
            if not hazards_visible_to(user).filter(pk=hazard.pk).exists():
                continue
            client.force_login(user)
            html = client.get(hazard.get_absolute_url()).content.decode()
            assert _shown(html) == _expected(hazard_actions(user, hazard), hazard), (hazard.pk, user.username)
            pages += 1
    listed = Hazard.objects.filter(Q(listings__listed_by_county__isnull=False)).distinct().count()
    assert pages > len(county_world) and listed == 4
