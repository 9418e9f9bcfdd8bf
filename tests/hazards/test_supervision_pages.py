"""The enterprise's hazard list (清单, §18), the hazard page's supervision panel, and who reaches which page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.dates import local_today
from core.files import check_upload
from hazards import supervision_services as services
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return local_today() + dt.timedelta(days=n)


def hazard_in(world, **kw):
    fields = {
        "village": world.village_a,
        "sector": world.sector_a,
        "enterprise": world.enterprise_a,
        "level": "major",
        "status": "rectifying",
        "deadline": days(-5),
        "found_on": days(-40),
    }
    fields.update(kw)
    return HazardFactory(**fields)


# -- the enterprise's list -----------------------------------------------------------------------------


@pytest.fixture
def enterprise_hazards(world):
    for status in ("reported", "confirmed", "rectifying", "pending_acceptance", "verified", "closed", "dismissed"):
        deadline = days(-5) if status in ("rectifying", "pending_acceptance") else None
        hazard_in(world, status=status, title=f"隐患-{status}", deadline=deadline)
    hazard_in(world, enterprise=world.enterprise_b, village=world.village_b, title="别家的隐患")


def test_it_lists_everything_not_yet_closed_for_one_enterprise(world, client_for, enterprise_hazards):
    response = client_for(world.office).get(reverse("hazards:enterprise_list", args=[world.enterprise_a.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for status in ("reported", "confirmed", "rectifying", "pending_acceptance", "verified"):
        assert f"隐患-{status}" in page
    assert "隐患-closed" not in page and "隐患-dismissed" not in page and "别家的隐患" not in page
    assert '<td class="text-danger fw-bold" data-testid="days-overdue">5</td>' in page


def test_it_shows_the_enterprise_its_hazards_from_registration_on(world, client_for, enterprise_hazards):
    response = client_for(world.ent_a).get(reverse("hazards:enterprise_list", args=[world.enterprise_a.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "隐患-confirmed" in page and "隐患-rectifying" in page
    assert "隐患-reported" not in page


def test_it_shows_the_listing_on_the_enterprise_list(world, client_for):
    hazard = hazard_in(world)
    services.listing_create(
        hazard_id=hazard.pk,
        actor=world.county,
        level="county",
        document_number="县安委办〔2026〕5号",
        supervising_leader="县领导",
        supervising_unit=None,
        listed_on=days(-1),
        required_by=days(30),
    )
    page = client_for(world.office).get(reverse("hazards:enterprise_list", args=[world.enterprise_a.pk]))
    assert "县安委办〔2026〕5号" in page.content.decode()


@pytest.mark.parametrize("who", ["ent_b", "village_b_officer", "other_office"])
def test_it_hides_an_enterprise_list_out_of_scope(world, client_for, who):
    response = client_for(getattr(world, who)).get(reverse("hazards:enterprise_list", args=[world.enterprise_a.pk]))
    assert response.status_code == 404


# -- the panel on the hazard page ----------------------------------------------------------------------


@pytest.fixture
def supervised(world):
    """A major hazard with one of everything: listing, notice, escalation, refusal."""
    hazard = hazard_in(world, title="储罐区防火间距不足")
    listing = services.listing_create(
        hazard_id=hazard.pk,
        actor=world.office,
        level="township",
        document_number="刘安委办督〔2026〕2号",
        supervising_leader="李镇长",
        supervising_unit=world.unit_a,
        listed_on=days(-3),
        required_by=days(20),
    )
    notice = services.notice_issue(
        hazard_id=hazard.pk, actor=world.office, issued_on=days(-2), terms=services.NoticeTerms(deadline=days(20))
    )
    escalation = services.escalation_create(
        actor=world.office,
        township=world.township,
        rung="letter",
        target_kind="hazard",
        hazard=hazard,
        taken_on=days(-1),
        document_number="刘安委办函〔2026〕4号",
        attachment=check_upload(SimpleUploadedFile("函.pdf", b"%PDF-1.4\n%%EOF\n")),
    )
    refusal = services.refusal_record(
        hazard_id=hazard.pk, actor=world.office, recorded_on=days(-1), description="拒绝停用问题储罐"
    )
    return {"hazard": hazard, "listing": listing, "notice": notice, "escalation": escalation, "refusal": refusal}


def test_it_shows_the_supervision_records_and_the_office_its_buttons(world, client_for, supervised):
    hazard = supervised["hazard"]
    page = client_for(world.office).get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    for text in ("刘安委办督〔2026〕2号", supervised["notice"].number, "刘安委办函〔2026〕4号", "拒绝停用问题储罐"):
        assert text in page
    assert reverse("hazards:listing_print", args=[supervised["listing"].pk]) in page
    assert reverse("hazards:notice_service", args=[supervised["notice"].pk]) in page
    assert reverse("hazards:notice_void", args=[supervised["notice"].pk]) in page
    assert reverse("hazards:escalation_attachment", args=[supervised["escalation"].pk]) in page
    assert 'data-testid="escalate"' in page and 'data-testid="record-refusal"' in page
    assert 'data-testid="delist-form"' not in page  # not closed yet


def test_it_shows_leadership_the_records_without_buttons(world, client_for, supervised):
    page = client_for(world.leader).get(reverse("hazards:detail", args=[supervised["hazard"].pk])).content.decode()
    assert "刘安委办督〔2026〕2号" in page and supervised["notice"].number in page
    for testid in ("escalate", "record-refusal", "notice-issue", "notice-service", "notice-void", "list-hazard",
                   "delist-form"):  # fmt: skip
        assert f'data-testid="{testid}"' not in page


def test_it_offers_listing_for_an_unlisted_major_hazard_and_delisting_after_closure(world, client_for):
    hazard = hazard_in(world)
    client = client_for(world.office)
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="list-hazard"' in page
    listing = services.listing_create(
        hazard_id=hazard.pk,
        actor=world.office,
        level="township",
        document_number="文号1",
        supervising_leader="李镇长",
        supervising_unit=None,
        listed_on=days(0),
        required_by=days(20),
    )
    hazard.status, hazard.closed_at = "closed", timezone.now()
    hazard.save()
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="list-hazard"' not in page
    assert reverse("hazards:delist", args=[listing.pk]) in page


# -- who reaches what ----------------------------------------------------------------------------------


def read_urls(s) -> list[str]:
    return [
        reverse("hazards:listing_print", args=[s["listing"].pk]),
        reverse("hazards:notice_print", args=[s["notice"].pk]),
        reverse("hazards:enterprise_list", args=[s["hazard"].enterprise_id]),
        reverse("hazards:escalation_attachment", args=[s["escalation"].pk]),
    ]


def write_urls(s) -> list[str]:
    pk = s["hazard"].pk
    return [
        reverse("hazards:list_hazard", args=[pk]),
        reverse("hazards:delist", args=[s["listing"].pk]),
        reverse("hazards:notice_issue", args=[pk]),
        reverse("hazards:notice_service", args=[s["notice"].pk]),
        reverse("hazards:notice_void", args=[s["notice"].pk]),
        reverse("hazards:refusal_create", args=[pk]),
        reverse("hazards:refusal_update", args=[s["refusal"].pk]),
        reverse("hazards:escalation_create") + f"?hazard={pk}",
    ]


def test_it_gives_leadership_every_read_and_no_write(world, client_for, supervised):
    client = client_for(world.leader)
    for url in [*read_urls(supervised), reverse("hazards:overdue"), reverse("hazards:listings")]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("hazards:escalations")).status_code == 200
    for url in write_urls(supervised):
        assert client.post(url, {"issued_on": days(0).isoformat()}).status_code == 404, url
        if "delist" not in url:
            assert client.get(url).status_code == 404, url


def test_it_answers_404_to_a_village_officer_of_another_village_everywhere(world, client_for, supervised):
    client = client_for(world.village_b_officer)
    for url in read_urls(supervised) + write_urls(supervised):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"issued_on": days(0).isoformat()}).status_code == 404, url


def test_it_answers_404_to_another_township_office_everywhere(world, client_for, supervised):
    client = client_for(world.other_office)
    for url in read_urls(supervised) + write_urls(supervised):
        assert client.post(url, {}).status_code == 404, url


def test_it_lets_a_village_officer_of_the_village_read_but_not_act(world, client_for, supervised):
    client = client_for(world.village_a_officer)
    for url in read_urls(supervised)[:3]:
        assert client.get(url).status_code == 200, url
    for url in write_urls(supervised):
        assert client.post(url, {}).status_code == 404, url


def test_it_sends_anonymous_visitors_to_the_login_page(client, supervised):
    for url in [*read_urls(supervised), reverse("hazards:overdue")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
