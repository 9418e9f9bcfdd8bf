"""Every transition of the hazard workflow: allowed and refused, per role (SPEC S2, §6, §17)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import WorkflowError
from hazards import services
from hazards.models import Evidence, Hazard, HazardEvent, Level, Status
from tests.factories import HazardFactory
from tests.hazards.conftest import checked

pytestmark = pytest.mark.django_db

FIVE = {
    "measures": "清理疏散通道",
    "responsible_person": "张三",
    "responsible_phone": "13800000000",
    "funds": Decimal("5000"),
    "contingency_plan": "整改期间设专人值守",
}


def confirm(hazard, actor, level=Level.GENERAL):
    return services.hazard_confirm(
        hazard_id=hazard.pk, actor=actor, level=level, hazard_type="fire", basis="GB 35181-2017", clause="第5条"
    )


def to_rectifying(hazard, world, future, level=Level.GENERAL):
    confirm(hazard, world.office, level)
    return services.hazard_start_rectification(hazard_id=hazard.pk, actor=world.office, deadline=future, **FIVE)


def to_pending(hazard, world, future, requester=None):
    to_rectifying(hazard, world, future)
    return services.hazard_request_acceptance(
        hazard_id=hazard.pk, actor=requester or world.village_a_officer, photos=[checked()]
    )


@pytest.mark.parametrize(("who", "allowed"), [
    ("office", True), ("dept_a", True), ("dept_b", False), ("village_a_officer", False),
    ("ent_a", False), ("leader", False), ("other_office", False),
])  # fmt: skip
def test_it_lets_the_office_and_the_lead_unit_confirm(world, hazard_a, who, allowed):
    actor = getattr(world, who)
    if allowed:
        hazard = confirm(hazard_a, actor, Level.MAJOR)
        assert hazard.status == Status.CONFIRMED
        assert hazard.level == Level.MAJOR
        assert hazard.confirmed_at is not None
    else:
        with pytest.raises(WorkflowError):
            confirm(hazard_a, actor)
        assert Hazard.objects.get(pk=hazard_a.pk).status == Status.REPORTED


def test_it_reroutes_the_lead_unit_when_the_sector_is_corrected(world, hazard_a):
    hazard = services.hazard_confirm(hazard_id=hazard_a.pk, actor=world.office, sector=world.sector_b, level="general")
    assert hazard.lead_unit == world.unit_b


def test_it_dismisses_only_with_a_reason(world, hazard_a):
    with pytest.raises(WorkflowError, match=r"理由|reason"):
        services.hazard_dismiss(hazard_id=hazard_a.pk, actor=world.office, note="  ")
    hazard = services.hazard_dismiss(hazard_id=hazard_a.pk, actor=world.office, note="经核实为正常作业")
    assert hazard.status == Status.DISMISSED
    assert hazard.events.last().note == "经核实为正常作业"


def test_it_keeps_a_major_hazard_out_of_rectification_until_all_five_are_recorded(world, hazard_a, future):
    confirm(hazard_a, world.office, Level.MAJOR)
    with pytest.raises(WorkflowError) as exc:
        services.hazard_start_rectification(hazard_id=hazard_a.pk, actor=world.office, deadline=future, measures="x")
    assert "资金" in exc.value.message and "预案" in exc.value.message
    assert Hazard.objects.get(pk=hazard_a.pk).status == Status.CONFIRMED
    hazard = services.hazard_start_rectification(hazard_id=hazard_a.pk, actor=world.office, deadline=future, **FIVE)
    assert hazard.status == Status.RECTIFYING and hazard.deadline == future


def test_it_refuses_a_deadline_in_the_past(world, hazard_a):
    confirm(hazard_a, world.office)
    with pytest.raises(WorkflowError):
        services.hazard_start_rectification(
            hazard_id=hazard_a.pk, actor=world.office, deadline=dt.date(2020, 1, 1), **FIVE
        )


def test_it_asks_for_a_rectification_photo_before_acceptance(world, hazard_a, future):
    to_rectifying(hazard_a, world, future)
    with pytest.raises(WorkflowError, match=r"照片|photo"):
        services.hazard_request_acceptance(hazard_id=hazard_a.pk, actor=world.village_a_officer)
    hazard = services.hazard_request_acceptance(
        hazard_id=hazard_a.pk, actor=world.village_a_officer, photos=[checked("after.jpg")]
    )
    assert hazard.status == Status.PENDING_ACCEPTANCE
    evidence = Evidence.objects.get(hazard=hazard_a)
    assert evidence.kind == Evidence.Kind.RECTIFICATION
    assert evidence.original_name == "after.jpg"
    assert "after" not in evidence.file.name  # a name we chose


@pytest.mark.parametrize(("who", "allowed"), [
    ("village_a_officer", True), ("ent_a", True), ("office", True), ("dept_a", True),
    ("village_b_officer", False), ("ent_b", False), ("leader", False),
])  # fmt: skip
def test_it_lets_reporters_in_scope_ask_for_acceptance(world, hazard_a, future, who, allowed):
    to_rectifying(hazard_a, world, future)
    call = {"hazard_id": hazard_a.pk, "actor": getattr(world, who), "photos": [checked()]}
    if allowed:
        assert services.hazard_request_acceptance(**call).status == Status.PENDING_ACCEPTANCE
    else:
        with pytest.raises(WorkflowError):
            services.hazard_request_acceptance(**call)


def test_it_lets_the_unit_with_supervision_duties_verify_in_its_own_right(world, hazard_a, future):
    to_pending(hazard_a, world, future)
    hazard = services.hazard_verify(hazard_id=hazard_a.pk, actor=world.dept_a, funds_spent=Decimal("4800"))
    assert hazard.status == Status.VERIFIED and hazard.funds_spent == Decimal("4800")
    assert hazard.events.last().capacity == ""


def test_it_lets_the_office_verify_as_the_verifier_of_last_resort_recorded_as_such(world, hazard_a, future):
    to_pending(hazard_a, world, future)
    hazard = services.hazard_verify(hazard_id=hazard_a.pk, actor=world.office)
    assert hazard.status == Status.VERIFIED
    assert hazard.events.last().capacity == "last_resort"


def test_it_lets_the_office_verify_where_no_unit_has_supervision_duties(world, hazard_b, future):
    to_rectifying(hazard_b, world, future)
    services.hazard_request_acceptance(hazard_id=hazard_b.pk, actor=world.village_b_officer, photos=[checked()])
    with pytest.raises(WorkflowError):
        services.hazard_verify(hazard_id=hazard_b.pk, actor=world.dept_b)
    assert services.hazard_verify(hazard_id=hazard_b.pk, actor=world.office).status == Status.VERIFIED


def test_it_never_lets_the_requester_verify(world, hazard_a, future):
    to_pending(hazard_a, world, future, requester=world.dept_a)
    with pytest.raises(WorkflowError, match=r"申请验收的人|asked for acceptance"):
        services.hazard_verify(hazard_id=hazard_a.pk, actor=world.dept_a)


def test_it_returns_a_refused_acceptance_to_rectification_with_the_reason(world, hazard_a, future):
    to_pending(hazard_a, world, future)
    with pytest.raises(WorkflowError):
        services.hazard_refuse_acceptance(hazard_id=hazard_a.pk, actor=world.dept_a, note="")
    hazard = services.hazard_refuse_acceptance(hazard_id=hazard_a.pk, actor=world.dept_a, note="灭火器仍未更换")
    assert hazard.status == Status.RECTIFYING
    assert hazard.events.last().note == "灭火器仍未更换"


@pytest.mark.parametrize("who", ["dept_a", "village_a_officer", "leader", "ent_a"])
def test_it_lets_only_the_office_close(world, hazard_a, future, who):
    to_pending(hazard_a, world, future)
    services.hazard_verify(hazard_id=hazard_a.pk, actor=world.dept_a)
    with pytest.raises(WorkflowError):
        services.hazard_close(hazard_id=hazard_a.pk, actor=getattr(world, who))
    hazard = services.hazard_close(hazard_id=hazard_a.pk, actor=world.office)
    assert hazard.status == Status.CLOSED
    assert hazard.completed_on is not None


def test_it_dates_completion_by_the_acceptance_request_that_passed_not_by_the_closing(world, hazard_a, future):
    """S2 按期整改率: the office's closing date does not count against the village or unit."""
    import time_machine

    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=timezone.get_current_timezone()), tick=False):
        to_rectifying(hazard_a, world, dt.date(2026, 3, 10))
    with time_machine.travel(dt.datetime(2026, 3, 5, 23, 30, tzinfo=timezone.get_current_timezone()), tick=False):
        services.hazard_request_acceptance(hazard_id=hazard_a.pk, actor=world.village_a_officer, photos=[checked()])
    with time_machine.travel(dt.datetime(2026, 3, 8, 10, tzinfo=timezone.get_current_timezone()), tick=False):
        services.hazard_refuse_acceptance(hazard_id=hazard_a.pk, actor=world.dept_a, note="未完成")
    with time_machine.travel(dt.datetime(2026, 3, 9, 23, 59, tzinfo=timezone.get_current_timezone()), tick=False):
        services.hazard_request_acceptance(hazard_id=hazard_a.pk, actor=world.village_a_officer, photos=[checked()])
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, tzinfo=timezone.get_current_timezone()), tick=False):
        services.hazard_verify(hazard_id=hazard_a.pk, actor=world.dept_a)
    with time_machine.travel(dt.datetime(2026, 4, 2, 10, tzinfo=timezone.get_current_timezone()), tick=False):
        hazard = services.hazard_close(hazard_id=hazard_a.pk, actor=world.office)
    assert hazard.completed_on == dt.date(2026, 3, 9)  # the second request, local date; on time for 03-10


