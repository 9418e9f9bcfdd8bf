"""Doing an inspection: planning, answering item by item, submitting, failed items → hazards, scope."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.errors import WorkflowError
from hazards.models import Hazard
from inspections import services
from inspections.access import inspections_visible_to, may_log_inspection
from inspections.models import DEFAULT_CHANNEL, Inspection, Kind
from tests.factories import AssignmentFactory, SupervisionGroupFactory, UserFactory, act_in, office_in_a_second_township
from tests.hazards.conftest import checked, checked_png

pytestmark = pytest.mark.django_db


def answer_all(inspection, actor, results=("pass", "pass", "pass")):
    items = list(inspection.checklist.items.order_by("order"))
    return [
        services.answer_save(inspection_id=inspection.pk, actor=actor, item_id=item.pk, result=r)
        for item, r in zip(items, results, strict=False)
    ]


@pytest.mark.parametrize(("kind", "channel"), [
    ("supervision", "supervision"), ("special", "department"), ("holiday", "department"),
    ("fire_knock", "department"), ("grid_patrol", "department"), ("unannounced", "enforcement"),
    ("random", "enforcement"), ("self", "self_report"),
])  # fmt: skip
def test_it_gives_each_kind_its_default_channel(world, kind, channel):
    assert DEFAULT_CHANNEL[Kind(kind)] == channel
    # §1: a supervision inspection is its group's.
    group = SupervisionGroupFactory(township=world.township, leader=world.leader) if kind == "supervision" else None
    inspection = services.inspection_plan(
        actor=world.office, township=world.township, kind=kind, village=world.village_a, group=group
    )
    assert inspection.channel == channel


def test_it_lets_the_inspector_change_the_channel(world):
    inspection = services.inspection_plan(
        actor=world.office, township=world.township, kind="special", village=world.village_a, channel="assigned"
    )
    assert inspection.channel == "assigned"


def test_it_keeps_the_checklist_version_it_was_planned_with(world, planned, checklist):
    assert planned.checklist == checklist.current_version()
    assert planned.sector == world.sector_a and planned.village == world.village_a


def test_it_saves_each_answer_and_starts_the_inspection(world, planned):
    item = planned.checklist.items.first()
    services.answer_save(inspection_id=planned.pk, actor=world.village_a_officer, item_id=item.pk, result="pass")
    again = services.answer_save(
        inspection_id=planned.pk, actor=world.village_a_officer, item_id=item.pk, result="fail", note="上锁"
    )
    assert planned.answers.count() == 1 and again.result == "fail" and again.note == "上锁"
    planned.refresh_from_db()
    assert planned.status == "in_progress" and planned.done_on == timezone.localdate()


def test_it_never_lets_a_late_offline_answer_overwrite_a_newer_one(world, planned):
    item = planned.checklist.items.first()
    now = timezone.now()
    services.answer_save(inspection_id=planned.pk, actor=world.office, item_id=item.pk, result="fail", client_time=now)
    # The late answer is not stored, and the caller is told so (never a silent "saved"), with the answer kept.
    with pytest.raises(services.AnswerSupersededError) as refused:
        services.answer_save(
            inspection_id=planned.pk, actor=world.office, item_id=item.pk, result="pass",
            client_time=now - dt.timedelta(minutes=5),
        )  # fmt: skip
    assert refused.value.answer.result == "fail"
    assert planned.answers.get().result == "fail"


def test_it_refuses_an_item_of_another_checklist(world, planned, checklist):
    with pytest.raises(WorkflowError):
        services.answer_save(inspection_id=planned.pk, actor=world.office, item_id=999999, result="pass")


def test_it_submits_only_when_every_item_is_answered_and_someone_signs(world, planned):
    answer_all(planned, world.office, ("pass", "pass"))
    with pytest.raises(WorkflowError, match=r"1"):
        services.inspection_submit(inspection_id=planned.pk, actor=world.office, conclusion="", signer_name="张三")
    answer_all(planned, world.office)
    with pytest.raises(WorkflowError):
        services.inspection_submit(inspection_id=planned.pk, actor=world.office, conclusion="", signer_name=" ")
    signature = checked_png("sig.png")
    done = services.inspection_submit(
        inspection_id=planned.pk, actor=world.office, conclusion="合格", signer_name="张三", signature=signature,
        no_findings=True,
    )  # fmt: skip
    assert done.status == "submitted" and done.signature
    with pytest.raises(WorkflowError):
        services.answer_save(inspection_id=planned.pk, actor=world.office, item_id=done.checklist.items.first().pk,
                             result="fail")  # fmt: skip


def test_it_refuses_no_findings_when_an_item_failed(world, planned):
    answer_all(planned, world.office, ("pass", "fail", "pass"))
    with pytest.raises(WorkflowError):
        services.inspection_submit(
            inspection_id=planned.pk, actor=world.office, conclusion="", signer_name="张三", no_findings=True
        )


def test_it_turns_a_failed_item_into_a_hazard_with_the_items_sector_and_the_channel(world, planned):
    answers = answer_all(planned, world.village_a_officer, ("pass", "pass", "fail"))
    failed = answers[2]
    services.photo_add(inspection_id=planned.pk, actor=world.village_a_officer, photo=checked(), item_id=failed.item_id)
    prefill = services.finding_prefill(failed)
    assert prefill["sector"] == world.sector_b  # the item's own sector, not the enterprise's
    assert prefill["channel"] == "department" and prefill["level"] == "major" and prefill["clause"] == "第3条"
    hazard = services.finding_to_hazard(answer_id=failed.pk, actor=world.village_a_officer, fields=prefill)
    assert hazard.inspection_link.inspection == planned and hazard.lead_unit == world.unit_b
    assert hazard.evidence.filter(kind="problem").count() == 1
    failed.refresh_from_db()
    assert failed.hazard == hazard
    with pytest.raises(WorkflowError):
        services.finding_to_hazard(answer_id=failed.pk, actor=world.village_a_officer, fields=prefill)


def test_it_falls_back_to_the_checklists_sector(world, planned):
    answers = answer_all(planned, world.office, ("fail",))
    assert services.finding_prefill(answers[0])["sector"] == world.sector_a


def test_it_records_a_failed_item_fixed_on_the_spot(world, planned):
    answers = answer_all(planned, world.office, ("pass", "fail"))
    services.photo_add(inspection_id=planned.pk, actor=world.office, photo=checked(), item_id=answers[1].item_id)
    hazard = services.finding_to_hazard(
        answer_id=answers[1].pk, actor=world.office, fields=services.finding_prefill(answers[1]),
        fixed_on_the_spot=True, after=[checked("after.jpg")],
    )  # fmt: skip
    assert hazard.status == "closed" and hazard.is_fixed_on_the_spot and hazard.level == "general"


class TestScope:
    def test_it_shows_a_village_officer_only_its_villages_inspections(self, world, planned):
        other = services.inspection_plan(
            actor=world.office, township=world.township, kind="special", enterprise=world.enterprise_b
        )
        visible = set(inspections_visible_to(world.village_a_officer))
        assert planned in visible and other not in visible
        assert may_log_inspection(world.village_a_officer, planned)
        assert not may_log_inspection(world.leader, planned)

    def test_it_tells_the_target_of_an_unannounced_visit_nothing_beforehand(self, world):
        visit = services.inspection_plan(
            actor=world.office, township=world.township, kind="unannounced", enterprise=world.enterprise_a
        )
        assert visit not in set(inspections_visible_to(world.ent_a))
        Inspection.objects.filter(pk=visit.pk).update(status="submitted")
        assert visit in set(inspections_visible_to(world.ent_a))

    def test_it_lets_an_enterprise_fill_only_its_own_self_inspection(self, world, checklist):
        own = services.inspection_plan(actor=world.ent_a, township=world.township, kind="self",
                                       enterprise=world.enterprise_a, checklist=checklist)  # fmt: skip
        assert may_log_inspection(world.ent_a, own)
        assert not may_log_inspection(world.ent_b, own)
        assert own not in set(inspections_visible_to(world.ent_b))

    @pytest.mark.parametrize(("who", "status"), [
        ("office", 200), ("leader", 200), ("village_a_officer", 200), ("dept_a", 200),
        ("village_b_officer", 404), ("ent_b", 404), ("other_office", 404),
    ])  # fmt: skip
    def test_it_applies_the_rule_to_the_pages(self, world, client_for, planned, who, status):
        client = client_for(getattr(world, who))
        assert client.get(reverse("inspections:detail", args=[planned.pk])).status_code == status
        item = planned.checklist.items.first()
        response = client.post(
            reverse("inspections:answer", args=[planned.pk]),
            json.dumps({"item": item.pk, "result": "pass"}),
            content_type="application/json",
        )
        expected = {200: 200, 404: 404}[status] if who != "leader" else 409
        assert response.status_code == expected


def test_it_answers_the_phone_page_in_json(world, client_for, planned):
    client = client_for(world.village_a_officer)
    item = planned.checklist.items.first()
    url = reverse("inspections:answer", args=[planned.pk])
    ok = client.post(
        url, json.dumps({"item": item.pk, "result": "fail", "note": "锁闭"}), content_type="application/json"
    )
    assert ok.json()["ok"] is True and ok.json()["finding_url"]
    bad = client.post(url, "not json", content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]


def test_it_lists_inspections_in_a_constant_number_of_queries(world, client_for, checklist):
    client = client_for(world.office)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("inspections:list")).status_code == 200
        return len(ctx.captured_queries)

    services.inspection_plan(actor=world.office, township=world.township, kind="special", enterprise=world.enterprise_a)
    few = count()
    for _ in range(15):
        services.inspection_plan(actor=world.office, township=world.township, kind="special", village=world.village_b)
    assert count() == few


def test_it_exports_the_filtered_inspections(world, client_for, planned):
    response = client_for(world.office).get(reverse("inspections:export"), {"kind": "special"})
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    assert ws["C4"].value == world.enterprise_a.name


def test_it_exports_the_inspections_of_the_township_the_user_acts_in_and_in_its_name(world, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    user = UserFactory(username="twin", full_name="赵六")
    AssignmentFactory(user=user, role="office", township=world.township)
    second = office_in_a_second_township(user)
    for township, village in ((world.township, world.village_a), (second, second.villages.get())):
        Inspection.objects.create(township=township, village=village, kind="special", channel="department",
                                  status="submitted", done_on=timezone.localdate(), created_by=user)  # fmt: skip
    client = client_for(user)
    for township, unit in ((second, "周庄镇安监站"), (world.township, "刘圩镇应急办")):
        act_in(client, township)
        sheet = load_workbook(BytesIO(client.get(reverse("inspections:export")).content)).worksheets[0]
        assert sheet["A1"].value == f"{township.name}安全生产检查记录"
        assert sheet["A2"].value.startswith(f"填报单位：{unit}    填报人：赵六")
        villages = [row[3] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
        assert villages == [township.villages.order_by("code").first().name]


def test_it_never_lets_a_village_officer_plan_outside_its_villages(world, client_for):
    client = client_for(world.village_a_officer)
    data = {
        "kind": "grid_patrol",
        "target": "village",
        "village": world.village_b.pk,
        "planned_on": timezone.localdate().isoformat(),
    }
    client.post(reverse("inspections:create"), data)
    assert not Inspection.objects.exists()
    data["village"] = world.village_a.pk
    assert client.post(reverse("inspections:create"), data).status_code == 302
    assert Hazard.objects.count() == 0 and Inspection.objects.get().village == world.village_a


# -- 立查立改 only for general hazards (三(二)); a major item's level is not the inspector's to lower --------------


def _major_failed(world, planned):
    answers = answer_all(planned, world.village_a_officer, ("fail", "fail", "pass"))
    return answers[0], answers[1]  # item 1 is major if failed, item 2 general


def test_it_refuses_to_fix_a_major_item_on_the_spot(world, planned):
    major, _general = _major_failed(world, planned)
    with pytest.raises(WorkflowError, match="立查立改"):
        services.finding_to_hazard(
            answer_id=major.pk, actor=world.village_a_officer, fields=services.finding_prefill(major),
            fixed_on_the_spot=True, after=[checked("after.jpg")],
        )  # fmt: skip
    fields = {**services.finding_prefill(major), "level": "general"}
    with pytest.raises(WorkflowError, match="立查立改"):
        services.finding_to_hazard(
            answer_id=major.pk, actor=world.village_a_officer, fields=fields, fixed_on_the_spot=True,
            after=[checked("after.jpg")],
        )  # fmt: skip
    assert not Hazard.objects.exists()
    major.refresh_from_db()
    assert major.hazard is None


def test_it_refuses_to_fix_a_general_item_marked_major_on_the_spot(world, planned):
    _major, general = _major_failed(world, planned)
    for marked in ({"level": "major"}, {"is_major_fire": True}):
        with pytest.raises(WorkflowError):
            services.finding_to_hazard(
                answer_id=general.pk, actor=world.village_a_officer,
                fields={**services.finding_prefill(general), **marked}, fixed_on_the_spot=True,
                after=[checked("after.jpg")],
            )  # fmt: skip
    assert not Hazard.objects.exists()


def test_it_never_lets_the_inspector_lower_a_major_items_level(world, planned):
    major, general = _major_failed(world, planned)
    with pytest.raises(WorkflowError):
        services.finding_to_hazard(
            answer_id=major.pk, actor=world.village_a_officer,
            fields={**services.finding_prefill(major), "level": "general"},
        )  # fmt: skip
    hazard = services.finding_to_hazard(
        answer_id=major.pk, actor=world.village_a_officer, fields=services.finding_prefill(major)
    )
    assert (hazard.level, hazard.suggested_level, hazard.status) == ("major", "major", "reported")
    # A general item may be raised to major by the inspector; its suggestion stays general.
    raised = services.finding_to_hazard(
        answer_id=general.pk, actor=world.village_a_officer,
        fields={**services.finding_prefill(general), "level": "major"},
    )  # fmt: skip
    assert (raised.level, raised.suggested_level) == ("major", "general")


def _finding_post(prefill) -> dict:
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in prefill.items() if v is not None}
    data["found_on"] = prefill["found_on"].isoformat()
    return data


def test_it_offers_no_fix_on_the_spot_and_a_fixed_level_for_a_major_item(world, planned, client_for):
    major, general = _major_failed(world, planned)
    client = client_for(world.village_a_officer)
    url = reverse("inspections:finding", args=[planned.pk, major.pk])
    form = client.get(url).context["form"]
    assert "fixed_on_the_spot" not in form.fields and "after" not in form.fields
    assert form.fields["level"].disabled
    body = client.get(url).content.decode()
    assert 'name="fixed_on_the_spot"' not in body

    # Whatever is posted, the hazard is registered as major and not fixed on the spot.
    data = {**_finding_post(services.finding_prefill(major)), "level": "general", "fixed_on_the_spot": "on"}
    assert client.post(url, data).status_code == 302
    hazard = Hazard.objects.get()
    assert (hazard.level, hazard.is_fixed_on_the_spot, hazard.status) == ("major", False, "reported")

    general_form = client.get(reverse("inspections:finding", args=[planned.pk, general.pk])).context["form"]
    assert "fixed_on_the_spot" in general_form.fields and not general_form.fields["level"].disabled


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("未落实粉尘清理制度，造成作业现场积尘严重的。", "未落实粉尘清理制度"),
        (
            "除尘器、收尘仓等划分为20区的粉尘爆炸危险场所电气设备不符合防爆要求的。",
            "除尘器、收尘仓等划分为20区的粉尘爆炸危险场所电气设备不符合防爆要求",
        ),
        ("安全出口锁闭", "安全出口锁闭"),
        ("  ，只有限定语", "，只有限定语"),
        ("甲" * 60, "甲" * 39 + "…"),
    ],
)
def test_a_hazard_from_a_checklist_item_gets_a_short_title(text, title):
    assert services.short_title(text) == title
