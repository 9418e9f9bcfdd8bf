"""The dashboard's figures: what is fetched for a user (a fixed handful of grouped queries) and the URLs of the
lists behind them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import dates
from dashboard import phases, stats
from dashboard.access import accidents_visible_to
from hazards.access import hazards_visible_to
from hazards.models import Level
from inspections import plans
from inspections.access import problems_visible_to, visits_visible_to
from inspections.models import Status as InspectionStatus
from inspections.models import WorkProblem
from units.access import Scope, enterprises_visible_to, get_scope
from units.models import Sector, Unit, Village

# A goal with a date is met on time, met late (e.g. the last stock hazard rectified in 2025 — issue 9.5) or not met.
MET, MET_LATE, IN_PROGRESS, NOT_MET, NOT_YET = "met", "met_late", "in_progress", "not_met", "not_yet"
GOAL_STATUS_LABELS = {
    MET: gettext_lazy("met on time"),
    MET_LATE: gettext_lazy("met late"),
    IN_PROGRESS: gettext_lazy("in progress"),
    NOT_MET: gettext_lazy("not met"),
    NOT_YET: gettext_lazy("not yet in force"),
}
SLOW_ROWS = 10


def hazards_url(*pairs: tuple[str, Any]) -> str:
    """The hazard list filtered by `pairs` (in this order, repeated keys allowed: status=verified&status=closed)."""
    return f"{reverse('hazards:list')}?{urlencode([(k, str(v)) for k, v in pairs])}"


def list_url(name: str, *pairs: tuple[str, Any]) -> str:
    return f"{reverse(name)}?{urlencode([(k, str(v)) for k, v in pairs])}" if pairs else reverse(name)


def year_params(year: int) -> list[tuple[str, Any]]:
    start, end = dates.year_bounds(year)
    return [("found_from", start.isoformat()), ("found_to", end.isoformat())]


OPEN = ("open", "true")
NOT_DISMISSED = ("dismissed", "false")


def hazard_filters(year: int) -> dict[str, tuple[tuple[str, Any], ...]]:
    """The hazard list's filters behind each hazard figure the township and the county dashboards share: the list
    they give holds exactly the hazards the figure counts (dashboard.stats)."""
    found = tuple(year_params(year))
    major = ("level", Level.MAJOR)
    return {
        "found_year": (*found, NOT_DISMISSED),
        "rectified_year": (*found, ("status", "verified"), ("status", "closed")),
        "rectified_on_time_year": (*found, ("on_time", "true")),
        "open": (OPEN,),
        "open_major": (major, OPEN),
        "overdue": (("overdue", "true"),),
        "overdue_major": (("overdue", "true"), major),
        "stock_open_major": (("stock", "stock"), major, OPEN),
        "confirmation_overdue": (("confirmation_overdue", "true"),),
        "listed": (("listed", "true"),),
        "listed_county_plus": (("listed", "true"), ("listing_level", "county_plus")),
    }


def accidents_url(start: dt.date, end: dt.date, *pairs: tuple[str, Any]) -> str:
    """The accident register for a period, only 生产安全事故 (what the 双下降 figures count)."""
    period = (("occurred_from", start.isoformat()), ("occurred_to", end.isoformat()), ("counted", "yes"))
    return list_url("dashboard:accidents", *period, *pairs)


def quarter_board_url(today: dt.date, *pairs: tuple[str, Any]) -> str:
    year, quarter = dates.quarter_of(today)
    return list_url("inspections:quarter_board", ("year", year), ("quarter", quarter), *pairs)


def visit_aggregates() -> dict[str, Any]:
    """Supervision visits planned (total) and done: a visit is done once its inspection is submitted."""
    return {"total": Count("pk"), "done": Count("pk", filter=Q(inspection__status=InspectionStatus.SUBMITTED))}


@dataclass(frozen=True)
class Figure:
    """A number and the list that shows the same rows."""

    key: str
    label: str | Promise
    value: int | Decimal | None
    url: str


@dataclass
class Tile:
    key: str
    label: str | Promise
    main: Figure
    parts: list[Figure] = field(default_factory=list)
    note: str | Promise = ""


@dataclass
class GoalView:
    goal: phases.Goal
    status: str
    figures: list[Figure]
    note: str = ""
    met_on: dt.date | None = None  # the local day the goal was (last) met, when it is met

    @property
    def status_label(self) -> str | Promise:
        return GOAL_STATUS_LABELS[self.status]

    @property
    def met_on_label(self) -> str:
        if self.met_on is None:
            return ""
        day = {"day": f"{self.met_on:%Y-%m-%d}"}
        if self.goal.key == phases.DYNAMIC_ZERO:  # a continuous goal: since when it has held
            return _("held without a break since %(day)s") % day
        return _("met on %(day)s") % day


@dataclass
class Chart:
    key: str
    title: str | Promise
    kind: str  # "bar": horizontal bars by category; "trend": months on the x axis
    categories: list[str]
    series: list[dict[str, Any]]

    @property
    def dom_id(self) -> str:
        return f"chart-data-{self.key}"

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "categories": self.categories, "series": self.series}

    def rows(self) -> list[dict[str, Any]]:
        """The same data as a table (one row per category, one cell per series) for the accessible view."""
        return [{"name": name, "cells": [s["data"][i] for s in self.series]} for i, name in enumerate(self.categories)]


@dataclass
class SlowRow:
    pk: int
    name: str
    overdue_major: Figure
    open_major: Figure
    oldest_found: dt.date | None
    age_days: int | None


@dataclass
class Dashboard:
    today: dt.date
    scope_label: str
    phase: phases.Phase | None
    phases: tuple[phases.Phase, ...]
    goals: list[GoalView]
    tiles: list[Tile]
    charts: list[Chart]
    slow_villages: list[SlowRow]
    slow_units: list[SlowRow]


def dynamic_from() -> dt.date:
    return phases.GOALS[phases.DYNAMIC_ZERO].in_force_from or phases.PHASES[0].start


# -- the figures ---------------------------------------------------------------------------------------------------


@dataclass
class Names:
    villages: dict[int, str]
    sectors: dict[int, str]
    units: dict[int, str]


def names_for(scope: Scope, ids: dict[str, set[int]]) -> Names:
    """Names of the villages, sectors and units of the user's townships (plus any further ones the hazards name):
    three small queries, run whatever the data, so the number of queries stays fixed."""

    def fetch(model: Any, pks: set[int]) -> dict[int, str]:
        rows = model.objects.filter(Q(township_id__in=scope.township_ids) | Q(pk__in=pks))
        return dict(rows.values_list("pk", "name"))

    return Names(fetch(Village, ids["village"]), fetch(Sector, ids["sector"]), fetch(Unit, ids["unit"]))


def sum_rows(rows: Iterable[dict[str, Any]], key: str, where: Callable[[dict[str, Any]], bool] = lambda r: True) -> int:
    return sum(r[key] for r in rows if where(r))


def is_major(row: dict[str, Any]) -> bool:
    return bool(row["level"] == Level.MAJOR)


@dataclass
class Figures:
    """The raw numbers of the dashboard, fetched in a fixed number of queries."""

    today: dt.date
    breakdown: list[dict[str, Any]]
    found_months: dict[dt.date, dict[str, int]]
    closed_months: dict[dt.date, int]
    new_major: dict[int, int]
    listings: dict[str, int]
    visits: dict[str, int]
    problems: dict[str, int]
    self_overdue: int
    clocks: dict[str, Any]
    accidents: dict[str, dict[str, int]]
    names: Names

    def this_year(self, key: str) -> int:
        return sum(v[key] for m, v in self.found_months.items() if m.year == self.today.year)


def accident_periods(today: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """双下降 (issue 9.9): this year so far against the same period of last year (同比), and last year, complete,
    against the year before."""
    this, same_last = stats.year_to_date(today)
    return {
        "this": this,
        "same_last": same_last,
        "last": dates.year_bounds(today.year - 1),
        "before": dates.year_bounds(today.year - 2),
    }


def fetch_figures(user: Any, today: dt.date) -> Figures:
    scope = get_scope(user)
    base = hazards_visible_to(user)
    months = dates.month_starts(today, stats.TREND_MONTHS)
    breakdown = stats.open_breakdown(base, today)
    year, quarter = dates.quarter_of(today)
    visits = visits_visible_to(user).filter(year=year, quarter=quarter).aggregate(**visit_aggregates())
    problems = problems_visible_to(user).aggregate(
        open=Count("pk", filter=Q(state=WorkProblem.State.OPEN)),
        overdue=Count("pk", filter=plans.problems_overdue_q(today)),
    )
    enterprises = enterprises_visible_to(user).filter(is_active=True)
    self_overdue = plans.with_self_inspection_state(enterprises, today).filter(Q(si_state=plans.OVERDUE)).count()
    ids: dict[str, set[int]] = {
        "village": {r["village_id"] for r in breakdown},
        "sector": {r["sector_id"] for r in breakdown},
        "unit": {r["lead_unit_id"] for r in breakdown if r["lead_unit_id"]},
    }
    return Figures(
        today=today,
        breakdown=breakdown,
        found_months=stats.found_by_month(base, months[0], today),
        closed_months=stats.closed_by_month(base, months[0], dates.month_end(months[-1])),
        new_major=stats.new_major_by_year(
            base, phases.INCREMENT_BASE_YEAR, max(today.year, phases.INCREMENT_GOAL_YEAR)
        ),
        listings=stats.active_listings_by_level(base),
        visits=visits,
        problems=problems,
        self_overdue=self_overdue,
        clocks=stats.clock_figures(base, dynamic_from()),
        accidents=stats.accident_periods(accidents_visible_to(user), accident_periods(today)),
        names=names_for(scope, ids),
    )