def test_it_refuses_illegal_moves_with_a_clear_message(world, hazard_a):
    with pytest.raises(WorkflowError) as exc:
        services.hazard_close(hazard_id=hazard_a.pk, actor=world.office)
    assert "已上报" in exc.value.message


def test_it_refuses_a_step_taken_from_a_stale_page(world, hazard_a):
    confirm(hazard_a, world.office)
    with pytest.raises(WorkflowError, match=r"他人|Someone else"):
        services.hazard_dismiss(hazard_id=hazard_a.pk, actor=world.dept_a, note="x", expected_status="reported")


def test_it_records_who_when_from_to_and_why_for_every_step(world, hazard_a, future):
    to_pending(hazard_a, world, future)
    services.hazard_verify(hazard_id=hazard_a.pk, actor=world.dept_a, note="现场复查合格")
    services.hazard_close(hazard_id=hazard_a.pk, actor=world.office)
    steps = list(hazard_a.events.values_list("action", "from_status", "to_status", "actor__username"))
    assert steps == [
        ("confirm", "reported", "confirmed", "office"),
        ("start_rectification", "confirmed", "rectifying", "office"),
        ("request_acceptance", "rectifying", "pending_acceptance", "village_a"),
        ("verify", "pending_acceptance", "verified", "dept_a"),
        ("close", "verified", "closed", "office"),
    ]
    assert hazard_a.history.count() >= 5  # field edits are kept in the history too


