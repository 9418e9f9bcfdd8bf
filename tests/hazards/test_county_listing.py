"""县级挂牌督办 (§17): the county bureau lists any major hazard of its county's townships, then records its own
acceptance and delists after the township closes the hazard; the township cannot delist the county's listing alone.
A county-level listing the township recorded before the county acted in the system keeps the office's path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.dates import local_today
from core.errors import WorkflowError
from core.files import check_upload
from dashboard.stats import active_listings_by_level
from hazards import supervision_services as services
from hazards.models import Hazard, HazardEvent, Listing
from hazards.supervision_services import Acceptance
from reminders.rules.hazard_rules import ListingOverdue
from tests.factories import (
    AssignmentFactory,
    CountyDepartmentFactory,
    CountyFactory,
    HazardFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)
from units.models import Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOC = "泗安委〔2026〕21号"
# A refusal's message names the county (县 once the translations are in, "county" until then).
COUNTY_WORD = "县|county"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def days(n: int) -> dt.date:
    return local_today() + dt.timedelta(days=n)


def major(world, *, other=False, **kw) -> Hazard:
    """A major hazard under rectification: in the township, or in the other township of the county."""
    place = (
        {"village": world.other_village, "sector": world.other_sector, "enterprise": world.enterprise_other}
        if other
        else {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a}
    )
    fields = {**place, "level": "major", "status": "rectifying", "deadline": days(20), "found_on": days(-30), **kw}
    return HazardFactory(**fields)


def county_list(world, hazard, actor=None, **kw) -> Listing:
    fields = {
        "hazard_id": hazard.pk,
        "actor": actor or world.county,
        "level": "county",
        "document_number": DOC,
        "supervising_leader": "县应急局局长",
        "supervising_unit": None,
        "listed_on": days(-10),
        "required_by": days(40),
    }
    fields.update(kw)
    return services.listing_create(**fields)


def acceptance(**kw) -> Acceptance:
    values = {
        "authority": "泗县应急管理局",
        "document": "泗应急验〔2026〕3号",
        "date": days(-1),
        "attachment": check_upload(SimpleUploadedFile("验收意见.pdf", PDF)),
    }
    values.update(kw)
    return Acceptance(**values)


def close(hazard: Hazard) -> None:
    Hazard.objects.filter(pk=hazard.pk).update(status="closed", closed_at=timezone.now())


def outside_county():
    """The bureau of another county, and a major hazard of a township of that county."""
    county = CountyFactory(name="灵璧县", code="341323")
    township = TownshipFactory(name="外县镇", code="341323101", county=county)
    village = VillageFactory(township=township, name="外县村", code="341323101201")
    bureau = UserFactory(username="other_county")
    AssignmentFactory(user=bureau, role=Role.COUNTY, township=None, county=county)
    return bureau, HazardFactory(village=village, level="major", status="rectifying", deadline=days(20))


# -- listing ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("other", [False, True])
def test_it_lets_the_county_list_a_major_hazard_of_any_of_its_townships(world, other):
    hazard = major(world, other=other)
    listing = county_list(world, hazard, supervising_department=world.county_department)
    assert (listing.level, listing.listed_by_county, listing.listed_by) == ("county", world.the_county, world.county)
    assert listing.is_the_countys and listing.supervising_authority == "县住建局"
    event = hazard.events.get(action=HazardEvent.Action.LISTED)
    assert DOC in event.note and "泗县" in event.note and event.actor == world.county


def test_it_names_the_county_bureau_as_the_authority_when_no_department_supervises(world):
    listing = county_list(world, major(world))
    assert listing.supervising_authority == listing.county_bureau != ""
    assert "泗县" in listing.county_bureau


@pytest.mark.parametrize("level", ["township", "city", "province", "district"])
def test_it_lets_the_county_list_only_at_county_level(world, level):
    with pytest.raises(WorkflowError):
        county_list(world, major(world), level=level)
    assert not Listing.objects.exists()


def test_it_leaves_the_county_level_to_the_county_where_the_township_has_one(world):
    with pytest.raises(WorkflowError, match=COUNTY_WORD):
        county_list(world, major(world), actor=world.office)
    assert not Listing.objects.exists()


def test_it_lets_the_office_record_a_county_listing_for_a_township_outside_any_county(world):
    world.township.county = None
    world.township.save()
    hazard = major(world)
    with pytest.raises(WorkflowError, match=r"挂牌督办单位|listing authority"):
        county_list(world, hazard, actor=world.office)  # no county to name the authority after: the office types it
    terms = services.ListingTerms(authority_name="县安全生产委员会")
    listing = county_list(world, hazard, actor=world.office, terms=terms)
    assert listing.level == "county" and not listing.is_the_countys and listing.authority_name == "县安全生产委员会"


@pytest.mark.parametrize("who", ["county_dept", "leader", "dept_a", "village_a_officer", "ent_a", "other_office"])
def test_it_refuses_a_county_listing_by_anyone_but_the_bureau(world, who):
    with pytest.raises(WorkflowError):
        county_list(world, major(world), actor=getattr(world, who))
    assert not Listing.objects.exists()


def test_it_refuses_the_bureau_of_another_county(world):
    bureau, theirs = outside_county()
    with pytest.raises(WorkflowError):
        county_list(world, major(world), actor=bureau)
    with pytest.raises(WorkflowError):
        county_list(world, theirs)  # and ours may not list theirs
    assert not Listing.objects.exists()


def test_it_refuses_a_supervising_department_of_another_county_or_on_the_offices_listing(world):
    foreign = CountyDepartmentFactory(county=CountyFactory(name="灵璧县", code="341323"), name="灵璧县住建局")
    with pytest.raises(WorkflowError):
        county_list(world, major(world), supervising_department=foreign)
    with pytest.raises(WorkflowError):
        county_list(
            world, major(world), actor=world.office, level="city", supervising_department=world.county_department
        )
    assert not Listing.objects.exists()


def test_it_refuses_the_county_a_general_closed_or_listed_hazard(world):
    with pytest.raises(WorkflowError, match="重大事故隐患"):
        county_list(world, major(world, level="general"))
    with pytest.raises(WorkflowError):
        county_list(world, major(world, status="closed"))
    listed = major(world)
    services.listing_create(
        hazard_id=listed.pk, actor=world.office, level="township", document_number="刘安委督〔2026〕1号",
        supervising_leader="李镇长", supervising_unit=None, listed_on=days(-1), required_by=days(30),
    )  # fmt: skip
    with pytest.raises(WorkflowError, match="已挂牌"):
        county_list(world, listed)


# -- acceptance and delisting --------------------------------------------------------------------------------------


def test_it_lets_the_county_accept_and_delist_only_after_closure(world):
    hazard = major(world, other=True)
    listing = county_list(world, hazard)
    with pytest.raises(WorkflowError, match="销号"):
        services.listing_delist(listing_id=listing.pk, actor=world.county, delisted_on=days(0), acceptance=acceptance())
    close(hazard)
    with pytest.raises(WorkflowError):  # the county's acceptance is recorded, with its document
        services.listing_delist(listing_id=listing.pk, actor=world.county, delisted_on=days(0))
    listing = services.listing_delist(
        listing_id=listing.pk, actor=world.county, delisted_on=days(0), acceptance=acceptance()
    )
    assert not listing.is_active and listing.delisted_by == world.county
    assert (listing.acceptance_authority, listing.acceptance_document) == ("泗县应急管理局", "泗应急验〔2026〕3号")
    assert listing.acceptance_file.name.endswith(f"{listing.acceptance_token}.pdf")
    event = hazard.events.get(action=HazardEvent.Action.DELISTED)
    assert event.actor == world.county and "泗应急验〔2026〕3号" in event.note


@pytest.mark.parametrize("who", ["office", "admin", "other_office", "leader", "dept_a", "county_dept"])
def test_it_refuses_the_township_delisting_the_countys_listing(world, who):
    hazard = major(world)
    listing = county_list(world, hazard)
    close(hazard)
    with pytest.raises(WorkflowError):
        services.listing_delist(
            listing_id=listing.pk, actor=getattr(world, who), delisted_on=days(0), acceptance=acceptance()
        )
    listing.refresh_from_db()
    assert listing.is_active and not listing.acceptance_file


def test_it_tells_the_office_the_county_delists_its_listing(world):
    hazard = major(world)
    listing = county_list(world, hazard)
    close(hazard)
    with pytest.raises(WorkflowError, match=COUNTY_WORD):
        services.listing_delist(listing_id=listing.pk, actor=world.office, delisted_on=days(0), acceptance=acceptance())


def test_it_refuses_the_bureau_of_another_county_the_delisting(world):
    bureau, _theirs = outside_county()
    hazard = major(world)
    listing = county_list(world, hazard)
    close(hazard)
    with pytest.raises(WorkflowError):
        services.listing_delist(listing_id=listing.pk, actor=bureau, delisted_on=days(0), acceptance=acceptance())


def test_it_keeps_the_offices_path_for_a_county_listing_it_recorded_before_the_county_acted(world):
    hazard = major(world)
    legacy = Listing.objects.create(
        hazard=hazard, level="county", document_number="泗安办〔2025〕9号", supervising_leader="县领导",
        listed_on=days(-60), required_by=days(10), listed_by=world.office,
    )  # fmt: skip
    close(hazard)
    with pytest.raises(WorkflowError):  # not the county's own record: the office keeps it
        services.listing_delist(listing_id=legacy.pk, actor=world.county, delisted_on=days(0), acceptance=acceptance())
    with pytest.raises(WorkflowError):  # still on the county's acceptance
        services.listing_delist(listing_id=legacy.pk, actor=world.office, delisted_on=days(0))
    legacy = services.listing_delist(
        listing_id=legacy.pk, actor=world.office, delisted_on=days(0), acceptance=acceptance()
    )
    assert not legacy.is_active and legacy.delisted_by == world.office


# -- the township keeps counting it --------------------------------------------------------------------------------


def test_it_counts_the_countys_listing_on_the_dashboard_and_reminds_when_overdue(world):
    hazard = major(world, deadline=days(30))
    county_list(world, hazard, listed_on=days(-20), required_by=days(-1))
    assert active_listings_by_level(Hazard.objects.filter(township=world.township))["county"] == 1
    assert active_listings_by_level(Hazard.objects.filter(township=world.other_township))["county"] == 0
    due = list(ListingOverdue().due(timezone.now()))
    assert len(due) == 1 and due[0].township_id == world.township.pk and DOC in due[0].title
    recipients = {r.user.pk for r in due[0].recipients if r.user is not None}
    assert world.office.pk in recipients
