"""The plan's goals on the dashboard (issue 9.5, 9.9): met on time, met late or not met, with the day they were met;
dynamic zeroing is not met while reports sit overdue for confirmation; 双下降 compares this year so far with the same
period of last year (同比), counting only 生产安全事故."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dashboard import stats
from dashboard.models import Accident
from hazards.models import Hazard
from tests.dashboard.test_dashboard import page
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def hazard(world: Any, **fields: Any) -> Hazard:
    values = {"village": world.village_a, "sector": world.sector_a, "level": "major", "channel": "department"}
    return HazardFactory(**{**values, **fields})


def goals(client: Any, world: Any, when: dt.datetime) -> dict[str, Any]:
    with time_machine.travel(when, tick=False):
        response = page(client, world.office)
    return {g.goal.key: g for g in response.context["board"].goals}


def stock_hazard(world: Any, verified: dt.datetime, closed: dt.datetime | None) -> Hazard:
    return hazard(
        world, found_on=dt.date(2023, 6, 1), status="closed" if closed else "verified", deadline=dt.date(2024, 12, 31),
        completed_on=verified.date(), verified_at=verified, closed_at=closed,
    )  # fmt: skip


# -- 存量清零 by the end of 2024 ---------------------------------------------------------------------------------


def test_it_says_the_stock_goal_was_met_late_when_the_last_stock_hazard_was_accepted_in_2025(client, world):
    stock_hazard(world, verified=at(2024, 11, 5, 10), closed=at(2024, 11, 6, 10))
    stock_hazard(world, verified=at(2025, 1, 10, 10), closed=at(2025, 1, 15, 10))
    goal = goals(client, world, at(2025, 3, 1, 9))["stock_zero"]
    assert (goal.status, goal.met_on) == ("met_late", dt.date(2025, 1, 10))
    assert goal.status_label != "met on time"


@pytest.mark.parametrize(
    ("verified", "status", "met_on"),
    [
        (at(2024, 12, 31, 23, 30), "met", dt.date(2024, 12, 31)),
        # 00:30 on 1 January in Liuwei is still 31 December in UTC: late all the same.
        (at(2025, 1, 1, 0, 30), "met_late", dt.date(2025, 1, 1)),
    ],
)
def test_it_counts_the_last_day_of_2024_in_local_time(client, world, verified, status, met_on):
    stock_hazard(world, verified=verified, closed=None)
    goal = goals(client, world, at(2025, 3, 1, 9))["stock_zero"]
    assert (goal.status, goal.met_on) == (status, met_on)


def test_it_does_not_hold_the_offices_closing_date_against_the_stock_goal(client, world):
    stock_hazard(world, verified=at(2024, 12, 20, 10), closed=at(2025, 1, 5, 10))
    goal = goals(client, world, at(2025, 3, 1, 9))["stock_zero"]
    assert (goal.status, goal.met_on) == ("met", dt.date(2024, 12, 20))


def test_it_shows_the_day_the_goal_was_met_on_the_page(client, world):
    stock_hazard(world, verified=at(2025, 1, 10, 10), closed=at(2025, 1, 15, 10))
    with time_machine.travel(at(2025, 3, 1, 9), tick=False):
        html = page(client, world.office).content.decode()
    assert 'data-testid="goal-stock_zero" data-status="met_late"' in html
    assert 'data-testid="goal-met-on" data-value="2025-01-10"' in html


def test_it_leaves_the_stock_goal_not_met_while_a_stock_hazard_is_open(client, world):
    hazard(world, found_on=dt.date(2023, 6, 1), status="rectifying", deadline=dt.date(2024, 12, 31))
    assert goals(client, world, at(2024, 12, 31, 20))["stock_zero"].status == "in_progress"
    goal = goals(client, world, at(2025, 1, 1, 0, 30))["stock_zero"]
    assert (goal.status, goal.met_on) == ("not_met", None)


# -- 压减增量: 2025 against 2024 ---------------------------------------------------------------------------------


def test_it_meets_the_increment_goal_on_the_last_day_of_2025(client, world):
    for found in ("2024-03-01", "2024-09-01"):
        hazard(world, found_on=dt.date.fromisoformat(found), status="reported")
    hazard(world, found_on=dt.date(2025, 5, 1), status="reported")
    assert goals(client, world, at(2025, 12, 31, 20))["increment_down"].status == "in_progress"
    goal = goals(client, world, at(2026, 1, 2, 9))["increment_down"]
    assert (goal.status, goal.met_on) == ("met", dt.date(2025, 12, 31))


# -- 动态清零 from 2026 -------------------------------------------------------------------------------------------


def test_it_does_not_show_dynamic_zeroing_met_while_a_report_is_overdue_for_confirmation(client, world):
    report = hazard(world, level="general", status="reported", found_on=dt.date(2026, 3, 1))
    Hazard.objects.filter(pk=report.pk).update(created_at=at(2026, 3, 1, 9))
    # 4 days later the report is within the township's 5 days: met.
    assert goals(client, world, at(2026, 3, 5, 9))["dynamic_zero"].status == "met"
    # 5 days and an hour later it is overdue for confirmation: not met, and the goal says why.
    goal = goals(client, world, at(2026, 3, 6, 10))["dynamic_zero"]
    assert goal.status == "not_met"
    assert {f.key: f.value for f in goal.figures} == {"overdue_major": 0, "goal_confirmation_overdue": 1}


def test_it_says_dynamic_zeroing_was_met_late_after_a_major_hazard_was_rectified_late(client, world):
    hazard(world, found_on=dt.date(2026, 1, 5), status="verified", deadline=dt.date(2026, 1, 31),
           completed_on=dt.date(2026, 2, 3), verified_at=at(2026, 2, 4, 15))  # fmt: skip
    # Rectified late in 2025, before dynamic zeroing was in force: does not count against it.
    hazard(world, found_on=dt.date(2025, 3, 1), status="closed", deadline=dt.date(2025, 4, 1),
           completed_on=dt.date(2025, 5, 1), verified_at=at(2025, 5, 3, 9), closed_at=at(2025, 5, 4, 9))  # fmt: skip
    goal = goals(client, world, at(2026, 3, 15, 10))["dynamic_zero"]
    assert (goal.status, goal.met_on) == ("met_late", dt.date(2026, 2, 4))
    assert "1" in goal.note


def test_it_says_dynamic_zeroing_held_since_2026_when_every_major_hazard_was_on_time(client, world):
    hazard(world, found_on=dt.date(2026, 1, 5), status="closed", deadline=dt.date(2026, 1, 31),
           completed_on=dt.date(2026, 1, 31), verified_at=at(2026, 2, 10, 9), closed_at=at(2026, 2, 20, 9))  # fmt: skip
    goal = goals(client, world, at(2026, 3, 15, 10))["dynamic_zero"]
    assert (goal.status, goal.met_on) == ("met", dt.date(2026, 1, 1))


# -- 双下降: 同比 -------------------------------------------------------------------------------------------------


def accident(world: Any, day: str, deaths: int = 0, *, counted: bool = True, kind: str = "road") -> Accident:
    return Accident.objects.create(
        township=world.township, occurred_on=dt.date.fromisoformat(day), place="路口", kind=kind, deaths=deaths,
        village=world.village_a, counts_as_work_safety=counted, created_by=world.office,
    )  # fmt: skip


def double_decline(client: Any, world: Any, when: dt.datetime) -> tuple[str, dict[str, int]]:
    goal = goals(client, world, when)["double_decline"]
    return goal.status, {f.key: f.value for f in goal.figures}


def test_it_compares_the_year_so_far_with_the_same_period_of_last_year(client, world):
    accident(world, "2025-02-01", 1)
    accident(world, "2025-06-30", 2)  # after 30 June: not in the same period
    accident(world, "2025-06-30", 0)
    accident(world, "2025-07-01", 3)
    accident(world, "2025-11-01", 1)
    accident(world, "2026-03-01", 0)
    accident(world, "2026-06-30", 0)
    status, figures = double_decline(client, world, at(2026, 6, 30, 23, 50))
    assert figures == {"accidents_2026": 2, "deaths_2026": 0, "accidents_2025": 3, "deaths_2025": 3}
    assert status == "in_progress"  # both lower than by 30 June 2025 (against the whole of 2025: 5 and 7)
    # One more accident with a death by 30 June 2026: accidents not lower any more (3 against 3).
    accident(world, "2026-06-30", 1)
    status, figures = double_decline(client, world, at(2026, 6, 30, 23, 50))
    assert (figures["accidents_2026"], figures["deaths_2026"]) == (3, 1)
    assert status == "not_met"


def test_it_counts_only_work_safety_accidents(client, world):
    accident(world, "2025-04-01", 1)
    accident(world, "2026-04-01", 2, counted=False, kind="drowning")  # recorded, not counted
    status, figures = double_decline(client, world, at(2026, 5, 1, 9))
    assert figures == {"accidents_2026": 0, "deaths_2026": 0, "accidents_2025": 1, "deaths_2025": 1}
    assert status == "in_progress"


def test_it_compares_with_28_february_on_29_february():
    assert stats.year_to_date(dt.date(2028, 2, 29)) == (
        (dt.date(2028, 1, 1), dt.date(2028, 2, 29)),
        (dt.date(2027, 1, 1), dt.date(2027, 2, 28)),
    )
    # The day after, in the year after a leap year, 29 February lies inside the same period.
    assert stats.year_to_date(dt.date(2029, 3, 1))[1] == (dt.date(2028, 1, 1), dt.date(2028, 3, 1))


def test_it_judges_29_february_against_the_same_period(client, world):
    accident(world, "2027-02-28", 1)
    accident(world, "2027-03-01", 1)  # after the cut
    accident(world, "2028-02-29", 0)
    status, figures = double_decline(client, world, at(2028, 2, 29, 20))
    assert figures == {"accidents_2028": 1, "deaths_2028": 0, "accidents_2027": 1, "deaths_2027": 1}
    assert status == "not_met"  # as many accidents as by 28 February 2027
