"""A hazard's level: 立查立改 only for general hazards (三(二)), the level a checklist item suggests (§6, S6), and
重大火灾隐患 as a major hazard judged by the fire-rescue authority (§7, GB 35181) in every path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import WorkflowError
from hazards import services
from hazards.access import may_judge_major_fire
from hazards.models import Hazard, HazardEvent, Level, Status
from tests.factories import AssignmentFactory, HazardFactory, SectorFactory, UnitFactory, UserFactory
from units.access import get_scope
from units.models import Role

from .conftest import checked

pytestmark = pytest.mark.django_db

JUDGEMENT = {"fire_judged_by": "泗县消防救援大队", "fire_judgement_document": "泗消重判字〔2026〕3号"}


def today() -> dt.date:
    return timezone.localdate()


def fields(world, **kw):
    base = {
        "title": "配电箱无漏电保护",
        "description": "车间配电箱无漏电保护器",
        "village": world.village_a,
        "enterprise": world.enterprise_a,
        "sector": world.sector_a,
        "hazard_type": "fire",
        "channel": "department",
        "found_on": today(),
        "measures": "当场加装",
    }
    base.update(kw)
    return base


@pytest.fixture
def fire_police(world):
    """The 消防 sector led by 派出所, with one member of its staff."""
    police = UnitFactory(township=world.township, name="派出所")
    user = UserFactory(username="police", full_name="police")
    user.fire_sector = SectorFactory(township=world.township, name="消防", ref_key="消防", lead_unit=police)
    AssignmentFactory(user=user, role=Role.DEPARTMENT, township=world.township, unit=police)
    return user


# -- 立查立改 only for general hazards (三(二)) ----------------------------------------------------------


@pytest.mark.parametrize(
    "major", [{"level": "major"}, {"suggested_level": "major"}, {"is_major_fire": True, **JUDGEMENT}]
)
@pytest.mark.parametrize("who", ["village_a_officer", "dept_a", "office"])
def test_it_refuses_to_fix_a_major_hazard_on_the_spot(world, major, who):
    with pytest.raises(WorkflowError):
        services.hazard_fix_on_the_spot(
            actor=getattr(world, who), fields=fields(world, **major), before=[checked()], after=[checked()]
        )
    assert not Hazard.objects.exists()


def test_it_fixes_a_general_hazard_on_the_spot_and_keeps_the_suggestion(world):
    hazard = services.hazard_fix_on_the_spot(
        actor=world.village_a_officer,
        fields=fields(world, suggested_level="general", level="general"),
        before=[checked()],
        after=[checked()],
    )
    assert hazard.status == Status.CLOSED and hazard.level == Level.GENERAL and hazard.suggested_level == "general"


def test_it_offers_no_level_on_the_fix_on_the_spot_page(world, client_for):
    # The page has no level field; a major item reaches the service from the inspection, checked the same way.
    response = client_for(world.village_a_officer).get(reverse("hazards:fix_on_the_spot"))
    assert response.status_code == 200 and 'name="level"' not in response.content.decode()


# -- the level a checklist item suggests (§6, S6) -------------------------------------------------------


def test_it_reports_at_the_suggested_major_level(world):
    hazard = services.hazard_report(actor=world.village_a_officer, fields=fields(world, suggested_level="major"))
    assert hazard.level == Level.MAJOR and hazard.suggested_level == Level.MAJOR


@pytest.mark.parametrize("who", ["village_a_officer", "dept_a", "office"])
def test_it_refuses_a_report_below_the_suggested_level(world, who):
    with pytest.raises(WorkflowError):
        services.hazard_report(
            actor=getattr(world, who), fields=fields(world, suggested_level="major", level="general")
        )
    assert not Hazard.objects.exists()


def suggested_major(world, **kw):
    return HazardFactory(
        village=world.village_a,
        sector=world.sector_a,
        enterprise=world.enterprise_a,
        level="major",
        suggested_level="major",
        reported_by=world.village_a_officer,
        **kw,
    )


@pytest.mark.parametrize("who", ["office", "dept_a"])
def test_it_lets_the_office_or_the_lead_unit_lower_a_suggested_level_with_a_reason(world, who):
    hazard = suggested_major(world)
    confirmed = services.hazard_confirm(
        hazard_id=hazard.pk, actor=getattr(world, who), level="general", note="经现场复核，不构成重大隐患"
    )
    assert confirmed.level == Level.GENERAL and confirmed.status == Status.CONFIRMED
    event = confirmed.events.get(action=HazardEvent.Action.CONFIRM)
    assert event.note == "经现场复核，不构成重大隐患" and event.actor == getattr(world, who)


@pytest.mark.parametrize("who", ["office", "dept_a"])
def test_it_needs_the_reason_to_lower_a_suggested_level(world, who):
    hazard = suggested_major(world)
    with pytest.raises(WorkflowError):
        services.hazard_confirm(hazard_id=hazard.pk, actor=getattr(world, who), level="general", note=" ")
    hazard.refresh_from_db()
    assert hazard.status == Status.REPORTED and hazard.level == Level.MAJOR


def test_it_refuses_a_participating_unit_lowering_a_suggested_level(world):
    # dept_b's unit takes part in sector A: it may register the hazard, but not below the suggested level.
    world.sector_a.participating_units.add(world.unit_b)
    hazard = suggested_major(world)
    with pytest.raises(WorkflowError):
        services.hazard_confirm(hazard_id=hazard.pk, actor=world.dept_b, level="general", note="我们认为是一般")
    confirmed = services.hazard_confirm(hazard_id=hazard.pk, actor=world.dept_b, level="major", basis="GB 35181")
    assert confirmed.level == Level.MAJOR


@pytest.mark.parametrize("who", ["office", "dept_a"])
def test_it_refuses_the_inspector_who_reported_it_lowering_the_suggested_level(world, who):
    actor = getattr(world, who)
    hazard = services.hazard_report(actor=actor, fields=fields(world, suggested_level="major"))
    with pytest.raises(WorkflowError):
        services.hazard_confirm(hazard_id=hazard.pk, actor=actor, level="general", note="现场看不严重")
    hazard.refresh_from_db()
    assert hazard.status == Status.REPORTED and hazard.level == Level.MAJOR
    # Registering it at the suggested level stays possible for the reporter's own unit or office.
    assert services.hazard_confirm(hazard_id=hazard.pk, actor=actor, level="major", basis="判定标准").is_major


@pytest.mark.parametrize("who", ["village_a_officer", "ent_a", "leader"])
def test_it_refuses_the_inspector_and_others_lowering_a_suggested_level(world, who):
    hazard = suggested_major(world, status="reported")
    with pytest.raises(WorkflowError):
        services.hazard_confirm(hazard_id=hazard.pk, actor=getattr(world, who), level="general", note="理由")


def test_it_asks_for_the_reason_on_the_register_form(world, client_for):
    hazard = suggested_major(world)
    client = client_for(world.dept_a)
    data = {"expected_status": "reported", "level": "general", "hazard_type": "fire", "sector": world.sector_a.pk}
    client.post(reverse("hazards:step", args=[hazard.pk, "confirm"]), data)
    hazard.refresh_from_db()
    assert hazard.status == Status.REPORTED
    client.post(reverse("hazards:step", args=[hazard.pk, "confirm"]), {**data, "note": "复核为一般隐患"})
    hazard.refresh_from_db()
    assert hazard.status == Status.CONFIRMED and hazard.level == Level.GENERAL


# -- 重大火灾隐患 is major (§7, GB 35181) ------------------------------------------------------------------


def test_the_database_refuses_a_general_major_fire_hazard(world):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Hazard.objects.filter(pk=hazard.pk).update(is_major_fire=True)


def test_it_decides_who_records_a_major_fire_hazard(world, fire_police):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a)
    allowed = {u.username for u in (world.office, world.admin, fire_police)}
    everyone = [world.office, world.admin, fire_police, world.dept_a, world.dept_b, world.leader,
                world.village_a_officer, world.ent_a, world.other_office]  # fmt: skip
    for user in everyone:
        assert may_judge_major_fire(get_scope(user), hazard) == (user.username in allowed), user.username


@pytest.mark.parametrize("who", ["office", "police"])
def test_it_makes_a_major_fire_hazard_major_when_registered(world, fire_police, who):
    actor = fire_police if who == "police" else world.office
    # A fire hazard in a factory is 消防's (S2): its lead unit registers it.
    hazard = HazardFactory(village=world.village_a, sector=fire_police.fire_sector, hazard_type="fire")
    confirmed = services.hazard_confirm(
        hazard_id=hazard.pk, actor=actor, level="general", is_major_fire=True, fire_judged_on=today(), **JUDGEMENT
    )
    assert confirmed.is_major_fire and confirmed.level == Level.MAJOR
    assert confirmed.fire_judged_by == JUDGEMENT["fire_judged_by"] and confirmed.fire_judged_on == today()


def test_it_refuses_a_major_fire_hazard_from_another_department(world, fire_police):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, hazard_type="fire")
    with pytest.raises(WorkflowError):
        services.hazard_confirm(hazard_id=hazard.pk, actor=world.dept_a, level="major", is_major_fire=True, **JUDGEMENT)
    hazard.refresh_from_db()
    assert not hazard.is_major_fire and hazard.status == Status.REPORTED


@pytest.mark.parametrize(
    "judgement",
    [
        {},
        {"fire_judged_by": "泗县消防救援大队"},
        {"fire_judgement_document": "泗消重判字〔2026〕3号"},
        {**JUDGEMENT, "fire_judged_on": dt.date(2030, 1, 1)},
        {**JUDGEMENT, "fire_judged_on": dt.date(2020, 1, 1)},  # before the hazard was found
    ],
)
def test_it_needs_the_fire_rescue_authoritys_judgement(world, judgement):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, found_on=today())
    with pytest.raises(WorkflowError):
        services.hazard_confirm(hazard_id=hazard.pk, actor=world.office, level="major", is_major_fire=True, **judgement)


def test_it_makes_a_reported_major_fire_hazard_major(world):
    hazard = services.hazard_report(actor=world.office, fields=fields(world, is_major_fire=True, **JUDGEMENT))
    assert hazard.level == Level.MAJOR and hazard.is_major_fire
    with pytest.raises(WorkflowError):
        services.hazard_report(actor=world.village_a_officer, fields=fields(world, is_major_fire=True, **JUDGEMENT))


def rectifying(world, **kw):
    return HazardFactory(
        village=world.village_a,
        sector=world.sector_a,
        enterprise=world.enterprise_a,
        status="rectifying",
        deadline=today() + dt.timedelta(days=20),
        found_on=today() - dt.timedelta(days=5),
        **kw,
    )


FIVE = {"measures": "拆除防盗窗", "responsible_person": "王五", "funds": 3000, "contingency_plan": "专人值守"}


def test_it_refuses_turning_a_rectifying_hazard_major_without_its_five_implementations(world):
    hazard = rectifying(world)
    with pytest.raises(WorkflowError):
        services.hazard_update(hazard_id=hazard.pk, actor=world.office, changes={"is_major_fire": True, **JUDGEMENT})
    hazard.refresh_from_db()
    assert not hazard.is_major_fire and hazard.level == Level.GENERAL
    updated = services.hazard_update(
        hazard_id=hazard.pk, actor=world.office, changes={"is_major_fire": True, **JUDGEMENT, **FIVE}
    )
    assert updated.is_major_fire and updated.level == Level.MAJOR and updated.missing_five() == []


def test_it_lets_a_registered_hazard_turn_major_and_asks_for_the_five_at_rectification(world):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, status="confirmed")
    updated = services.hazard_update(
        hazard_id=hazard.pk, actor=world.office, changes={"is_major_fire": True, **JUDGEMENT}
    )
    assert updated.level == Level.MAJOR
    with pytest.raises(WorkflowError):
        services.hazard_start_rectification(hazard_id=hazard.pk, actor=world.office, deadline=today())


@pytest.mark.parametrize("who", ["dept_a", "village_a_officer"])
def test_it_refuses_the_flag_in_an_edit_by_anyone_else(world, who):
    hazard = rectifying(world)
    with pytest.raises(WorkflowError):
        services.hazard_update(
            hazard_id=hazard.pk, actor=getattr(world, who), changes={"is_major_fire": True, **JUDGEMENT, **FIVE}
        )
    hazard.refresh_from_db()
    assert not hazard.is_major_fire


def test_it_lets_the_office_clear_the_flag_and_the_judgement_but_keeps_the_level(world):
    hazard = rectifying(world, level="major", is_major_fire=True, **JUDGEMENT, **FIVE)
    with pytest.raises(WorkflowError):
        services.hazard_update(hazard_id=hazard.pk, actor=world.dept_a, changes={"is_major_fire": False})
    cleared = services.hazard_update(hazard_id=hazard.pk, actor=world.office, changes={"is_major_fire": False})
    assert not cleared.is_major_fire and cleared.fire_judged_by == "" and cleared.level == Level.MAJOR
    # Other corrections by the lead department stay possible on a flagged hazard.
    flagged = rectifying(world, level="major", is_major_fire=True, **JUDGEMENT, **FIVE)
    assert services.hazard_update(hazard_id=flagged.pk, actor=world.dept_a, changes={"title": "改"}).title == "改"


def test_it_edits_the_flag_through_the_form(world, client_for):
    hazard = rectifying(world, hazard_type="fire")
    client = client_for(world.office)
    url = reverse("hazards:edit", args=[hazard.pk])
    data = {"title": hazard.title, "description": hazard.description, "location": "", "hazard_type": "fire",
            "is_major_fire": "on", "basis": "", "clause": "", "measures": "", "responsible_person": "",
            "responsible_phone": "", "funds": "", "contingency_plan": ""}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200  # the judgement is missing: the form says so
    hazard.refresh_from_db()
    assert not hazard.is_major_fire
    response = client.post(url, {**data, **JUDGEMENT, **FIVE})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.is_major_fire and hazard.level == Level.MAJOR


def test_it_refuses_a_general_level_beside_the_flag_on_the_register_form(world, client_for):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, hazard_type="fire")
    data = {"expected_status": "reported", "level": "general", "hazard_type": "fire", "sector": world.sector_a.pk,
            "is_major_fire": "on", **JUDGEMENT}  # fmt: skip
    client_for(world.office).post(reverse("hazards:step", args=[hazard.pk, "confirm"]), data)
    hazard.refresh_from_db()
    assert hazard.status == Status.REPORTED
    data.update(level="major", basis="GB 35181-2017")
    client_for(world.office).post(reverse("hazards:step", args=[hazard.pk, "confirm"]), data)
    hazard.refresh_from_db()
    assert hazard.status == Status.CONFIRMED and hazard.is_major_fire and hazard.level == Level.MAJOR


def test_it_shows_who_judged_a_major_fire_hazard(world, client_for):
    hazard = rectifying(world, level="major", is_major_fire=True, **JUDGEMENT, **FIVE)
    page = client_for(world.ent_a).get(hazard.get_absolute_url()).content.decode()
    assert JUDGEMENT["fire_judged_by"] in page and JUDGEMENT["fire_judgement_document"] in page
