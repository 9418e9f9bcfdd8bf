"""Nobody may be stuck: every open hazard has at least one active user who may take each of its next steps.

Checked over whole data sets — the demo township and `generate_hazards` output — not only over hand-picked examples,
and with the same rules the services apply (hazards.responsibility asks hazards.access.HazardRights).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hazards import services
from hazards.models import Hazard, HazardEvent, Level, Status
from hazards.responsibility import NEXT_STEPS, People, actors, next_turn, stuck_items
from units.models import Assignment, Role, Sector, Township, Unit, User

from .test_workflow import checked

pytestmark = pytest.mark.django_db


def _assert_everyone_can_move(township: Township) -> None:
    people = People(township.pk)
    open_hazards = Hazard.objects.filter(township=township, status__in=list(NEXT_STEPS)).select_related(
        "lead_unit", "sector", "village", "enterprise", "township"
    )
    assert open_hazards.count() > 100
    without_actor = [
        (hazard.pk, hazard.status, hazard.lead_unit, step)
        for hazard in open_hazards
        for step in NEXT_STEPS[hazard.status]
        if not actors(hazard, step, people=people)
    ]
    assert without_actor == []
    assert [item for item in stuck_items(township) if item.nobody] == []


def test_it_lets_someone_take_every_next_step_over_demo_and_generated_data(demo_world):
    statuses = set(Hazard.objects.values_list("status", flat=True))
    assert {Status.REPORTED, Status.CONFIRMED, Status.RECTIFYING, Status.PENDING_ACCEPTANCE} <= statuses
    led_by_office = Hazard.objects.filter(lead_unit__is_safety_office=True, status__in=list(NEXT_STEPS))
    assert led_by_office.exists()
    _assert_everyone_can_move(demo_world)


def test_it_still_holds_when_units_lose_their_people_or_are_deactivated(demo_world):
    Assignment.objects.filter(role=Role.DEPARTMENT).update(is_active=False)
    Unit.objects.filter(name="派出所").update(is_active=False)
    _assert_everyone_can_move(demo_world)


def test_it_says_for_every_open_hazard_who_is_expected_to_act_next(demo_world):
    people = People(demo_world.pk)
    for hazard in Hazard.objects.filter(status__in=list(NEXT_STEPS)).select_related(
        "lead_unit", "sector", "village", "enterprise", "township"
    ):
        turn = next_turn(hazard, people)
        assert turn is not None
        assert turn.expected.label
        # Either the expected party has people, or it says why not and someone stands in.
        assert turn.expected.people or (turn.expected.reason and any(p.people for p in turn.stand_ins)), hazard.pk


def test_it_lists_on_the_office_page_what_nobody_can_act_on_with_the_reason(demo_world):
    Assignment.objects.filter(role__in=[Role.OFFICE, Role.ADMIN]).update(is_active=False)
    items = [item for item in stuck_items(demo_world) if item.nobody]
    verified = Hazard.objects.filter(status=Status.VERIFIED).count()
    assert verified > 0
    # Only the office closes: every verified hazard is now stuck, and the page says why.
    assert len([i for i in items if i.obj.status == Status.VERIFIED]) == verified
    assert all("办" in i.reason or "office" in i.reason for i in items)


def test_it_takes_a_hazard_led_by_the_safety_office_from_report_to_closure_with_the_demo_accounts(demo_world):
    """The dead end of the first round: 工贸 is led by 镇应急办, whose hazards could never be verified."""
    office, village = User.objects.get(username="office"), User.objects.get(username="village")
    their_village = Assignment.objects.filter(user=village, role=Role.VILLAGE).first().village
    sector = Sector.objects.get(name="工贸", township=their_village.township)
    assert sector.lead_unit is not None and sector.lead_unit.is_safety_office
    hazard = services.hazard_report(
        actor=village,
        fields={
            "title": "车间配电箱无防护",
            "description": "配电箱门缺失",
            "village": their_village,
            "sector": sector,
            "hazard_type": "industry",
            "channel": "supervision",
            "found_on": timezone.localdate(),
        },
    )
    services.hazard_confirm(hazard_id=hazard.pk, actor=office, level=Level.GENERAL)
    services.hazard_start_rectification(
        hazard_id=hazard.pk, actor=office, deadline=dt.date(2099, 1, 1), measures="加装防护门"
    )
    services.hazard_request_acceptance(hazard_id=hazard.pk, actor=village, photos=[checked()])
    people = People(demo_world.pk)
    hazard.refresh_from_db()
    assert office.pk in actors(hazard, "verify", people=people)
    services.hazard_verify(hazard_id=hazard.pk, actor=office)
    hazard = services.hazard_close(hazard_id=hazard.pk, actor=office)
    assert hazard.status == Status.CLOSED
    verify = hazard.events.get(action="verify")
    assert verify.capacity == HazardEvent.Capacity.OWN  # the office is this sector's verifier, not a stand-in


def test_it_lists_handed_over_problems_whose_village_has_no_officer(world):
    from inspections.models import Inspection, WorkProblem

    inspection = Inspection.objects.create(
        township=world.township, kind="supervision", channel="supervision", village=world.village_b,
        created_by=world.office,
    )  # fmt: skip
    problem = WorkProblem.objects.create(
        township=world.township, inspection=inspection, description="未建立隐患台账", village=world.village_b,
        deadline=timezone.localdate(), created_by=world.office,
    )  # fmt: skip
    assert [i.obj for i in stuck_items(world.township) if i.obj == problem] == []
    Assignment.objects.filter(village=world.village_b).update(is_active=False)
    assert [i.obj for i in stuck_items(world.township) if i.nobody] == [problem]
