"""Reminder rules about inspections: quarterly supervision visits (§1), handed-over work problems (交办单),
enterprise self-inspections (§4), and §28 四不两直 — nothing reaches the target of an unannounced inspection.

Every moment is a time of Asia/Shanghai; the scans run through the engine, so switched-off rules and idempotence
are those of production.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import plans, services
from inspections.models import Inspection, SupervisionVisit
from reminders import engine
from reminders.models import Reminder
from tests.factories import AssignmentFactory, EnterpriseFactory, SupervisionGroupFactory, UserFactory
from units.models import Enterprise, Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONG_AGO = dt.datetime(2025, 1, 1, tzinfo=SHANGHAI)
INSPECTION_RULES = (
    "quarter_start",
    "quarter_visits_due",
    "quarter_missed",
    "problem_due",
    "problem_overdue",
    "self_inspection_due",
    "self_inspection_overdue",
)
QUARTER_RULES = ("quarter_start", "quarter_visits_due", "quarter_missed")
PROBLEM_RULES = ("problem_due", "problem_overdue")
SELF_RULES = ("self_inspection_due", "self_inspection_overdue")


def at(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def scan_at(moment: dt.datetime, rules=INSPECTION_RULES, **filters) -> engine.ScanResult:
    with time_machine.travel(moment, tick=False):
        return engine.scan(moment, rules=rules, **filters)


def sent(rule: str) -> set[tuple[str, str, str]]:
    """(username, object, period) of the reminders of one rule."""
    return set(Reminder.objects.filter(rule=rule).values_list("user__username", "object_key", "period"))


def made(result: engine.ScanResult, *rules: str) -> int:
    """How many reminders of these rules a scan created."""
    return Reminder.objects.filter(pk__in=result.created, rule__in=rules).count()


def submit(inspection: Inspection, day: dt.date) -> None:
    Inspection.objects.filter(pk=inspection.pk).update(status="submitted", done_on=day)


@pytest.fixture(autouse=True)
def _no_self_inspection_noise(world):
    """The world's enterprises were registered long ago (their self-inspections are owed)."""
    Enterprise.objects.update(created_at=LONG_AGO)


@pytest.fixture
def member(world):
    """A member of the group (the discipline office's cadre) with no other role."""
    return UserFactory(username="jiwei", full_name="纪委委员")


@pytest.fixture
def group(world, member):
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.members.add(member)
    group.villages.add(world.village_a, world.village_b)
    group.units.add(world.unit_a)
    return group


def plan_quarter(world, year: int, quarter: int) -> dict[str, SupervisionVisit]:
    plans.quarter_plan_create(township=world.township, year=year, quarter=quarter)
    visits = SupervisionVisit.objects.filter(year=year, quarter=quarter).select_related("inspection")
    return {str(v.village or v.unit): v for v in visits}


# -- quarterly supervision: the quarter's visits --------------------------------------------------------------


def test_it_tells_the_group_its_visits_once_the_quarter_has_begun_in_shanghai(world, group):
    plan_quarter(world, 2026, 2)

    scan_at(at(2026, 3, 31, 23, 30))  # still Q1 in Shanghai: Q1 has no visits
    assert sent("quarter_start") == set()

    result = scan_at(at(2026, 4, 1, 0, 30))  # UTC is still 31 March
    key = f"group:{group.pk}"
    assert sent("quarter_start") == {("leader", key, "2026Q2"), ("jiwei", key, "2026Q2")}
    reminder = Reminder.objects.filter(rule="quarter_start").first()
    assert reminder.object_id == group.pk
    assert reminder.township_id == world.township.pk
    assert "第一督导组" in reminder.title
    assert "3" in reminder.title
    for name in ("刘圩村", "新集村", "住建所"):
        assert name in reminder.body
    assert reminder.url == reverse("inspections:quarter_board") + "?year=2026&quarter=2"
    assert Reminder.objects.filter(pk__in=result.created, rule="quarter_start").count() == 2

    assert made(scan_at(at(2026, 4, 2)), "quarter_start") == 0
    assert made(scan_at(at(2026, 5, 20)), "quarter_start") == 0
    assert Reminder.objects.filter(rule="quarter_start").count() == 2


