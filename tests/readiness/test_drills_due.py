"""§24 due dates: calendar year and half-year boundaries, first drill ever, plans added later, and the overdue list
against a recount over a generated data set."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine

from readiness.drills import due
from readiness.models import Drill, EmergencyPlan, PlanKind
from tests.factories import EnterpriseFactory, SectorFactory
from units.models import Enterprise

TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: str) -> time_machine.travel:
    return time_machine.travel(dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=TZ), tick=False)


def plan(enterprise: Enterprise, kind: str, on: dt.date, user) -> EmergencyPlan:  # type: ignore[no-untyped-def]
    return EmergencyPlan.objects.create(
        township=enterprise.township, enterprise=enterprise, kind=kind, title="预案", approved_on=on, created_by=user
    )


def drill(enterprise: Enterprise, kind: str, on: dt.date, user) -> Drill:  # type: ignore[no-untyped-def]
    return Drill.objects.create(
        township=enterprise.township,
        enterprise=enterprise,
        kind=kind,
        held_on=on,
        scenario="演练",
        participants=5,
        evaluation="好",
        recorded_by=user,
    )


def states(enterprise: Enterprise, today: dt.date) -> dict[str, str]:
    s = due.drill_status(enterprise, today)
    return {"state": s.state, **{o.key: o.state for o in s.obligations}}


@pytest.fixture
def plain(world):  # type: ignore[no-untyped-def]
    """An ordinary enterprise (not one of §24's units), registered in 2024."""
    with at("2024-01-05"):
        return EnterpriseFactory(village=world.village_b, primary_sector=world.sector_b)


def test_it_has_nothing_due_without_plans(world, plain):  # type: ignore[no-untyped-def]
    assert states(plain, dt.date(2025, 3, 1)) == {"state": due.NONE}


def test_it_counts_the_calendar_year_for_comprehensive_plans(world, plain):  # type: ignore[no-untyped-def]
    plan(plain, PlanKind.COMPREHENSIVE, dt.date(2024, 3, 1), world.office)
    # First drill ever, in the plan's year: due by 31 December.
    s = due.drill_status(plain, dt.date(2024, 12, 31))
    assert (s.state, s.due_on) == (due.DUE, dt.date(2024, 12, 31))
    # 1 January: 2024 passed without one → overdue since 2025-01-01.
    s = due.drill_status(plain, dt.date(2025, 1, 1))
    assert (s.state, s.overdue_since, s.due_on) == (due.OVERDUE, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    # A special plan drill held late, in January, clears it for 2025 (not a half-year rule: June does not matter).
    drill(plain, PlanKind.SPECIAL, dt.date(2025, 1, 20), world.office)
    assert states(plain, dt.date(2025, 7, 1))["yearly"] == due.DONE
    assert due.drill_status(plain, dt.date(2025, 7, 1)).obligations[0].due_on == dt.date(2026, 12, 31)
    # 2026: 2025 had a drill → only due.
    assert states(plain, dt.date(2026, 1, 1))["yearly"] == due.DUE
    # An on-site drill does not count for the yearly obligation.
    drill(plain, PlanKind.ONSITE, dt.date(2026, 2, 1), world.office)
    assert states(plain, dt.date(2026, 2, 2))["yearly"] == due.DUE


def test_it_counts_calendar_half_years_for_onsite_plans(world, plain):  # type: ignore[no-untyped-def]
    plan(plain, PlanKind.ONSITE, dt.date(2024, 5, 1), world.office)
    assert states(plain, dt.date(2024, 6, 30))["onsite"] == due.DUE
    assert states(plain, dt.date(2024, 7, 1))["onsite"] == due.OVERDUE
    drill(plain, PlanKind.ONSITE, dt.date(2024, 7, 2), world.office)
    assert states(plain, dt.date(2024, 7, 2))["onsite"] == due.DONE
    # Across the year boundary: H2 2024 was done, H1 2025 is only due.
    s = due.drill_status(plain, dt.date(2025, 1, 1))
    assert (s.state, s.due_on) == (due.DUE, dt.date(2025, 6, 30))
    assert states(plain, dt.date(2025, 7, 1))["onsite"] == due.OVERDUE


def test_a_plan_added_later_starts_its_obligation_then(world, plain):  # type: ignore[no-untyped-def]
    plan(plain, PlanKind.SPECIAL, dt.date(2025, 11, 3), world.office)
    # 2024 had no plan: nothing was owed for it.
    assert states(plain, dt.date(2025, 11, 3)) == {"state": due.DUE, "yearly": due.DUE}
    plan(plain, PlanKind.ONSITE, dt.date(2026, 8, 1), world.office)
    assert states(plain, dt.date(2026, 8, 1)) == {"state": due.OVERDUE, "yearly": due.OVERDUE, "onsite": due.DUE}


def test_section_24_units_drill_every_half_year(world):  # type: ignore[no-untyped-def]
    with at("2024-02-01"):
        builder = world.enterprise_a  # sector 建筑施工
        builder.created_at = dt.datetime(2024, 2, 1, tzinfo=TZ)
        builder.save()
        crowded = EnterpriseFactory(village=world.village_b, primary_sector=world.sector_b, is_crowded_place=True)
        plain = EnterpriseFactory(village=world.village_b, primary_sector=world.sector_b)
    assert due.drill_status(plain, dt.date(2024, 8, 1)).is_key_unit is False
    for enterprise in (builder, crowded):
        assert states(enterprise, dt.date(2024, 6, 1)) == {"state": due.DUE, "key": due.DUE}
        assert states(enterprise, dt.date(2024, 7, 1)) == {"state": due.OVERDUE, "key": due.OVERDUE}
    # Any plan's drill counts for them.
    drill(crowded, PlanKind.COMPREHENSIVE, dt.date(2024, 7, 5), world.office)
    assert states(crowded, dt.date(2024, 7, 5)) == {"state": due.DONE, "key": due.DONE}
    assert states(crowded, dt.date(2025, 1, 1)) == {"state": due.DUE, "key": due.DUE}


def test_a_unit_registered_in_the_current_half_year_is_not_overdue(world):  # type: ignore[no-untyped-def]
    with at("2025-08-01"):
        dusty = EnterpriseFactory(village=world.village_b, primary_sector=world.sector_b, is_dust_explosion=True)
    assert states(dusty, dt.date(2025, 8, 1)) == {"state": due.DUE, "key": due.DUE}
    assert states(dusty, dt.date(2026, 1, 1)) == {"state": due.OVERDUE, "key": due.OVERDUE}


def test_the_overdue_list_equals_a_recount(world):  # type: ignore[no-untyped-def]
    """Generated enterprises, plans and drills; each state recomputed by hand from the definition."""
    rng = random.Random(16)
    today = dt.date(2025, 7, 15)
    with at("2024-01-02"):
        crowded_sector = SectorFactory(township=world.township, name="危化品")
        enterprises = [
            EnterpriseFactory(
                village=rng.choice([world.village_a, world.village_b]),
                primary_sector=rng.choice([world.sector_b, crowded_sector]),
                is_crowded_place=rng.random() < 0.2,
            )
            for _ in range(40)
        ]
    kinds = list(PlanKind)
    for e in enterprises:
        for _ in range(rng.randint(0, 2)):
            plan(e, rng.choice(kinds), dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 560)), world.office)
        for _ in range(rng.randint(0, 3)):
            drill(e, rng.choice(kinds), dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 560)), world.office)

    def recount(e: Enterprise) -> str:
        plans = list(e.emergency_plans.all())
        drills = list(e.drills.all())
        key = e.is_crowded_place or e.primary_sector.name in ("危化品", "建筑施工")
        found = []

        def judge(start, kinds_, cur, prev) -> str:  # type: ignore[no-untyped-def]
            held = [d.held_on for d in drills if d.kind in kinds_]
            if any(cur[0] <= h <= cur[1] for h in held):
                return due.DONE
            if start < cur[0] and not any(prev[0] <= h <= prev[1] for h in held):
                return due.OVERDUE
            return due.DUE

        yearly = [p.approved_on for p in plans if p.kind in (PlanKind.COMPREHENSIVE, PlanKind.SPECIAL)]
        onsite = [p.approved_on for p in plans if p.kind == PlanKind.ONSITE]
        year, prev_year = (dt.date(2025, 1, 1), dt.date(2025, 12, 31)), (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        half, prev_half = (dt.date(2025, 7, 1), dt.date(2025, 12, 31)), (dt.date(2025, 1, 1), dt.date(2025, 6, 30))
        if yearly:
            found.append(judge(min(yearly), (PlanKind.COMPREHENSIVE, PlanKind.SPECIAL), year, prev_year))
        if onsite:
            found.append(judge(min(onsite), (PlanKind.ONSITE,), half, prev_half))
        if key:
            found.append(judge(dt.date(2024, 1, 2), tuple(kinds), half, prev_half))
        for state in (due.OVERDUE, due.DUE, due.DONE):
            if state in found:
                return state
        return due.NONE

    expected = {e.pk: recount(e) for e in enterprises}
    qs = due.with_drill_state(Enterprise.objects.filter(pk__in=expected), today)
    got = dict(qs.values_list("pk", "dr_state"))
    assert got == expected
    assert {due.OVERDUE, due.DUE}.issubset(set(expected.values()))
