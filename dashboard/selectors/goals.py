"""Where the plan stands: each goal of the plan read from the figures."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from dashboard import phases
from hazards.models import Level

from .figures import (
    IN_PROGRESS,
    MET,
    MET_LATE,
    NOT_DISMISSED,
    NOT_MET,
    NOT_YET,
    Figure,
    Figures,
    GoalView,
    accident_periods,
    accidents_url,
    dynamic_from,
    hazard_filters,
    hazards_url,
    is_major,
    sum_rows,
    year_params,
)

# -- where the plan stands -------------------------------------------------------------------------------------------


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _by_deadline(goal: phases.Goal, met_on: dt.date | None) -> str:
    """Met on time when met by the goal's deadline (or with nothing to do at all), else met late."""
    if met_on is None or goal.deadline is None or met_on <= goal.deadline:
        return MET
    return MET_LATE


def _goal_stock(f: Figures) -> GoalView:
    """存量清零 by the end of 2024: met on the day the last stock major hazard stopped being open (accepted);
    after 2024-12-31 (local) that is met late, not achieved."""
    goal = phases.GOALS[phases.STOCK_ZERO]
    remaining = sum_rows(f.breakdown, "stock", is_major)
    url = hazards_url(*hazard_filters(f.today.year)["stock_open_major"])
    figure = Figure("stock_open_major", _("stock major hazards still open"), remaining, url)
    if remaining:
        status = IN_PROGRESS if goal.deadline and f.today <= goal.deadline else NOT_MET
        return GoalView(goal, status, [figure])
    met_on = _local_day(f.clocks["stock_done_at"])
    return GoalView(goal, _by_deadline(goal, met_on), [figure], met_on=met_on)


def _goal_increment(f: Figures) -> GoalView:
    """压减增量: fewer new major hazards in 2025 than in 2024 — judged when 2025 is over, so met on 31 December 2025
    or not at all."""
    goal = phases.GOALS[phases.INCREMENT_DOWN]
    figures = [
        Figure(
            f"new_major_{year}",
            _("new major hazards found in %(year)d") % {"year": year},
            n,
            hazards_url(("level", Level.MAJOR), *year_params(year), NOT_DISMISSED),
        )
        for year, n in f.new_major.items()
    ]
    base, target = f.new_major[phases.INCREMENT_BASE_YEAR], f.new_major[phases.INCREMENT_GOAL_YEAR]
    if goal.in_force_from and f.today < goal.in_force_from:
        return GoalView(goal, NOT_YET, figures)
    if target >= base:
        return GoalView(goal, NOT_MET, figures)  # already as many as the whole base year: it cannot be fewer any more
    if goal.deadline and f.today > goal.deadline:
        return GoalView(goal, MET, figures, met_on=goal.deadline)
    return GoalView(goal, IN_PROGRESS, figures)


def _goal_dynamic_zero(f: Figures) -> GoalView:
    """动态清零 from 2026: no major hazard open past its deadline and no report left unconfirmed past the time limit
    (an unregistered report may be a major hazard nobody has judged — issue 9.5). Met on time when it has held since
    it came into force; met late when a major hazard was rectified after its deadline since then (met again from the
    day the last of them was accepted)."""
    goal = phases.GOALS[phases.DYNAMIC_ZERO]
    overdue_major = sum_rows(f.breakdown, "overdue", is_major)
    unconfirmed = f.clocks["confirmation_overdue"]
    figures = [
        Figure(
            "overdue_major",
            _("major hazards open past their deadline"),
            overdue_major,
            hazards_url(*hazard_filters(f.today.year)["overdue_major"]),
        ),
        Figure(
            "goal_confirmation_overdue",
            _("reports overdue for confirmation"),
            unconfirmed,
            hazards_url(*hazard_filters(f.today.year)["confirmation_overdue"]),
        ),
    ]
    in_force = dynamic_from()
    if f.today < in_force:
        return GoalView(goal, NOT_YET, figures)
    if overdue_major or unconfirmed:
        return GoalView(goal, NOT_MET, figures)
    late = f.clocks["late_major"]
    if not late:
        return GoalView(goal, MET, figures, met_on=in_force)
    note = _("%(n)d major hazards were rectified after their deadline since %(day)s.") % {
        "n": late,
        "day": f"{in_force:%Y-%m-%d}",
    }
    return GoalView(goal, MET_LATE, figures, note, met_on=_local_day(f.clocks["late_major_done_at"]))


def _declined(now: dict[str, int], before: dict[str, int], key: str) -> bool:
    """Lower than the period compared with — or zero both times (nothing left to decline)."""
    return now[key] < before[key] or now[key] == before[key] == 0


def _both_declined(now: dict[str, int], before: dict[str, int]) -> bool:
    return _declined(now, before, "accidents") and _declined(now, before, "deaths")


def _period_label(start: dt.date, end: dt.date) -> str:
    return _("%(year)d/%(m1)d/%(d1)d–%(m2)d/%(d2)d") % {
        "year": start.year,
        "m1": start.month,
        "d1": start.day,
        "m2": end.month,
        "d2": end.day,
    }


def _goal_double_decline(f: Figures) -> GoalView:
    """双下降 (issue 9.9): this year so far against the same period of last year (同比), counting only 生产安全事故;
    the note judges last year, complete, against the year before."""
    goal = phases.GOALS[phases.DOUBLE_DECLINE]
    periods = accident_periods(f.today)
    figures = []
    for name in ("this", "same_last"):
        start, end = periods[name]
        data, period = f.accidents[name], _period_label(start, end)
        url = accidents_url(start, end)
        figures.append(
            Figure(f"accidents_{start.year}", _("accidents %(period)s") % {"period": period}, data["accidents"], url)
        )
        figures.append(Figure(f"deaths_{start.year}", _("deaths %(period)s") % {"period": period}, data["deaths"], url))
    years = {"year": f.today.year - 1, "before": f.today.year - 2}
    if _both_declined(f.accidents["last"], f.accidents["before"]):
        note = _("%(year)d against %(before)d: both declined.") % years
    else:
        note = _("%(year)d against %(before)d: not both declined.") % years
    status = IN_PROGRESS if _both_declined(f.accidents["this"], f.accidents["same_last"]) else NOT_MET
    return GoalView(goal, status, figures, note)


def build_goals(f: Figures) -> list[GoalView]:
    return [_goal_stock(f), _goal_increment(f), _goal_dynamic_zero(f), _goal_double_decline(f)]