def test_it_names_only_the_visits_still_to_do_and_tells_a_group_with_all_done_nothing(world, group, member):
    visits = plan_quarter(world, 2026, 2)
    submit(visits["刘圩村"].inspection, dt.date(2026, 4, 1))
    other = SupervisionGroupFactory(township=world.township, leader=member, name="第二督导组")
    other.villages.add(world.village_a)
    plan_quarter(world, 2026, 2)
    submit(SupervisionVisit.objects.get(group_id=other.pk).inspection, dt.date(2026, 4, 1))

    scan_at(at(2026, 4, 2))

    reminders = Reminder.objects.filter(rule="quarter_start")
    assert set(reminders.values_list("object_key", flat=True)) == {f"group:{group.pk}"}
    body = reminders.first().body
    assert "刘圩村" not in body
    assert "新集村" in body
    assert "住建所" in body


def test_it_leaves_out_inactive_groups_and_inactive_members(world, group, member):
    plan_quarter(world, 2026, 2)
    member.is_active = False
    member.save()

    scan_at(at(2026, 4, 1))
    assert {u for u, _o, _p in sent("quarter_start")} == {"leader"}

    Reminder.objects.all().delete()
    group.is_active = False
    group.save()
    scan_at(at(2026, 4, 1))
    assert sent("quarter_start") == set()


# -- quarterly supervision: visits not done as the quarter ends ----------------------------------------------


def test_it_reminds_of_each_visit_not_done_from_15_days_before_the_quarters_last_day(world, group):
    visits = plan_quarter(world, 2026, 2)
    submit(visits["刘圩村"].inspection, dt.date(2026, 6, 1))

    scan_at(at(2026, 6, 14))
    scan_at(at(2026, 6, 14, 23, 30))
    assert sent("quarter_visits_due") == set()

    scan_at(at(2026, 6, 15, 0, 30))  # 15 days before 30 June, in Shanghai (UTC: still the 14th)
    expected = {
        (user, f"visit:{visits[name].pk}", "2026Q2-due")
        for name in ("新集村", "住建所")
        for user in ("leader", "jiwei")
    }
    assert sent("quarter_visits_due") == expected
    reminder = Reminder.objects.get(rule="quarter_visits_due", object_id=visits["新集村"].pk, user=world.leader)
    assert reminder.url == visits["新集村"].inspection.get_absolute_url()
    assert "新集村" in reminder.title
    assert "第一督导组" in reminder.title

    assert made(scan_at(at(2026, 6, 16)), "quarter_visits_due") == 0
    assert made(scan_at(at(2026, 6, 30, 23, 30)), "quarter_visits_due") == 0
    assert sent("quarter_visits_due") == expected


def test_it_reminds_of_visits_not_done_on_the_16th_of_june(world, group):
    visits = plan_quarter(world, 2026, 2)

    scan_at(at(2026, 6, 16))

    assert {o for _u, o, _p in sent("quarter_visits_due")} == {f"visit:{v.pk}" for v in visits.values()}


def test_it_reminds_of_no_visit_done_or_of_an_inactive_group(world, group, member):
    visits = plan_quarter(world, 2026, 2)
    for visit in visits.values():
        submit(visit.inspection, dt.date(2026, 6, 1))
    old = SupervisionGroupFactory(township=world.township, leader=member, name="旧督导组")
    old.villages.add(world.village_a)
    plan_quarter(world, 2026, 2)
    old.is_active = False
    old.save()

    scan_at(at(2026, 6, 20))

    assert sent("quarter_visits_due") == set()


# -- quarterly supervision: the office receives the visits missed -------------------------------------------


