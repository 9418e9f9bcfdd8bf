"""The rectification notice as issued (issue 13): a snapshot every reprint renders unchanged, voiding (作废) and
replacing, the fields of the notice and of its 送达回证, checked against hand-written expectations on fixed data."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.errors import WorkflowError
from hazards import supervision_services as services
from hazards.models import HazardEvent, Notice, ServiceManner
from hazards.supervision_services import NoticeTerms, Service
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()
NOW = dt.datetime(2026, 3, 10, 15, 30, 45, tzinfo=TZ)
FOUND, ISSUED, DEADLINE = dt.date(2026, 3, 2), dt.date(2026, 3, 5), dt.date(2026, 4, 5)
NUMBER = "刘圩安隐改〔2026〕第{:04d}号"


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hazard(world):  # type: ignore[no-untyped-def]
    ent = world.enterprise_a
    ent.name, ent.principal_name, ent.controller_name, ent.address = "刘圩木业有限公司", "张主要", "钱实控", "工业园3号"
    ent.save()
    return HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=ent, level="general", status="rectifying",
        title="安全出口锁闭", description="二楼东侧安全出口被铁链锁闭", location="二号车间",
        found_on=FOUND, found_by="王检查、李检查", basis="《中华人民共和国消防法》", clause="第二十八条",
        measures="拆除铁链，保持安全出口畅通", deadline=DEADLINE, channel="department", number="刘圩隐〔2026〕0012",
    )  # fmt: skip


def issue(world, hazard, actor=None, on=ISSUED, **terms):  # type: ignore[no-untyped-def]
    return services.notice_issue(
        hazard_id=hazard.pk, actor=actor or world.office, issued_on=on, terms=NoticeTerms(**terms)
    )


def service(**changes):  # type: ignore[no-untyped-def]
    fields = {
        "served_to": "张主要",
        "served_at": dt.datetime(2026, 3, 6, 9, 41, 27, tzinfo=TZ),
        "place": "企业办公室",
        "manner": ServiceManner.DIRECT,
        "signed_by": "张主要",
        "servers": "王检查、李检查",
    }
    fields.update(changes)
    return Service(**fields)


def serve(world, notice, actor=None, **changes):  # type: ignore[no-untyped-def]
    return services.notice_record_service(notice_id=notice.pk, actor=actor or world.office, service=service(**changes))


def doc(client, notice) -> str:  # type: ignore[no-untyped-def]
    """The notice-doc element of the print, as HTML."""
    page = client.get(reverse("hazards:notice_print", args=[notice.pk])).content.decode()
    match = re.search(r'<article [^>]*data-testid="notice-doc">.*?</article>', page, re.S)
    assert match, "no notice-doc on the print"
    return match.group(0)


def field(html_text: str, testid: str) -> str | None:
    """The text of the element with that data-testid (tags dropped, spaces squeezed), None if absent."""
    match = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', html_text, re.S)
    if match is None:
        return None
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())


# -- the snapshot -------------------------------------------------------------------------------------------------


def test_it_stores_everything_the_notice_prints(world, hazard):
    notice = issue(world, hazard)
    assert notice.number == NUMBER.format(1)
    assert {
        "township_name": notice.township_name,
        "issuer_name": notice.issuer_name,
        "enterprise_name": notice.enterprise_name,
        "principal_name": notice.principal_name,
        "controller_name": notice.controller_name,
        "address": notice.address,
        "location": notice.location,
        "hazard_title": notice.hazard_title,
        "description": notice.description,
        "level": notice.level,
        "inspected_on": notice.inspected_on,
        "inspectors": notice.inspectors,
        "basis": notice.basis,
        "clause": notice.clause,
        "requirement": notice.requirement,
        "deadline": notice.deadline,
        "replaces": notice.replaces,
    } == {
        "township_name": "刘圩镇",
        "issuer_name": "刘圩镇应急办",  # the unit marked as the township's safety office
        "enterprise_name": "刘圩木业有限公司",
        "principal_name": "张主要",
        "controller_name": "钱实控",
        "address": "工业园3号",
        "location": "二号车间",
        "hazard_title": "安全出口锁闭",
        "description": "二楼东侧安全出口被铁链锁闭",
        "level": "general",
        "inspected_on": FOUND,
        "inspectors": "王检查、李检查",
        "basis": "《中华人民共和国消防法》",
        "clause": "第二十八条",
        "requirement": "拆除铁链，保持安全出口畅通",
        "deadline": DEADLINE,
        "replaces": None,
    }
    assert notice.review  # the usual sentence, through gettext


def test_it_prints_each_field_from_the_snapshot(world, hazard, client_for):
    notice = issue(world, hazard, inspectors="王检查", review="期满后三日内复查")
    text = doc(client_for(world.office), notice)
    assert {
        name: field(text, name)
        for name in (
            "notice-township",
            "notice-number",
            "notice-enterprise",
            "notice-principal",
            "notice-controller",
            "notice-hazard-number",
            "notice-title",
            "notice-location",
            "notice-description",
            "notice-basis",
            "notice-requirement",
            "notice-deadline",
            "notice-review",
            "notice-issuer",
            "notice-issued-on",
            "receipt-number",
            "receipt-addressee",
            "receipt-unit",
            "receipt-served-to",
            "receipt-served-at",
            "receipt-place",
            "receipt-signed-by",
            "receipt-relation",
            "receipt-witness",
            "receipt-servers",
            "receipt-remarks",
        )
    } == {
        "notice-township": "刘圩镇",
        "notice-number": "刘圩安隐改〔2026〕第0001号",
        "notice-enterprise": "刘圩木业有限公司",
        "notice-principal": "张主要",
        "notice-controller": "钱实控",
        "notice-hazard-number": "刘圩隐〔2026〕0012",
        "notice-title": "安全出口锁闭",
        "notice-location": "二号车间",
        "notice-description": "二楼东侧安全出口被铁链锁闭",
        "notice-basis": "《中华人民共和国消防法》 第二十八条",
        "notice-requirement": "拆除铁链，保持安全出口畅通",
        "notice-deadline": "2026-04-05",
        "notice-review": "期满后三日内复查",
        "notice-issuer": "刘圩镇应急办",
        "notice-issued-on": "2026-03-05",
        "receipt-number": "刘圩安隐改〔2026〕第0001号",
        "receipt-addressee": "刘圩木业有限公司",
        "receipt-unit": "刘圩镇应急办",
        "receipt-served-to": "",  # blank lines to fill in by hand
        "receipt-served-at": "",
        "receipt-place": "",
        "receipt-signed-by": "",
        "receipt-relation": "",
        "receipt-witness": "",
        "receipt-servers": "",
        "receipt-remarks": "",
    }
    inspection = field(text, "notice-inspection") or ""
    assert "2026-03-02" in inspection and "王检查" in inspection
    assert 'data-testid="notice-acknowledge"' in text  # 签收人 / 日期 lines
    assert text.count('class="fill-line"') == 7
    assert "☐" in (field(text, "receipt-manner") or "")  # the four manners to tick
    assert field(text, "notice-replaces") is None and field(text, "notice-voided") is None


def test_it_prints_the_recorded_service(world, hazard, client_for):
    notice = issue(world, hazard)
    serve(world, notice, signed_by="李会计", signer_relation="企业会计", manner=ServiceManner.LEFT,
          witness="村干部周某", remarks="负责人外出")  # fmt: skip
    text = doc(client_for(world.ent_a), notice)
    got = {n: field(text, n) for n in ("receipt-unit", "receipt-served-to", "receipt-served-at", "receipt-place",
                                       "receipt-signed-by", "receipt-relation", "receipt-witness", "receipt-servers",
                                       "receipt-remarks")}  # fmt: skip
    assert got == {
        "receipt-unit": "刘圩镇应急办",
        "receipt-served-to": "张主要",
        "receipt-served-at": "2026-03-06 09:41",
        "receipt-place": "企业办公室",
        "receipt-signed-by": "李会计",
        "receipt-relation": "企业会计",
        "receipt-witness": "村干部周某",
        "receipt-servers": "王检查、李检查",
        "receipt-remarks": "负责人外出",
    }
    assert "☐" not in (field(text, "receipt-manner") or "")
    assert 'class="fill-line"' not in text


def test_a_reprint_after_edits_of_the_hazard_and_the_enterprise_is_identical(world, hazard, client_for):
    notice = issue(world, hazard)
    client = client_for(world.office)
    before = doc(client, notice)
    hazard.title, hazard.description, hazard.location = "改了标题", "改了描述", "三号车间"
    hazard.basis, hazard.clause, hazard.measures = "另一依据", "第九条", "另一措施"
    hazard.deadline, hazard.level, hazard.found_by, hazard.found_on = (
        DEADLINE + dt.timedelta(days=9),
        "major",
        "某",
        FOUND,
    )
    hazard.save()
    ent = world.enterprise_a
    ent.name, ent.principal_name, ent.controller_name, ent.address = "新名称公司", "新负责人", "新实控人", "新地址"
    ent.save()
    world.office_unit.name = "镇安全生产办"
    world.office_unit.save()
    world.township.name = "刘圩新镇"
    world.township.save()
    assert doc(client, notice) == before


def test_the_enterprise_prints_the_same_paper(world, hazard, client_for):
    notice = issue(world, hazard)
    assert doc(client_for(world.ent_a), notice) == doc(client_for(world.office), notice)


# -- the sentence about referral to the judiciary (§16): major hazards only -----------------------------------------


def test_a_general_hazard_s_notice_has_no_judicial_sentence(world, hazard, client_for):
    text = doc(client_for(world.office), issue(world, hazard))
    assert 'data-testid="notice-judicial"' not in text
    assert "司法" not in text and "judicial" not in text


def test_a_major_hazard_s_notice_has_the_judicial_sentence(world, hazard, client_for):
    hazard.level = "major"
    hazard.save()
    text = doc(client_for(world.office), issue(world, hazard))
    assert field(text, "notice-judicial")


# -- voiding and replacing --------------------------------------------------------------------------------------------


def test_it_voids_an_unserved_notice_and_issues_a_corrected_one(world, hazard, client_for):
    first = issue(world, hazard)
    voided = services.notice_void(notice_id=first.pk, actor=world.dept_a, reason="整改期限写错")
    assert (voided.voided_by, voided.voided_at, voided.void_reason) == (world.dept_a, NOW, "整改期限写错")
    event = hazard.events.get(action=HazardEvent.Action.NOTICE_VOIDED)
    assert (event.actor, NUMBER.format(1) in event.note, "整改期限写错" in event.note) == (world.dept_a, True, True)
    with pytest.raises(WorkflowError):  # a replacement says why
        issue(world, hazard, deadline=DEADLINE + dt.timedelta(days=10))
    second = issue(world, hazard, deadline=DEADLINE + dt.timedelta(days=10), replace_reason="更正整改期限")
    assert (second.number, second.replaces, second.replace_reason) == (NUMBER.format(2), first, "更正整改期限")
    client = client_for(world.office)
    assert field(doc(client, second), "notice-replaces")
    assert NUMBER.format(1) in (field(doc(client, second), "notice-replaces") or "")
    old = doc(client, first)
    assert field(old, "notice-void-stamp") and "整改期限写错" in (field(old, "notice-voided") or "")


def test_it_replaces_a_served_notice_with_a_new_one(world, hazard, client_for):
    first = serve(world, issue(world, hazard))
    second = issue(world, hazard, requirement="增设应急照明", replace_reason="整改要求变更")
    assert (second.replaces, second.requirement) == (first, "增设应急照明")
    with pytest.raises(WorkflowError):  # the double-click guard: the new one is unserved
        issue(world, hazard, replace_reason="再次")
    assert NUMBER.format(1) in (field(doc(client_for(world.office), second), "notice-replaces") or "")


def test_the_hazard_page_shows_each_notice_s_state(world, hazard, client_for):
    first = issue(world, hazard)
    services.notice_void(notice_id=first.pk, actor=world.office, reason="写错")
    second = serve(world, issue(world, hazard, replace_reason="更正"))
    third = issue(world, hazard, replace_reason="整改要求变更")
    page = client_for(world.office).get(hazard.get_absolute_url()).content.decode()
    states = dict(re.findall(r'data-testid="notice" data-number="([^"]+)" data-state="(\w+)"', page))
    assert states == {first.number: "voided", second.number: "replaced", third.number: "current"}
    assert 'data-testid="notice-void"' in page and 'notice-issue"' not in page
    assert Notice.objects.filter(hazard=hazard).count() == 3


@pytest.mark.parametrize("case", ["served", "voided"])
def test_it_refuses_to_void_a_served_or_voided_notice(world, hazard, case):
    notice = issue(world, hazard)
    if case == "served":
        serve(world, notice)
    else:
        services.notice_void(notice_id=notice.pk, actor=world.office, reason="写错")
    with pytest.raises(WorkflowError):
        services.notice_void(notice_id=notice.pk, actor=world.office, reason="再作废")
    assert hazard.events.filter(action=HazardEvent.Action.NOTICE_VOIDED).count() == (case == "voided")


def test_it_refuses_to_void_without_a_reason(world, hazard):
    notice = issue(world, hazard)
    with pytest.raises(WorkflowError):
        services.notice_void(notice_id=notice.pk, actor=world.office, reason="  ")


def test_a_voided_notice_is_not_served(world, hazard):
    notice = issue(world, hazard)
    services.notice_void(notice_id=notice.pk, actor=world.office, reason="写错")
    with pytest.raises(WorkflowError):
        serve(world, notice)


@pytest.mark.parametrize("who", ["ent_a", "leader", "village_a_officer", "other_office"])
def test_others_may_not_void(world, hazard, who):
    notice = issue(world, hazard)
    with pytest.raises(WorkflowError):
        services.notice_void(notice_id=notice.pk, actor=getattr(world, who), reason="写错")


@pytest.mark.parametrize("who", ["ent_a", "other_office"])
def test_the_void_page_is_not_found_for_others(world, hazard, client_for, who):
    notice = issue(world, hazard)
    client = client_for(getattr(world, who))
    assert client.get(reverse("hazards:notice_void", args=[notice.pk])).status_code == 404
    assert client.post(reverse("hazards:notice_void", args=[notice.pk]), {"reason": "x"}).status_code == 404
    notice.refresh_from_db()
    assert not notice.is_voided


def test_another_township_does_not_find_the_notice(world, hazard, client_for):
    notice = issue(world, hazard)
    client = client_for(world.other_office)
    for name in ("notice_print", "notice_service", "notice_void"):
        assert client.get(reverse(f"hazards:{name}", args=[notice.pk])).status_code == 404, name
    assert client.get(reverse("hazards:notice_issue", args=[hazard.pk])).status_code == 404


def test_it_voids_through_the_page(world, hazard, client_for):
    notice = issue(world, hazard)
    client = client_for(world.office)
    url = reverse("hazards:notice_void", args=[notice.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200  # the reason is required
    response = client.post(url, {"reason": "整改期限写错"})
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    notice.refresh_from_db()
    assert notice.void_reason == "整改期限写错"


# -- the issue form -------------------------------------------------------------------------------------------------


def test_the_issue_form_proposes_the_hazard_s_values(world, hazard, client_for):
    response = client_for(world.office).get(reverse("hazards:notice_issue", args=[hazard.pk]))
    form = response.context["form"]
    initial = {name: form[name].value() for name in form.fields}
    assert initial == {
        "issued_on": dt.date(2026, 3, 10),
        "inspected_on": FOUND,
        "inspectors": "王检查、李检查",
        "basis": "《中华人民共和国消防法》",
        "clause": "第二十八条",
        "requirement": "拆除铁链，保持安全出口畅通",
        "deadline": DEADLINE,
        "review": services.notice_review_default(),
    }  # no reason asked: nothing to replace


def test_the_issue_form_asks_the_reason_when_it_replaces(world, hazard, client_for):
    serve(world, issue(world, hazard))
    form = client_for(world.office).get(reverse("hazards:notice_issue", args=[hazard.pk])).context["form"]
    assert form.fields["replace_reason"].required


def form_data(**changes):  # type: ignore[no-untyped-def]
    data = {
        "issued_on": "2026-03-05",
        "inspected_on": "2026-03-02",
        "inspectors": "王检查",
        "basis": "《消防法》",
        "clause": "第二十八条",
        "requirement": "拆除铁链",
        "deadline": "2026-04-05",
        "review": "期满后复查",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "error_field"),
    [
        ({"deadline": "2026-03-04"}, "deadline"),  # before the issue date
        ({"inspected_on": "2026-03-06"}, "inspected_on"),  # after the issue date
        ({"requirement": ""}, "requirement"),
        ({"deadline": "9999-01-01"}, "deadline"),  # bounded
        ({"issued_on": "2026-02-30"}, "issued_on"),
    ],
)
def test_the_issue_form_refuses_bad_values(world, hazard, client_for, changes, error_field):
    response = client_for(world.office).post(reverse("hazards:notice_issue", args=[hazard.pk]), form_data(**changes))
    assert response.status_code == 200
    assert error_field in response.context["form"].errors
    assert not Notice.objects.exists()


def test_the_issue_form_issues_what_was_written(world, hazard, client_for):
    response = client_for(world.office).post(reverse("hazards:notice_issue", args=[hazard.pk]), form_data())
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert (notice.inspectors, notice.basis, notice.requirement, notice.review, notice.deadline) == (
        "王检查", "《消防法》", "拆除铁链", "期满后复查", DEADLINE,
    )  # fmt: skip


def test_the_issue_page_sends_back_when_a_notice_waits_to_be_served(world, hazard, client_for):
    issue(world, hazard)
    response = client_for(world.office).get(reverse("hazards:notice_issue", args=[hazard.pk]))
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()


def test_the_service_refuses_a_deadline_before_the_issue(world, hazard):
    with pytest.raises(WorkflowError):
        issue(world, hazard, deadline=dt.date(2026, 3, 4))


def test_a_reported_hazard_s_finder_is_not_proposed_as_inspector(world, hazard, client_for):
    hazard.channel, hazard.found_by = "public", "举报人甲"
    hazard.save()
    form = client_for(world.office).get(reverse("hazards:notice_issue", args=[hazard.pk])).context["form"]
    assert form["inspectors"].value() == ""
    assert issue(world, hazard).inspectors == ""


# -- the 送达回证 ---------------------------------------------------------------------------------------------------


def test_it_records_the_service_to_the_minute(world, hazard):
    notice = serve(world, issue(world, hazard))
    notice.refresh_from_db()
    assert timezone.localtime(notice.served_at) == dt.datetime(2026, 3, 6, 9, 41, tzinfo=TZ)
    assert (notice.serving_unit, notice.service_manner, notice.served_recorded_by) == (
        "刘圩镇应急办", "direct", world.office,
    )  # fmt: skip


@pytest.mark.parametrize(
    "changes",
    [
        {"signed_by": "李会计"},  # 代收 without the relation
        {"manner": ServiceManner.LEFT},  # 留置送达 without a witness
        {"served_at": dt.datetime(2026, 3, 4, 23, 59, tzinfo=TZ)},  # before the issue
        {"served_at": dt.datetime(2026, 3, 10, 16, 0, tzinfo=TZ)},  # in the future
        {"place": ""},
        {"servers": ""},
        {"manner": "fax"},
    ],
)
def test_the_service_refuses_an_incomplete_receipt(world, hazard, changes):
    notice = issue(world, hazard)
    with pytest.raises(WorkflowError):
        serve(world, notice, **changes)
    notice.refresh_from_db()
    assert not notice.is_served


def service_form(**changes):  # type: ignore[no-untyped-def]
    data = {
        "serving_unit": "刘圩镇应急办",
        "served_to": "张主要",
        "served_at": "2026-03-06T09:41",
        "served_place": "企业办公室",
        "service_manner": "direct",
        "signed_by": "张主要",
        "servers": "王检查",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "error_field"),
    [
        ({"signed_by": "李会计"}, "signer_relation"),
        ({"service_manner": "left"}, "witness"),
        ({"service_manner": "fax"}, "service_manner"),
        ({"served_at": "2026-03-06"}, "served_at"),
        ({"served_place": ""}, "served_place"),
    ],
)
def test_the_service_form_asks_for_what_the_receipt_needs(world, hazard, client_for, changes, error_field):
    notice = issue(world, hazard)
    response = client_for(world.office).post(reverse("hazards:notice_service", args=[notice.pk]),
                                             service_form(**changes))  # fmt: skip
    assert response.status_code == 200
    assert error_field in response.context["form"].errors
    notice.refresh_from_db()
    assert not notice.is_served


def test_the_service_form_refuses_a_time_before_the_issue(world, hazard, client_for):
    notice = issue(world, hazard)
    response = client_for(world.office).post(reverse("hazards:notice_service", args=[notice.pk]),
                                             service_form(served_at="2026-03-04T10:00"))  # fmt: skip
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_the_service_form_records_a_receipt_signed_on_behalf(world, hazard, client_for):
    notice = issue(world, hazard)
    data = service_form(signed_by="李会计", signer_relation="会计", service_manner="left", witness="周某",
                        service_remarks="负责人外出")  # fmt: skip
    response = client_for(world.office).post(reverse("hazards:notice_service", args=[notice.pk]), data)
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.signed_by, notice.signer_relation, notice.service_manner, notice.witness) == (
        "李会计", "会计", "left", "周某",
    )  # fmt: skip


def test_the_service_form_asks_exactly_the_receipt_s_fields(world, hazard, client_for):
    notice = issue(world, hazard)
    form = client_for(world.office).get(reverse("hazards:notice_service", args=[notice.pk])).context["form"]
    assert list(form.fields) == [
        "serving_unit", "served_to", "served_at", "served_place", "service_manner", "signed_by", "signer_relation",
        "witness", "servers", "service_remarks",
    ]  # fmt: skip
    assert list(dict(ServiceManner.choices)) == ["direct", "left", "entrusted", "post"]
    assert (form["serving_unit"].value(), form["served_to"].value()) == ("刘圩镇应急办", "张主要")


# -- pages stay cheap -----------------------------------------------------------------------------------------


def test_the_print_and_issue_pages_take_few_queries(world, hazard, client_for, django_assert_max_num_queries):
    client = client_for(world.office)
    notice = issue(world, hazard)
    services.notice_void(notice_id=notice.pk, actor=world.office, reason="写错")
    second = issue(world, hazard, replace_reason="更正")
    client.get(reverse("hazards:notice_print", args=[second.pk]))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("hazards:notice_print", args=[second.pk])).status_code == 200
    services.notice_void(notice_id=second.pk, actor=world.office, reason="写错")
    client.get(reverse("hazards:notice_issue", args=[hazard.pk]))
    with django_assert_max_num_queries(25):
        assert client.get(reverse("hazards:notice_issue", args=[hazard.pk])).status_code == 200