def test_it_records_a_hazard_fixed_on_the_spot_in_one_step(world):
    today = timezone.localdate()
    hazard = services.hazard_fix_on_the_spot(
        actor=world.village_a_officer,
        fields={
            "title": "灭火器压力不足", "description": "更换灭火器", "village": world.village_a,
            "enterprise": world.enterprise_a, "sector": world.sector_a, "hazard_type": "fire",
            "channel": "department", "found_on": today, "measures": "当场更换",
        },
        before=[checked("before.jpg")],
        after=[checked("after.jpg")],
    )  # fmt: skip
    assert hazard.status == Status.CLOSED and hazard.is_fixed_on_the_spot and hazard.level == Level.GENERAL
    assert hazard.completed_on == hazard.found_on == hazard.deadline
    assert sorted(hazard.evidence.values_list("kind", flat=True)) == ["problem", "rectification"]
    assert list(hazard.events.values_list("action", flat=True)) == ["fixed_on_the_spot"]


def test_it_needs_photos_before_and_after_to_fix_on_the_spot(world):
    fields = {"title": "x", "description": "x", "village": world.village_a, "sector": world.sector_a,
              "hazard_type": "fire", "channel": "department", "found_on": timezone.localdate()}  # fmt: skip
    with pytest.raises(WorkflowError):
        services.hazard_fix_on_the_spot(actor=world.village_a_officer, fields=fields, before=[checked()], after=[])
    with pytest.raises(WorkflowError):
        services.hazard_fix_on_the_spot(actor=world.ent_a, fields=fields, before=[checked()], after=[checked()])


def test_it_reports_only_within_the_reporters_area(world):
    fields = {"title": "x", "description": "x", "village": world.village_b, "sector": world.sector_b,
              "hazard_type": "fire", "channel": "department", "found_on": timezone.localdate()}  # fmt: skip
    with pytest.raises(WorkflowError):
        services.hazard_report(actor=world.village_a_officer, fields=dict(fields))
    with pytest.raises(WorkflowError):
        services.hazard_report(actor=world.leader, fields=dict(fields))
    hazard = services.hazard_report(actor=world.village_b_officer, fields=dict(fields), photos=[checked()])
    assert hazard.status == Status.REPORTED and hazard.lead_unit == world.unit_b
    assert hazard.events.get().action == HazardEvent.Action.REPORTED


def test_it_marks_an_enterprises_own_report_as_a_self_report(world):
    fields = {"title": "x", "description": "x", "village": world.village_a, "enterprise": world.enterprise_a,
              "sector": world.sector_a, "hazard_type": "fire", "found_on": timezone.localdate()}  # fmt: skip
    hazard = services.hazard_report(actor=world.ent_a, fields=fields)
    assert hazard.channel == "self_report"