def test_it_lists_the_visits_missed_to_the_office_in_the_following_quarter(world, group):
    plan_quarter(world, 2026, 1)  # Q1 missed entirely: not the quarter just ended in July
    visits = plan_quarter(world, 2026, 2)
    submit(visits["刘圩村"].inspection, dt.date(2026, 6, 1))

    scan_at(at(2026, 6, 30, 23, 30))
    assert sent("quarter_missed") == {("office", f"township:{world.township.pk}", "2026Q1-missed")}
    Reminder.objects.filter(rule="quarter_missed").delete()

    scan_at(at(2026, 7, 1, 0, 30))  # UTC: still 30 June

    assert sent("quarter_missed") == {("office", f"township:{world.township.pk}", "2026Q2-missed")}
    reminder = Reminder.objects.get(rule="quarter_missed")
    assert reminder.object_id == world.township.pk
    lines = reminder.body.splitlines()
    assert len(lines) == 2
    assert "第一督导组" in lines[0]
    assert "新集村" in lines[0]
    assert "住建所" in lines[1]
    assert reminder.url == reverse("inspections:quarter_board") + "?year=2026&quarter=2"

    assert made(scan_at(at(2026, 7, 2)), "quarter_missed") == 0
    assert made(scan_at(at(2026, 9, 30)), "quarter_missed") == 0
    scan_at(at(2026, 10, 1))  # Q3 had no visits: nothing missed, and Q2 is not told again
    assert sent("quarter_missed") == {("office", f"township:{world.township.pk}", "2026Q2-missed")}


def test_it_tells_the_office_nothing_when_every_visit_was_done(world, group):
    visits = plan_quarter(world, 2026, 2)
    for visit in visits.values():
        submit(visit.inspection, dt.date(2026, 6, 1))

    scan_at(at(2026, 7, 1))

    assert sent("quarter_missed") == set()


# -- handed-over work problems ------------------------------------------------------------------------------


@pytest.fixture
def visit_a(world, group):
    """The supervision inspection of village A's work in Q2 2026."""
    return plan_quarter(world, 2026, 2)["刘圩村"].inspection


def hand_over(world, inspection, deadline: dt.date, **kwargs):
    kwargs.setdefault("description", "安全生产例会未按月召开")
    with time_machine.travel(at(2026, 4, 10), tick=False):
        return plans.problem_create(inspection=inspection, actor=world.office, deadline=deadline, **kwargs)


def test_it_reminds_the_village_3_days_before_the_deadline_and_once_overdue(world, visit_a):
    problem = hand_over(world, visit_a, dt.date(2026, 4, 30), required_reply="报送会议记录")
    key = f"problem:{problem.pk}"

    scan_at(at(2026, 4, 26, 23, 30))  # 4 days before
    assert sent("problem_due") == set()

    scan_at(at(2026, 4, 27, 0, 30))  # 3 days before in Shanghai
    assert sent("problem_due") == {("village_a", key, "due:2026-04-30")}
    reminder = Reminder.objects.get(rule="problem_due")
    assert reminder.url == problem.get_absolute_url()
    assert "安全生产例会未按月召开" in reminder.title
    assert "报送会议记录" in reminder.body
    assert made(scan_at(at(2026, 4, 30, 23, 30)), "problem_due") == 0
    assert sent("problem_overdue") == set()

    scan_at(at(2026, 5, 1, 0, 30))
    assert sent("problem_overdue") == {("village_a", key, "overdue:2026-04-30")}
    assert made(scan_at(at(2026, 5, 20)), *PROBLEM_RULES) == 0
    assert sent("problem_due") == {("village_a", key, "due:2026-04-30")}


