"""Listing supervision (挂牌督办, §7, §17) and refusal to rectify (拒不整改, §16): services and pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from core.dates import local_today
from core.errors import WorkflowError
from hazards import supervision_services as services
from hazards.access import HazardRights
from hazards.models import HazardEvent, Listing, Refusal
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

DOC = "刘安委办〔2026〕7号"


def days(n: int) -> dt.date:
    return local_today() + dt.timedelta(days=n)


def major(world, **kw):
    fields = {
        "village": world.village_a,
        "sector": world.sector_a,
        "enterprise": world.enterprise_a,
        "level": "major",
        "status": "rectifying",
        "deadline": days(30),
        "found_on": days(-10),
    }
    fields.update(kw)
    return HazardFactory(**fields)


def list_it(world, hazard, actor=None, **kw):
    fields = {
        "hazard_id": hazard.pk,
        "actor": actor or world.office,
        "level": "township",
        "document_number": DOC,
        "supervising_leader": "李镇长",
        "supervising_unit": world.unit_a,
        "listed_on": days(-1),
        "required_by": days(60),
    }
    fields.update(kw)
    return services.listing_create(**fields)


def listing_post(world, **overrides):
    data = {
        "level": "city",
        "document_number": DOC,
        "authority_name": "宿州市安全生产委员会",
        "supervising_leader": "李镇长",
        "supervising_unit": world.unit_a.pk,
        "supervising_contact": "王干事",
        "supervising_phone": "13900000002",
        "production": "stopped",
        "listed_on": days(0).isoformat(),
        "required_by": days(45).isoformat(),
        "note": "",
    }
    data.update(overrides)
    return data


# -- listing ------------------------------------------------------------------------------------------


def test_it_lets_the_office_list_a_major_hazard_and_records_the_event(world):
    hazard = major(world)
    listing = list_it(world, hazard)
    assert listing.is_active and listing.listed_by == world.office
    event = hazard.events.get(action=HazardEvent.Action.LISTED)
    assert DOC in event.note and event.actor == world.office


@pytest.mark.parametrize("who", ["dept_a", "village_a_officer", "leader", "other_office"])
def test_it_refuses_listing_by_anyone_but_the_office(world, who):
    with pytest.raises(WorkflowError):
        list_it(world, major(world), actor=getattr(world, who))
    assert not Listing.objects.exists()


def test_it_refuses_listing_a_general_hazard(world):
    with pytest.raises(WorkflowError, match="重大事故隐患"):
        list_it(world, major(world, level="general"))


@pytest.mark.parametrize("status", ["closed", "dismissed"])
def test_it_refuses_listing_a_closed_or_dismissed_hazard(world, status):
    with pytest.raises(WorkflowError):
        list_it(world, major(world, status=status))


def test_it_lists_a_verified_hazard_still_awaiting_closure(world):
    assert list_it(world, major(world, status="verified")).is_active


def test_it_keeps_one_active_listing_per_hazard(world):
    hazard = major(world)
    list_it(world, hazard)
    with pytest.raises(WorkflowError, match="已挂牌"):
        list_it(world, hazard, level="county")
    assert hazard.listings.count() == 1


def test_it_turns_the_database_constraint_into_a_clear_message(world, monkeypatch):
    # Two offices listing at the same moment both pass the check; the partial unique constraint stops the second.
    hazard = major(world)
    list_it(world, hazard)
    monkeypatch.setattr(HazardRights, "check_list", lambda rights: None)
    with pytest.raises(WorkflowError, match="已挂牌"):
        list_it(world, hazard)
    assert hazard.listings.count() == 1
    assert hazard.events.filter(action=HazardEvent.Action.LISTED).count() == 1


def test_it_refuses_a_required_date_before_the_listing_date(world):
    with pytest.raises(WorkflowError):
        list_it(world, major(world), required_by=days(-5))


def test_it_delists_only_after_closure(world):
    hazard = major(world)
    listing = list_it(world, hazard)
    with pytest.raises(WorkflowError, match="销号后"):
        services.listing_delist(listing_id=listing.pk, actor=world.office, delisted_on=days(0))
    hazard.status = "closed"
    hazard.save()
    services.listing_delist(listing_id=listing.pk, actor=world.office, delisted_on=days(0))
    listing.refresh_from_db()
    assert listing.delisted_on == days(0) and listing.delisted_by == world.office
    assert hazard.events.filter(action=HazardEvent.Action.DELISTED).exists()
    with pytest.raises(WorkflowError, match="已于"):
        services.listing_delist(listing_id=listing.pk, actor=world.office, delisted_on=days(0))


def test_it_lists_through_the_form_and_redirects_to_the_hazard(world, client_for):
    hazard = major(world)
    client = client_for(world.office)
    assert client.get(reverse("hazards:list_hazard", args=[hazard.pk])).status_code == 200
    response = client.post(reverse("hazards:list_hazard", args=[hazard.pk]), listing_post(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:detail", args=[hazard.pk])
    assert hazard.listings.get().level == "city"


def test_it_shows_the_reason_on_the_form_when_listing_is_refused(world, client_for):
    hazard = major(world, level="general")
    response = client_for(world.office).post(reverse("hazards:list_hazard", args=[hazard.pk]), listing_post(world))
    assert response.status_code == 200
    assert "major" in response.content.decode() or "重大" in response.content.decode()
    assert not Listing.objects.exists()


def test_it_delists_through_a_post_and_explains_a_refusal(world, client_for):
    hazard = major(world)
    listing = list_it(world, hazard)
    client = client_for(world.office)
    url = reverse("hazards:delist", args=[listing.pk])
    response = client.post(url, {"delisted_on": days(0).isoformat()}, follow=True)
    assert response.redirect_chain[0][0] == reverse("hazards:detail", args=[hazard.pk])
    listing.refresh_from_db()
    assert listing.is_active
    hazard.status = "closed"
    hazard.save()
    assert client.post(url, {"delisted_on": days(0).isoformat()}).status_code == 302
    listing.refresh_from_db()
    assert not listing.is_active


def test_it_prints_the_supervision_notice(world, client_for):
    listing = list_it(world, major(world, title="液化气站储罐区防火间距不足"))
    for user in (world.office, world.leader, world.dept_a, world.ent_a):
        response = client_for(user).get(reverse("hazards:listing_print", args=[listing.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert DOC in page and "李镇长" in page and "液化气站储罐区防火间距不足" in page
        assert days(60).isoformat() in page


# -- the list of listed hazards -------------------------------------------------------------------------


def test_it_lists_active_listings_and_filters_by_level(world, client_for):
    county = list_it(
        world,
        major(world),
        actor=world.county,
        level="county",
        document_number="县督〔2026〕1号",
        supervising_unit=None,
    )
    list_it(world, major(world), level="township", document_number="镇督〔2026〕2号")
    closed = major(world)
    old = list_it(world, closed, document_number="镇督〔2025〕9号")
    closed.status = "closed"
    closed.save()
    services.listing_delist(listing_id=old.pk, actor=world.office, delisted_on=days(0))
    client = client_for(world.leader)
    page = client.get(reverse("hazards:listings")).content.decode()
    assert "县督〔2026〕1号" in page and "镇督〔2026〕2号" in page
    assert "镇督〔2025〕9号" not in page
    page = client.get(reverse("hazards:listings"), {"level": "county"}).content.decode()
    assert county.document_number in page and "镇督〔2026〕2号" not in page


def test_it_shows_only_listings_of_hazards_in_scope(world, client_for):
    list_it(world, major(world), document_number="刘圩村的文号")
    page = client_for(world.village_b_officer).get(reverse("hazards:listings")).content.decode()
    assert "刘圩村的文号" not in page


# -- refusal to rectify (拒不整改, §16) ---------------------------------------------------------------------


def refuse(world, hazard, actor=None, **kw):
    fields = {"hazard_id": hazard.pk, "actor": actor or world.office, "recorded_on": days(-2)}
    fields["description"] = "经两次督促仍拒不停止使用问题气瓶"
    fields.update(kw)
    return services.refusal_record(**fields)


def test_it_records_a_refusal_with_its_referral_and_the_three_checks(world):
    hazard = major(world)
    refusal = refuse(
        world,
        hazard,
        referred_to="泗县公安局",
        referred_on=days(-1),
        referral_number="刘安移〔2026〕1号",
        three_checks="企业主体责任：未落实整改资金",
    )
    assert refusal.referred_to == "泗县公安局" and refusal.recorded_by == world.office
    event = hazard.events.get(action=HazardEvent.Action.REFUSAL)
    assert "泗县公安局" in event.note


def test_it_lets_the_lead_department_record_a_refusal(world):
    assert refuse(world, major(world), actor=world.dept_a).recorded_by == world.dept_a


@pytest.mark.parametrize("who", ["village_a_officer", "ent_a", "leader", "dept_b"])
def test_it_refuses_a_refusal_record_by_others(world, who):
    with pytest.raises(WorkflowError):
        refuse(world, major(world), actor=getattr(world, who))
    assert not Refusal.objects.exists()


@pytest.mark.parametrize("status", ["reported", "verified", "closed", "dismissed"])
def test_it_records_a_refusal_only_while_rectification_is_owed(world, status):
    with pytest.raises(WorkflowError):
        refuse(world, major(world, status=status))


def test_it_needs_the_organ_and_the_date_for_a_referral(world):
    with pytest.raises(WorkflowError, match="移送机关"):
        refuse(world, major(world), referral_number="刘安移〔2026〕1号")
    with pytest.raises(WorkflowError):
        refuse(world, major(world), referred_to="泗县公安局", referred_on=days(-5))  # before the refusal


def test_it_adds_the_referral_later_and_never_rewrites_it(world):
    hazard = major(world)
    refusal = refuse(world, hazard)
    services.refusal_update(
        refusal_id=refusal.pk,
        actor=world.office,
        referred_to="泗县公安局",
        referred_on=days(0),
        referral_number="移1号",
    )
    refusal.refresh_from_db()
    assert refusal.referred_on == days(0)
    with pytest.raises(WorkflowError, match="已记录"):
        services.refusal_update(
            refusal_id=refusal.pk, actor=world.office, referred_to="泗县检察院", referred_on=days(0)
        )
    services.refusal_update(
        refusal_id=refusal.pk,
        actor=world.dept_a,
        referred_to="泗县公安局",
        referred_on=days(0),
        referral_number="移1号",
        three_checks="属地管理责任：村未按期督促",
    )
    refusal.refresh_from_db()
    assert refusal.referred_to == "泗县公安局" and "属地管理责任" in refusal.three_checks
    assert hazard.events.filter(action=HazardEvent.Action.REFUSAL).count() == 3


def test_it_records_a_refusal_and_a_referral_through_the_pages(world, client_for):
    hazard = major(world)
    client = client_for(world.dept_a)
    data = {"recorded_on": days(0).isoformat(), "description": "拒不整改", "referred_to": "", "referred_on": ""}
    response = client.post(reverse("hazards:refusal_create", args=[hazard.pk]), data)
    assert response.status_code == 302
    refusal = hazard.refusals.get()
    url = reverse("hazards:refusal_update", args=[refusal.pk])
    assert client.get(url).status_code == 200
    data = {"referred_to": "泗县公安局", "referred_on": days(0).isoformat(), "referral_number": "", "three_checks": ""}
    assert client.post(url, data).status_code == 302
    refusal.refresh_from_db()
    assert refusal.referred_to == "泗县公安局"
    # The recorded referral is shown, disabled: a changed value posted anyway is ignored.
    response = client.post(url, {**data, "referred_to": "别处", "three_checks": "部门监管责任：已核查"})
    refusal.refresh_from_db()
    assert refusal.referred_to == "泗县公安局" and refusal.three_checks == "部门监管责任：已核查"