class TestExtensions:
    def test_it_moves_a_deadline_only_through_an_approved_request(self, world, hazard_a, future):
        to_rectifying(hazard_a, world, future)
        later = future + dt.timedelta(days=15)
        ext = services.extension_request(
            hazard_id=hazard_a.pk, actor=world.village_a_officer, new_deadline=later, reason="设备到货延迟"
        )
        assert Hazard.objects.get(pk=hazard_a.pk).deadline == future
        with pytest.raises(WorkflowError):
            services.extension_request(hazard_id=hazard_a.pk, actor=world.office, new_deadline=later, reason="again")
        with pytest.raises(WorkflowError):
            services.extension_decide(extension_id=ext.pk, actor=world.village_a_officer, approve=True)
        services.extension_decide(extension_id=ext.pk, actor=world.dept_a, approve=True, note="同意")
        assert Hazard.objects.get(pk=hazard_a.pk).deadline == later
        with pytest.raises(WorkflowError):
            services.extension_decide(extension_id=ext.pk, actor=world.office, approve=False, note="no")

    def test_it_counts_extensions_and_the_days_they_added(self, world, hazard_a, future):
        to_rectifying(hazard_a, world, future)
        for days, approve in ((10, True), (5, False), (7, True)):
            current = Hazard.objects.get(pk=hazard_a.pk).deadline
            assert current is not None
            ext = services.extension_request(
                hazard_id=hazard_a.pk,
                actor=world.village_a_officer,
                new_deadline=current + dt.timedelta(days),
                reason="r",
            )
            services.extension_decide(extension_id=ext.pk, actor=world.dept_a, approve=approve, note="n")
        hazard = Hazard.objects.get(pk=hazard_a.pk)
        assert (hazard.extension_count, hazard.extension_days) == (2, 17)
        assert hazard.deadline == future + dt.timedelta(17)

    def test_it_lets_only_the_office_decide_a_major_hazards_extension(self, world, hazard_a, future):
        to_rectifying(hazard_a, world, future, level=Level.MAJOR)
        ext = services.extension_request(
            hazard_id=hazard_a.pk, actor=world.village_a_officer, new_deadline=future + dt.timedelta(9), reason="r"
        )
        with pytest.raises(WorkflowError, match=r"安委办|安全生产委员会办公室|office"):
            services.extension_decide(extension_id=ext.pk, actor=world.dept_a, approve=True)
        services.extension_decide(extension_id=ext.pk, actor=world.office, approve=True)
        assert Hazard.objects.get(pk=hazard_a.pk).extension_count == 1

    def test_it_refuses_an_earlier_date_and_needs_a_reason_to_refuse(self, world, hazard_a, future):
        to_rectifying(hazard_a, world, future)
        with pytest.raises(WorkflowError):
            services.extension_request(hazard_id=hazard_a.pk, actor=world.office, new_deadline=future, reason="x")
        ext = services.extension_request(
            hazard_id=hazard_a.pk, actor=world.village_a_officer, new_deadline=future + dt.timedelta(1), reason="x"
        )
        with pytest.raises(WorkflowError):
            services.extension_decide(extension_id=ext.pk, actor=world.office, approve=False, note="")
        services.extension_decide(extension_id=ext.pk, actor=world.office, approve=False, note="理由不充分")
        assert Hazard.objects.get(pk=hazard_a.pk).deadline == future


def test_it_keeps_a_closed_hazard_out_of_edits_and_evidence(world, future):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, status="closed", deadline=future)
    with pytest.raises(WorkflowError):
        services.hazard_update(hazard_id=hazard.pk, actor=world.office, changes={"title": "改"})
    with pytest.raises(WorkflowError):
        services.hazard_add_evidence(hazard_id=hazard.pk, actor=world.office, kind="review", photos=[checked()])


def test_it_lets_a_supervision_group_leader_who_only_reads_record_what_the_visit_found(world):
    """§1: the group records the physical hazards its visit finds (channel 督导检查发现), in the villages it covers."""
    from tests.factories import SupervisionGroupFactory

    fields = {"title": "x", "description": "x", "village": world.village_a, "sector": world.sector_a,
              "hazard_type": "fire", "channel": "supervision", "found_on": timezone.localdate()}  # fmt: skip
    with pytest.raises(WorkflowError):
        services.hazard_report(actor=world.leader, fields=dict(fields))
    group = SupervisionGroupFactory(township=world.township, leader=world.leader)
    group.villages.add(world.village_a)
    assert services.hazard_report(actor=world.leader, fields=dict(fields)).status == Status.REPORTED
    with pytest.raises(WorkflowError):
        services.hazard_report(actor=world.leader, fields={**fields, "village": world.village_b})