def test_it_reminds_the_units_staff_of_a_problem_handed_to_the_unit(world, group):
    unit_visit = plan_quarter(world, 2026, 2)["住建所"].inspection
    problem = hand_over(world, unit_visit, dt.date(2026, 4, 20))

    scan_at(at(2026, 4, 18))
    scan_at(at(2026, 4, 21))

    assert sent("problem_due") == {("dept_a", f"problem:{problem.pk}", "due:2026-04-20")}
    assert sent("problem_overdue") == {("dept_a", f"problem:{problem.pk}", "overdue:2026-04-20")}


def test_it_leaves_replied_and_accepted_problems_alone_but_a_returned_one_is_overdue_again(world, visit_a):
    replied = hand_over(world, visit_a, dt.date(2026, 4, 30), description="未建立隐患台账")
    accepted = hand_over(world, visit_a, dt.date(2026, 4, 30), description="未开展应急演练")
    with time_machine.travel(at(2026, 4, 20), tick=False):
        plans.problem_reply(problem_id=replied.pk, actor=world.village_a_officer, reply="已建立")
        plans.problem_reply(problem_id=accepted.pk, actor=world.village_a_officer, reply="已演练")
        plans.problem_accept(problem_id=accepted.pk, actor=world.office)

    scan_at(at(2026, 4, 28))
    scan_at(at(2026, 5, 5))
    assert Reminder.objects.filter(rule__in=PROBLEM_RULES).count() == 0

    with time_machine.travel(at(2026, 5, 6), tick=False):
        plans.problem_return(problem_id=replied.pk, actor=world.office, note="缺少台账照片")
    scan_at(at(2026, 5, 6))
    assert sent("problem_overdue") == {("village_a", f"problem:{replied.pk}", "overdue:2026-04-30")}


# -- enterprise self-inspections ----------------------------------------------------------------------------


def self_inspection(world, enterprise, day: dt.date, status: str = "submitted") -> Inspection:
    return Inspection.objects.create(
        township=enterprise.township, kind="self", channel="self_report", status=status, planned_on=day,
        done_on=day, enterprise=enterprise, village=enterprise.village, created_by=world.office,
    )  # fmt: skip


def test_it_asks_the_enterprise_for_its_self_inspection_once_per_period(world):
    self_inspection(world, world.enterprise_a, dt.date(2026, 4, 10))  # monthly (建筑施工): April done
    self_inspection(world, world.enterprise_b, dt.date(2026, 2, 10))  # quarterly: Q1 done

    scan_at(at(2026, 5, 15))

    assert sent("self_inspection_due") == {
        ("ent_a", f"enterprise:{world.enterprise_a.pk}", "2026-05"),
        ("ent_b", f"enterprise:{world.enterprise_b.pk}", "2026Q2"),
    }
    assert sent("self_inspection_overdue") == set()
    reminder = Reminder.objects.get(rule="self_inspection_due", user=world.ent_a)
    assert world.enterprise_a.name in reminder.title
    assert reminder.url == reverse("inspections:self_inspections")
    assert scan_at(at(2026, 5, 31, 23, 30)).created == []

    self_inspection(world, world.enterprise_a, dt.date(2026, 5, 31))
    scan_at(at(2026, 6, 1, 0, 30))  # a new month in Shanghai (UTC: still 31 May)
    assert ("ent_a", f"enterprise:{world.enterprise_a.pk}", "2026-06") in sent("self_inspection_due")
    assert sent("self_inspection_overdue") == set()
    assert scan_at(at(2026, 6, 2)).created == []


def test_it_asks_nothing_of_an_enterprise_done_for_the_period_or_deactivated(world):
    self_inspection(world, world.enterprise_a, dt.date(2026, 5, 2))
    self_inspection(world, world.enterprise_b, dt.date(2026, 4, 2))
    self_inspection(world, world.enterprise_b, dt.date(2026, 3, 2))
    scan_at(at(2026, 5, 15))
    assert Reminder.objects.filter(rule__in=SELF_RULES).count() == 0

    Enterprise.objects.filter(pk=world.enterprise_a.pk).update(is_active=False)
    scan_at(at(2026, 6, 15))
    assert Reminder.objects.filter(rule__in=SELF_RULES, user=world.ent_a).count() == 0


