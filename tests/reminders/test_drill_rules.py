"""Reminder rules about emergency drills (§24): due soon from 30 days before a half-year's end, overdue once per missed
half-year — to the enterprise's contacts and its township's office, exactly once per recipient and period, in
Asia/Shanghai time across the half-year and the year boundary. Nobody else, and nobody of the other township."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from readiness.models import Drill, EmergencyPlan, PlanKind
from reminders import engine
from reminders.models import Reminder
from units.models import Enterprise

SHANGHAI = ZoneInfo("Asia/Shanghai")
RULES = ("drill_due_soon", "drill_overdue")


def at(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def scan_at(moment: dt.datetime) -> engine.ScanResult:
    with time_machine.travel(moment, tick=False):
        return engine.scan(moment, rules=RULES)


def sent(rule: str, enterprise: Enterprise | None = None) -> set[tuple[str, str, str]]:
    qs = Reminder.objects.filter(rule=rule)
    if enterprise is not None:
        qs = qs.filter(object_key=f"drills:{enterprise.pk}")
    return set(qs.values_list("user__username", "object_key", "period"))


def made(result: engine.ScanResult, enterprise: Enterprise) -> int:
    """How many drill reminders about this enterprise a scan created."""
    qs = Reminder.objects.filter(pk__in=result.created, rule__in=RULES, object_key=f"drills:{enterprise.pk}")
    return qs.count()


def add_plan(world, enterprise: Enterprise, kind: str, on: dt.date) -> None:  # type: ignore[no-untyped-def]
    EmergencyPlan.objects.create(
        township=enterprise.township,
        enterprise=enterprise,
        kind=kind,
        title="预案",
        approved_on=on,
        created_by=world.office,
    )


def add_drill(world, enterprise: Enterprise, kind: str, on: dt.date) -> None:  # type: ignore[no-untyped-def]
    Drill.objects.create(
        township=enterprise.township,
        enterprise=enterprise,
        kind=kind,
        held_on=on,
        scenario="演练",
        participants=5,
        evaluation="好",
        recorded_by=world.office,
    )


@pytest.fixture(autouse=True)
def _registered_long_ago(world):  # type: ignore[no-untyped-def]
    Enterprise.objects.update(created_at=at(2023, 1, 1))


def test_a_yearly_drill_is_due_soon_in_december_and_overdue_from_1_january(world):  # type: ignore[no-untyped-def]
    e = world.enterprise_b  # 农业: not one of §24's half-yearly units
    add_plan(world, e, PlanKind.COMPREHENSIVE, dt.date(2024, 3, 1))
    add_drill(world, e, PlanKind.COMPREHENSIVE, dt.date(2024, 5, 1))
    key = f"drills:{e.pk}"

    scan_at(at(2025, 6, 15))  # mid-year: the yearly drill is not yet due soon
    scan_at(at(2025, 11, 30))  # 31 days before 31 December
    assert sent("drill_due_soon", e) == set()

    result = scan_at(at(2025, 12, 1))
    assert sent("drill_due_soon", e) == {("ent_b", key, "due:2025H2"), ("office", key, "due:2025H2")}
    assert made(result, e) == 2
    reminder = Reminder.objects.filter(rule="drill_due_soon", object_key=key).first()
    assert reminder.url == reverse("readiness:enterprise_drills", args=[e.pk])
    assert reminder.township_id == world.township.pk
    assert e.name in reminder.title
    for moment in (at(2025, 12, 2), at(2025, 12, 31, 23, 30)):
        assert made(scan_at(moment), e) == 0
    assert sent("drill_overdue", e) == set()

    scan_at(at(2026, 1, 1, 0, 30))  # UTC is still 31 December
    assert sent("drill_overdue", e) == {("ent_b", key, "overdue:2025H2"), ("office", key, "overdue:2025H2")}
    assert made(scan_at(at(2026, 2, 1)), e) == 0
    assert Reminder.objects.filter(object_key=key).count() == 4

    add_drill(world, e, PlanKind.SPECIAL, dt.date(2026, 3, 1))  # the mark goes: nothing more this year
    for moment in (at(2026, 3, 2), at(2026, 7, 1, 0, 30), at(2026, 12, 1), at(2027, 1, 1, 9)):
        assert made(scan_at(moment), e) == 0
    scan_at(at(2027, 12, 1))
    assert {p for *_, p in sent("drill_due_soon", e)} == {"due:2025H2", "due:2027H2"}


def test_an_onsite_drill_is_owed_each_half_year_across_30_june(world):  # type: ignore[no-untyped-def]
    e = world.enterprise_b
    add_plan(world, e, PlanKind.ONSITE, dt.date(2025, 1, 10))
    add_drill(world, e, PlanKind.ONSITE, dt.date(2025, 12, 10))
    key = f"drills:{e.pk}"

    scan_at(at(2026, 5, 30, 23, 30))  # 31 days before 30 June
    assert sent("drill_due_soon", e) == set()
    scan_at(at(2026, 5, 31, 0, 30))  # 30 days before (UTC is still 30 May)
    assert sent("drill_due_soon", e) == {("ent_b", key, "due:2026H1"), ("office", key, "due:2026H1")}
    assert made(scan_at(at(2026, 6, 1)), e) == 0
    assert made(scan_at(at(2026, 6, 30, 23, 30)), e) == 0
    assert sent("drill_overdue", e) == set()

    scan_at(at(2026, 7, 1, 0, 30))  # UTC is still 30 June
    assert sent("drill_overdue", e) == {("ent_b", key, "overdue:2026H1"), ("office", key, "overdue:2026H1")}
    assert made(scan_at(at(2026, 8, 1)), e) == 0

    scan_at(at(2027, 1, 1, 9))  # a second missed half-year: one more reminder each, for 2026H2
    periods = Reminder.objects.filter(rule="drill_overdue", object_key=key).values_list("period", flat=True)
    assert sorted(periods) == ["overdue:2026H1", "overdue:2026H1", "overdue:2026H2", "overdue:2026H2"]


def test_a_half_yearly_unit_without_plans_is_reminded_and_nobody_else_is(world):  # type: ignore[no-untyped-def]
    """enterprise_a (建筑施工) is one of §24's units; the other township's enterprise has a plan too: its office hears
    of it, this township's users do not, and the other office hears nothing of ours."""
    a = world.enterprise_a
    Enterprise.objects.filter(pk=a.pk).update(created_at=at(2026, 2, 1))  # its first half-year is 2026H1
    other = world.enterprise_other
    add_plan(world, other, PlanKind.ONSITE, dt.date(2025, 1, 10))

    scan_at(at(2026, 6, 1))
    scan_at(at(2026, 7, 1, 9))
    ours = {("ent_a", f"drills:{a.pk}"), ("office", f"drills:{a.pk}")}
    assert {(u, k) for u, k, _p in sent("drill_due_soon", a)} == ours
    assert {(u, k) for u, k, _p in sent("drill_overdue", a)} == ours
    theirs = Reminder.objects.filter(rule__in=RULES, object_key=f"drills:{other.pk}")
    assert set(theirs.values_list("user__username", flat=True)) == {"other_office"}
    everyone = set(Reminder.objects.filter(rule__in=RULES).values_list("user__username", flat=True))
    assert everyone <= {"ent_a", "ent_b", "office", "other_office"}
    assert not Reminder.objects.filter(rule__in=RULES, user=world.other_office, township=world.township).exists()
    for outsider in ("leader", "dept_a", "dept_b", "village_a", "village_b", "county", "county_dept", "admin"):
        assert not Reminder.objects.filter(rule__in=RULES, user__username=outsider).exists()
