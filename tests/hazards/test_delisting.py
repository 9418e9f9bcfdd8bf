"""摘牌 (§17): a township listing after closure; from county level up only on the listing authority's acceptance,
recorded by the township with its document, which is stored under our own name and served only in scope.

The county-level listings here are those the township recorded from the county's paper before the county acted in
the system (the legacy path); the county's own listings are tested in test_county_listing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.dates import local_today
from core.errors import WorkflowError
from core.files import check_upload
from hazards import supervision_services as services
from hazards.models import HazardEvent, Listing
from hazards.supervision_services import Acceptance
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def days(n: int) -> dt.date:
    return local_today() + dt.timedelta(days=n)


def listed(world, level="county", status="closed") -> Listing:
    hazard = HazardFactory(
        village=world.village_a,
        sector=world.sector_a,
        enterprise=world.enterprise_a,
        level="major",
        status="rectifying",
        deadline=days(10),
        found_on=days(-40),
    )
    fields = {
        "level": level,
        "document_number": "泗安委办〔2026〕12号",
        "supervising_leader": "县应急局局长",
        "listed_on": days(-30),
        "required_by": days(30),
    }
    if level == "county":
        # Recorded by the office before the county acted in the system: the service now leaves that level to the
        # county's bureau, so the row is written as the office's recording left it.
        listing = Listing.objects.create(hazard=hazard, listed_by=world.office, **fields)
    else:
        terms = services.ListingTerms(authority_name="宿州市安全生产委员会")
        listing = services.listing_create(
            hazard_id=hazard.pk, actor=world.office, supervising_unit=None, terms=terms, **fields
        )
    hazard.status = status
    hazard.save()
    return listing


def acceptance(**kw) -> Acceptance:
    values = {
        "authority": "泗县安委办",
        "document": "泗安委办验〔2026〕5号",
        "date": days(-2),
        "attachment": check_upload(SimpleUploadedFile("../验收意见.pdf", PDF)),
    }
    values.update(kw)
    return Acceptance(**values)


def test_it_delists_a_township_listing_after_closure_without_acceptance(world):
    listing = services.listing_delist(listing_id=listed(world, "township").pk, actor=world.office, delisted_on=days(0))
    assert not listing.is_active and listing.acceptance_authority == ""


@pytest.mark.parametrize("level", ["county", "city", "province"])
def test_it_delists_a_county_listing_only_with_the_authoritys_acceptance(world, level):
    listing = listed(world, level)
    with pytest.raises(WorkflowError):
        services.listing_delist(listing_id=listing.pk, actor=world.office, delisted_on=days(0))
    listing = services.listing_delist(
        listing_id=listing.pk, actor=world.office, delisted_on=days(0), acceptance=acceptance()
    )
    assert not listing.is_active
    assert (listing.acceptance_authority, listing.acceptance_document) == ("泗县安委办", "泗安委办验〔2026〕5号")
    assert listing.acceptance_date == days(-2)
    assert listing.acceptance_file.name.endswith(f"{listing.acceptance_token}.pdf")
    assert "验收意见" not in listing.acceptance_file.name and len(listing.acceptance_token) == 32
    assert "泗安委办验〔2026〕5号" in listing.hazard.events.get(action=HazardEvent.Action.DELISTED).note


@pytest.mark.parametrize(
    "missing",
    [
        {"authority": " "},
        {"document": ""},
        {"date": None},
        {"attachment": None},
        {"date": days(1)},  # in the future
        {"date": days(-31)},  # before the listing
        {"date": days(1), "attachment": None},
    ],
)
def test_it_refuses_an_incomplete_acceptance(world, missing):
    listing = listed(world)
    with pytest.raises(WorkflowError):
        services.listing_delist(
            listing_id=listing.pk, actor=world.office, delisted_on=days(0), acceptance=acceptance(**missing)
        )
    listing.refresh_from_db()
    assert listing.is_active and not listing.acceptance_file


def test_it_refuses_a_delisting_before_the_acceptance(world):
    with pytest.raises(WorkflowError):
        services.listing_delist(
            listing_id=listed(world).pk, actor=world.office, delisted_on=days(-3), acceptance=acceptance()
        )


def test_it_still_delists_only_after_closure(world):
    listing = listed(world, status="verified")
    with pytest.raises(WorkflowError):
        services.listing_delist(listing_id=listing.pk, actor=world.office, delisted_on=days(0), acceptance=acceptance())


@pytest.mark.parametrize("who", ["dept_a", "village_a_officer", "leader", "other_office"])
def test_it_lets_only_the_office_record_the_delisting(world, who):
    listing = listed(world)
    with pytest.raises(WorkflowError):
        services.listing_delist(
            listing_id=listing.pk, actor=getattr(world, who), delisted_on=days(0), acceptance=acceptance()
        )


def post_data(**kw):
    data = {
        "delisted_on": days(0).isoformat(),
        "acceptance_authority": "泗县安委办",
        "acceptance_document": "泗安委办验〔2026〕5号",
        "acceptance_date": days(-1).isoformat(),
        "acceptance_upload": SimpleUploadedFile("验收.pdf", PDF),
    }
    data.update(kw)
    return data


def test_it_delists_through_the_page_and_shows_and_prints_the_acceptance(world, client_for):
    listing = listed(world)
    client = client_for(world.office)
    page = client.get(listing.hazard.get_absolute_url()).content.decode()
    assert 'name="acceptance_upload"' in page
    client.post(reverse("hazards:delist", args=[listing.pk]), post_data(acceptance_upload=""))
    listing.refresh_from_db()
    assert listing.is_active
    bad = SimpleUploadedFile("验收.pdf", b"<html>not a pdf</html>")
    client.post(reverse("hazards:delist", args=[listing.pk]), post_data(acceptance_upload=bad))
    listing.refresh_from_db()
    assert listing.is_active
    response = client.post(reverse("hazards:delist", args=[listing.pk]), post_data())
    assert response.status_code == 302
    listing.refresh_from_db()
    assert not listing.is_active and listing.acceptance_extension == ".pdf"
    page = client.get(listing.hazard.get_absolute_url()).content.decode()
    assert 'data-testid="listing-acceptance"' in page and "泗安委办验〔2026〕5号" in page
    printed = client.get(reverse("hazards:listing_print", args=[listing.pk])).content.decode()
    assert "泗县安委办" in printed and "泗安委办验〔2026〕5号" in printed


def test_it_serves_the_acceptance_document_only_in_scope(world, client_for):
    listing = services.listing_delist(
        listing_id=listed(world).pk, actor=world.office, delisted_on=days(0), acceptance=acceptance()
    )
    url = reverse("hazards:listing_acceptance", args=[listing.pk])
    for user in (world.office, world.leader, world.dept_a, world.village_a_officer, world.ent_a):
        response = client_for(user).get(url)
        assert response.status_code == 200, user.username
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    for user in (world.village_b_officer, world.ent_b, world.other_office):
        assert client_for(user).get(url).status_code == 404, user.username


def test_it_answers_404_for_a_listing_without_acceptance_document(world, client_for):
    listing = listed(world, "township")
    assert client_for(world.office).get(reverse("hazards:listing_acceptance", args=[listing.pk])).status_code == 404