def test_it_does_not_count_a_self_inspection_not_yet_submitted(world):
    self_inspection(world, world.enterprise_a, dt.date(2026, 4, 10))
    self_inspection(world, world.enterprise_a, dt.date(2026, 5, 10), status="in_progress")

    scan_at(at(2026, 5, 15))

    assert ("ent_a", f"enterprise:{world.enterprise_a.pk}", "2026-05") in sent("self_inspection_due")


def test_it_tells_the_village_officer_too_once_a_period_was_missed(world):
    scan_at(at(2026, 5, 15))  # nothing ever filed: April (monthly) and Q1 (quarterly) were missed

    ent_a, ent_b = f"enterprise:{world.enterprise_a.pk}", f"enterprise:{world.enterprise_b.pk}"
    assert sent("self_inspection_overdue") == {
        ("ent_a", ent_a, "overdue:2026-04"),
        ("village_a", ent_a, "overdue:2026-04"),
        ("ent_b", ent_b, "overdue:2026Q1"),
        ("village_b", ent_b, "overdue:2026Q1"),
    }
    # The current period is owed as well, from the enterprise alone.
    assert sent("self_inspection_due") == {("ent_a", ent_a, "2026-05"), ("ent_b", ent_b, "2026Q2")}
    assert scan_at(at(2026, 5, 31)).created == []

    scan_at(at(2026, 6, 1))  # May missed in turn
    assert ("village_a", ent_a, "overdue:2026-05") in sent("self_inspection_overdue")
    assert ("village_b", ent_b, "overdue:2026Q2") not in sent("self_inspection_overdue")


def test_it_does_not_call_a_newly_registered_enterprise_overdue(world):
    new = EnterpriseFactory(village=world.village_a, primary_sector=world.sector_b, name="新开商店")
    contact = UserFactory(username="new_contact")
    AssignmentFactory(user=contact, role=Role.ENTERPRISE, township=world.township, enterprise=new)
    Enterprise.objects.filter(pk=new.pk).update(created_at=at(2026, 5, 3))

    scan_at(at(2026, 5, 15))

    assert ("new_contact", f"enterprise:{new.pk}", "2026Q2") in sent("self_inspection_due")
    assert not Reminder.objects.filter(rule="self_inspection_overdue", object_id=new.pk).exists()


def _enterprises_with_contacts(world, n: int) -> None:
    for i in range(n):
        enterprise = EnterpriseFactory(village=world.village_b, primary_sector=world.sector_b, name=f"测试企业{i}")
        user = UserFactory(username=f"contact{i}")
        AssignmentFactory(user=user, role=Role.ENTERPRISE, township=world.township, enterprise=enterprise)
    Enterprise.objects.update(created_at=LONG_AGO)


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("key", SELF_RULES)
def test_it_finds_the_self_inspections_owed_in_a_constant_number_of_queries(world, key):
    rule = engine.RULES[key]
    now = at(2026, 5, 15)
    with time_machine.travel(now, tick=False):
        small = _queries(lambda: list(rule.due(now)))
        _enterprises_with_contacts(world, 18)
        items: list = []
        large = _queries(lambda: items.extend(rule.due(now)))

    assert len(items) == 20
    assert large == small


def test_a_scan_with_everything_reminded_costs_the_same_for_2_and_20_enterprises(world):
    scan_at(at(2026, 5, 15))
    small = _queries(lambda: scan_at(at(2026, 5, 16)))
    _enterprises_with_contacts(world, 18)
    scan_at(at(2026, 5, 15))
    large = _queries(lambda: scan_at(at(2026, 5, 16)))

    assert Reminder.objects.filter(rule="self_inspection_due").count() == 20
    assert large == small


# -- switched off, hazard-only scans, other filters ----------------------------------------------------------


