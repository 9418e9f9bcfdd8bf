"""The county's listing pages: the listing form and the delisting on the hazard page, the township's view of the
county's listing, and the county-level listings page — who sees which rows, its filters and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.dates import local_today
from core.files import check_upload
from hazards import supervision_services as services
from hazards import supervision_views
from hazards.models import Hazard, Listing
from tests.factories import (
    AssignmentFactory,
    CountyDepartmentFactory,
    CountyFactory,
    HazardFactory,
    TownshipFactory,
    UserFactory,
)
from units.models import Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def days(n: int) -> dt.date:
    return local_today() + dt.timedelta(days=n)


def in_township(world, **kw) -> Hazard:
    place = {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a}
    return HazardFactory(**{**place, "level": "major", "status": "rectifying", "deadline": days(20), **kw})


def in_other_township(world, **kw) -> Hazard:
    place = {
        "village": world.other_village,
        "sector": world.other_building_sector,
        "enterprise": world.enterprise_other,
    }
    return HazardFactory(**{**place, "level": "major", "status": "rectifying", "deadline": days(20), **kw})


def listed(world, hazard, document_number, *, actor=None, level="county", **kw) -> Listing:
    fields = {
        "supervising_leader": "县应急局局长", "supervising_unit": None, "listed_on": days(-10),
        "required_by": days(40), **kw,
    }  # fmt: skip
    return services.listing_create(
        hazard_id=hazard.pk, actor=actor or world.county, level=level, document_number=document_number, **fields
    )


def close(hazard: Hazard) -> None:
    Hazard.objects.filter(pk=hazard.pk).update(status="closed", closed_at=timezone.now())


def listing_post(**kw) -> dict[str, str]:
    data = {
        "level": "county", "document_number": "泗安委〔2026〕30号", "supervising_leader": "王局长",
        "supervising_department": "", "listed_on": days(0).isoformat(), "required_by": days(60).isoformat(),
        "supervising_contact": "赵科长", "supervising_phone": "0557-1234567", "production": "stopped", "note": "",
    }  # fmt: skip
    data.update(kw)
    return data


def delist_post(**kw) -> dict[str, object]:
    data: dict[str, object] = {
        "delisted_on": days(0).isoformat(),
        "acceptance_authority": "泗县应急管理局",
        "acceptance_document": "泗应急验〔2026〕7号",
        "acceptance_date": days(0).isoformat(),
        "acceptance_upload": SimpleUploadedFile("验收.pdf", PDF),
    }
    data.update(kw)
    return data


# -- the listing form -------------------------------------------------------------------------------------------------


def test_it_offers_the_county_the_county_level_form_and_lists_through_it(world, client_for):
    hazard = in_other_township(world)
    client = client_for(world.county)
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert 'data-testid="list-hazard"' in page and reverse("hazards:list_hazard", args=[hazard.pk]) in page
    form = client.get(reverse("hazards:list_hazard", args=[hazard.pk])).content.decode()
    assert 'value="county"' in form and 'value="township"' not in form and 'value="city"' not in form
    assert 'name="supervising_department"' in form and 'name="supervising_unit"' not in form
    assert "县住建局" in form
    data = listing_post(supervising_department=str(world.county_department.pk))
    response = client.post(reverse("hazards:list_hazard", args=[hazard.pk]), data)
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    listing = hazard.listings.get()
    assert listing.listed_by_county == world.the_county and listing.supervising_department == world.county_department


def test_it_no_longer_offers_the_office_the_county_level(world, client_for):
    form = client_for(world.office).get(reverse("hazards:list_hazard", args=[in_township(world).pk])).content.decode()
    assert 'value="township"' in form and 'value="city"' in form and 'value="county"' not in form
    assert 'name="supervising_unit"' in form and 'name="supervising_department"' not in form


@pytest.mark.parametrize("who", ["county_dept", "leader", "dept_a", "village_a_officer", "ent_a", "other_office"])
def test_it_answers_404_for_the_listing_form_to_those_who_do_not_list(world, client_for, who):
    hazard = in_township(world)
    assert client_for(getattr(world, who)).get(reverse("hazards:list_hazard", args=[hazard.pk])).status_code == 404


def test_it_answers_404_to_the_bureau_of_another_county(world, client_for):
    bureau = UserFactory(username="other_county")
    AssignmentFactory(user=bureau, role=Role.COUNTY, township=None, county=CountyFactory(name="灵璧县", code="341323"))
    hazard = in_township(world)
    listing = listed(world, hazard, "泗安委〔2026〕31号")
    close(hazard)
    client = client_for(bureau)
    for url in (
        hazard.get_absolute_url(),
        reverse("hazards:list_hazard", args=[hazard.pk]),
        reverse("hazards:listing_print", args=[listing.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("hazards:delist", args=[listing.pk]), delist_post()).status_code == 404
    assert "泗安委〔2026〕31号" not in client.get(reverse("hazards:county_listings")).content.decode()
    listing.refresh_from_db()
    assert listing.is_active


@pytest.mark.parametrize(
    "bad",
    [
        {"level": "township"},
        {"level": "county'--"},
        {"document_number": ""},
        {"document_number": "号" * 101},
        {"supervising_leader": " "},
        {"listed_on": "2026-13-45"},
        {"listed_on": days(2).isoformat()},
        {"required_by": days(-30).isoformat()},
        {"supervising_department": "999999999999999999999"},
        {"supervising_department": "other"},
    ],
)
def test_it_refuses_bad_input_on_the_countys_listing_form(world, client_for, bad):
    foreign = CountyDepartmentFactory(county=CountyFactory(name="灵璧县", code="341323"), name="灵璧县住建局")
    if bad.get("supervising_department") == "other":
        bad = {"supervising_department": str(foreign.pk)}
    hazard = in_township(world)
    response = client_for(world.county).post(reverse("hazards:list_hazard", args=[hazard.pk]), listing_post(**bad))
    assert response.status_code == 200
    assert not Listing.objects.exists()


# -- the hazard page: what the township sees, who delists -------------------------------------------------------------


def test_it_shows_the_township_the_countys_listing_and_who_delists_it(world, client_for):
    hazard = in_township(world)
    listed(world, hazard, "泗安委〔2026〕32号", supervising_department=world.county_department)
    close(hazard)
    client = client_for(world.office)
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert "泗安委〔2026〕32号" in page and "县住建局" in page and 'data-testid="listing-by-county"' in page
    assert 'data-testid="listing-county-delists"' in page and 'data-testid="delist-form"' not in page
    ledger = client.get(reverse("hazards:list"), {"status": "closed"}).content.decode()
    assert 'data-testid="ledger-listing"' in ledger and "泗安委〔2026〕32号" in ledger and "县住建局" in ledger
    printed = client.get(reverse("hazards:listing_print", args=[hazard.listings.get().pk])).content.decode()
    assert "泗县" in printed and "泗安委〔2026〕32号" in printed


def test_it_refuses_the_office_delisting_the_countys_listing_with_a_message(world, client_for):
    hazard = in_township(world)
    listing = listed(world, hazard, "泗安委〔2026〕33号")
    close(hazard)
    response = client_for(world.office).post(reverse("hazards:delist", args=[listing.pk]), delist_post(), follow=True)
    assert response.redirect_chain[0][0] == hazard.get_absolute_url()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    listing.refresh_from_db()
    assert listing.is_active and not listing.acceptance_file


def test_it_lets_the_county_accept_and_delist_on_the_hazard_page(world, client_for):
    hazard = in_other_township(world)
    listing = listed(world, hazard, "泗安委〔2026〕34号")
    client = client_for(world.county)
    assert 'data-testid="delist-form"' not in client.get(hazard.get_absolute_url()).content.decode()
    close(hazard)
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert 'data-testid="delist-form"' in page and 'value="泗县' in page  # the bureau as authority, filled in
    assert client.post(reverse("hazards:delist", args=[listing.pk]), delist_post()).status_code == 302
    listing.refresh_from_db()
    assert not listing.is_active and listing.delisted_by == world.county and listing.acceptance_extension == ".pdf"
    page = client_for(world.other_office).get(hazard.get_absolute_url()).content.decode()
    assert 'data-testid="listing-acceptance"' in page and "泗应急验〔2026〕7号" in page


@pytest.mark.parametrize(
    "bad",
    [
        {"acceptance_date": "2026-13-45"},
        {"acceptance_date": ""},
        {"acceptance_document": ""},
        {"acceptance_authority": "局" * 101},
        {"delisted_on": "yesterday"},
        {"acceptance_upload": ""},
        {"acceptance_upload": "not-a-file"},
    ],
)
def test_it_refuses_bad_input_on_the_countys_delisting(world, client_for, bad):
    hazard = in_other_township(world)
    listing = listed(world, hazard, "泗安委〔2026〕35号")
    close(hazard)
    if bad.get("acceptance_upload") == "not-a-file":
        bad = {"acceptance_upload": SimpleUploadedFile("验收.pdf", b"<html>not a pdf</html>")}
    response = client_for(world.county).post(reverse("hazards:delist", args=[listing.pk]), delist_post(**bad))
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.is_active and not listing.acceptance_file


# -- the county-level listings page ---------------------------------------------------------------------------------


@pytest.fixture
def county_listings(world) -> dict[str, Listing]:
    """Ours (active), the other township's (overdue), a delisted one, a legacy one the other township recorded, and a
    township listing that is not on the page."""
    ours = listed(world, in_township(world, title="塔吊基础沉降"), "县督〔2026〕1号")
    theirs = listed(world, in_other_township(world, title="厂房屋面坍塌风险"), "县督〔2026〕2号",
                    listed_on=days(-60), required_by=days(-3))  # fmt: skip
    gone = in_township(world, village=world.village_b, sector=world.sector_b, enterprise=world.enterprise_b)
    delisted = listed(world, gone, "县督〔2026〕3号")
    close(gone)
    services.listing_delist(
        listing_id=delisted.pk,
        actor=world.county,
        delisted_on=days(0),
        acceptance=services.Acceptance(
            authority="泗县应急管理局", document="泗应急验〔2026〕1号", date=days(0),
            attachment=check_upload(SimpleUploadedFile("验收.pdf", PDF)),
        ),
    )  # fmt: skip
    legacy = Listing.objects.create(
        hazard=in_other_township(world, sector=world.other_sector), level="county", document_number="县督〔2025〕4号",
        supervising_leader="县领导", listed_on=days(-200), required_by=days(30), listed_by=world.other_office,
    )  # fmt: skip
    township = listed(world, in_township(world), "镇督〔2026〕5号", actor=world.office, level="township")
    return {"ours": ours, "theirs": theirs, "delisted": delisted, "legacy": legacy, "township": township}


def documents(client, **query) -> list[str]:
    response = client.get(reverse("hazards:county_listings"), query)
    assert response.status_code == 200
    return sorted(row.document_number for row in response.context["page_obj"])


# Who sees which county-level listings, active and with the delisted ones: by the one scoping rule.
SEEN = {
    "county": (["县督〔2025〕4号", "县督〔2026〕1号", "县督〔2026〕2号"], ["县督〔2026〕3号"]),
    "county_dept": (["县督〔2026〕1号", "县督〔2026〕2号"], []),  # its sectors, in both townships
    "office": (["县督〔2026〕1号"], ["县督〔2026〕3号"]),
    "admin": (["县督〔2026〕1号"], ["县督〔2026〕3号"]),
    "leader": (["县督〔2026〕1号"], ["县督〔2026〕3号"]),
    "dept_a": (["县督〔2026〕1号"], []),
    "dept_b": ([], ["县督〔2026〕3号"]),
    "village_a_officer": (["县督〔2026〕1号"], []),
    "village_b_officer": ([], ["县督〔2026〕3号"]),
    "ent_a": (["县督〔2026〕1号"], []),
    "ent_b": ([], ["县督〔2026〕3号"]),
    "other_office": (["县督〔2025〕4号", "县督〔2026〕2号"], []),
    "other_village_officer": (["县督〔2025〕4号", "县督〔2026〕2号"], []),
    "two_townships": (["县督〔2026〕1号"], ["县督〔2026〕3号"]),  # acts in its office's township
}


@pytest.mark.parametrize("who", sorted(SEEN))
def test_it_shows_each_user_the_county_listings_of_their_scope(world, client_for, county_listings, who):
    active, delisted = SEEN[who]
    client = client_for(getattr(world, who))
    assert documents(client) == active
    assert documents(client, state="all") == sorted(active + delisted)
    assert documents(client, state="delisted") == delisted


def test_it_answers_404_for_a_township_not_the_users(world, client_for, county_listings):
    other = str(world.other_township.pk)
    for who in ("office", "dept_a", "village_a_officer", "ent_a", "leader"):
        assert (
            client_for(getattr(world, who)).get(reverse("hazards:county_listings"), {"township": other}).status_code
            == 404
        )
    for bad in ("abc", "99999999999999999999999", "-1"):
        assert client_for(world.county).get(reverse("hazards:county_listings"), {"township": bad}).status_code == 404


def test_it_filters_the_countys_listings(world, client_for, county_listings):
    client = client_for(world.county)
    assert documents(client, township=world.other_township.pk) == ["县督〔2025〕4号", "县督〔2026〕2号"]
    assert documents(client, township=world.township.pk, state="all") == ["县督〔2026〕1号", "县督〔2026〕3号"]
    assert documents(client, overdue="on") == ["县督〔2026〕2号"]
    assert documents(client, q="2025") == ["县督〔2025〕4号"]
    assert documents(client, q="塔吊") == ["县督〔2026〕1号"]
    assert documents(client, q="邻镇工厂") == ["县督〔2025〕4号", "县督〔2026〕2号"]  # the enterprise's name
    page = client.get(reverse("hazards:county_listings")).content.decode()
    assert 'data-testid="county-listing-overdue"' in page and 'data-testid="recorded-by-township"' in page
    assert "邻镇" in page and 'name="township"' in page  # the township column and filter


@pytest.mark.parametrize(
    "query",
    [
        {"state": "bogus"},
        {"overdue": "maybe"},
        {"q": "x" * 500},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"state": ["active", "delisted"]},
    ],
)
def test_it_ignores_bad_filter_values(world, client_for, county_listings, query):
    assert client_for(world.county).get(reverse("hazards:county_listings"), query).status_code == 200


def test_it_pages_the_countys_listings(world, client_for, county_listings, monkeypatch):
    monkeypatch.setattr(supervision_views, "PAGE_SIZE", 2)
    client = client_for(world.county)
    first = client.get(reverse("hazards:county_listings"))
    second = client.get(reverse("hazards:county_listings"), {"page": 2})
    seen = [row.document_number for row in first.context["page_obj"]] + [
        row.document_number for row in second.context["page_obj"]
    ]
    assert sorted(seen) == SEEN["county"][0] and first.context["page_obj"].paginator.num_pages == 2


def test_it_shows_the_county_its_menu_entry_and_the_township_a_link(world, client_for, county_listings):
    url = reverse("hazards:county_listings")
    assert url in client_for(world.county).get(reverse("hazards:list")).content.decode()
    assert url in client_for(world.office).get(reverse("hazards:listings")).content.decode()


def test_it_sends_anonymous_visitors_to_the_login(client):
    response = client.get(reverse("hazards:county_listings"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_it_keeps_a_county_with_one_township_out_of_the_township_filter(world, client_for):
    lone = CountyFactory(name="独县", code="341399")
    TownshipFactory(name="独镇", code="341399101", county=lone)
    bureau = UserFactory(username="lone_county")
    AssignmentFactory(user=bureau, role=Role.COUNTY, township=None, county=lone)
    page = client_for(bureau).get(reverse("hazards:county_listings")).content.decode()
    assert 'name="township"' not in page