@pytest.fixture
def busy_day(world, group):
    """20 June 2026: every inspection rule has something due in the township."""
    plan_quarter(world, 2026, 1)  # Q1 missed
    visits = plan_quarter(world, 2026, 2)  # Q2 started, visits not done, 10 days left
    inspection = visits["刘圩村"].inspection
    with time_machine.travel(at(2026, 6, 10), tick=False):
        plans.problem_create(
            inspection=inspection, actor=world.office, description="未落实包保责任", deadline=dt.date(2026, 6, 18)
        )
        plans.problem_create(
            inspection=inspection, actor=world.office, description="未开展隐患排查", deadline=dt.date(2026, 6, 22)
        )
    return at(2026, 6, 20)


def test_every_inspection_rule_has_something_due_on_the_busy_day(busy_day):
    scan_at(busy_day)

    assert set(Reminder.objects.values_list("rule", flat=True)) == set(INSPECTION_RULES)


@pytest.mark.parametrize("key", INSPECTION_RULES)
def test_it_sends_nothing_from_a_rule_the_office_switched_off(world, busy_day, key):
    engine.rule_set(township_id=world.township.pk, key=key, enabled=False, actor=world.office)

    result = scan_at(busy_day)

    assert not Reminder.objects.filter(rule=key).exists()
    assert result.switched_off >= 1
    assert set(Reminder.objects.values_list("rule", flat=True)) == set(INSPECTION_RULES) - {key}

    engine.rule_set(township_id=world.other_township.pk, key=key, enabled=False, actor=world.other_office)
    engine.rule_set(township_id=world.township.pk, key=key, enabled=True, actor=world.office)
    scan_at(busy_day)
    assert Reminder.objects.filter(rule=key).exists()


@pytest.mark.parametrize("key", INSPECTION_RULES)
def test_it_yields_nothing_in_a_hazard_only_scan_and_ignores_other_filters(busy_day, key):
    rule = engine.RULES[key]

    assert list(rule.due(busy_day, hazard_ids=[1, 2])) == []
    assert list(rule.due(busy_day, hazard_ids=[])) == []
    assert len(list(rule.due(busy_day, something_else="x"))) >= 1


def test_a_hazard_only_scan_of_all_rules_sends_no_inspection_reminder(busy_day):
    with time_machine.travel(busy_day, tick=False):
        engine.scan(busy_day, hazard_ids=[])

    assert not Reminder.objects.filter(rule__in=INSPECTION_RULES).exists()


# -- §28 四不两直 -------------------------------------------------------------------------------------------------


def test_nothing_ever_tells_the_target_of_an_unannounced_inspection(world, group):
    plan_quarter(world, 2026, 2)
    with time_machine.travel(at(2026, 5, 2), tick=False):
        unannounced = services.inspection_plan(
            actor=world.office, township=world.township, kind="unannounced", enterprise=world.enterprise_a,
            planned_on=dt.date(2026, 5, 20),
        )  # fmt: skip
    moments = [
        at(2026, 5, 2, 9),
        at(2026, 5, 19, 23, 30),
        at(2026, 5, 20, 7),
        at(2026, 5, 20, 9),
        at(2026, 6, 1, 0, 30),
        at(2026, 6, 20),
        at(2026, 7, 1),
    ]
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            engine.scan(moment)  # every rule, as the beat task runs it

    assert not Reminder.objects.filter(object_key=f"inspection:{unannounced.pk}").exists()
    assert not Reminder.objects.filter(url=unannounced.get_absolute_url()).exists()
    to_target = Reminder.objects.filter(user=world.ent_a)
    assert to_target.exists()  # it does receive its own self-inspection reminders …
    # … and its own drills' (§24: enterprise_a is a half-yearly unit) — and nothing else
    assert set(to_target.values_list("rule", flat=True)) <= {*SELF_RULES, "drill_due_soon", "drill_overdue"}
    for reminder in Reminder.objects.all():
        assert str(unannounced.planned_on) not in reminder.title + reminder.body
