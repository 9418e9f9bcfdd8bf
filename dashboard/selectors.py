"""The dashboard's reads (issue 6): where the plan stands, the tiles, the charts and the slow-progress tables.

Every hazard figure is computed on hazards_visible_to(user) with the definitions of dashboard.stats, so a village
officer's dashboard counts its villages only; every figure carries the URL of the list that shows the same rows.
The number of queries is fixed: a handful of grouped queries, each answered from one index, summed in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import dates
from core.dates import local_today
from dashboard import phases, stats
from dashboard.access import accidents_visible_to
from hazards.access import hazards_visible_to
from hazards.models import Channel, Level
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


def _url(name: str, *pairs: tuple[str, Any]) -> str:
    return f"{reverse(name)}?{urlencode([(k, str(v)) for k, v in pairs])}" if pairs else reverse(name)


def _year(year: int) -> list[tuple[str, Any]]:
    start, end = dates.year_bounds(year)
    return [("found_from", start.isoformat()), ("found_to", end.isoformat())]


OPEN = ("open", "true")
NOT_DISMISSED = ("dismissed", "false")


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


# -- the figures ---------------------------------------------------------------------------------------------------


@dataclass
class _Names:
    villages: dict[int, str]
    sectors: dict[int, str]
    units: dict[int, str]


def _names(scope: Scope, ids: dict[str, set[int]]) -> _Names:
    """Names of the villages, sectors and units of the user's townships (plus any further ones the hazards name):
    three small queries, run whatever the data, so the number of queries stays fixed."""

    def fetch(model: Any, pks: set[int]) -> dict[int, str]:
        rows = model.objects.filter(Q(township_id__in=scope.township_ids) | Q(pk__in=pks))
        return dict(rows.values_list("pk", "name"))

    return _Names(fetch(Village, ids["village"]), fetch(Sector, ids["sector"]), fetch(Unit, ids["unit"]))


def _sum(rows: Iterable[dict[str, Any]], key: str, where: Callable[[dict[str, Any]], bool] = lambda r: True) -> int:
    return sum(r[key] for r in rows if where(r))


def _major(row: dict[str, Any]) -> bool:
    return bool(row["level"] == Level.MAJOR)


@dataclass
class _Figures:
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
    names: _Names

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


def _fetch(user: Any, today: dt.date) -> _Figures:
    scope = get_scope(user)
    base = hazards_visible_to(user)
    months = dates.month_starts(today, stats.TREND_MONTHS)
    breakdown = stats.open_breakdown(base, today)
    year, quarter = dates.quarter_of(today)
    visits = (
        visits_visible_to(user)
        .filter(year=year, quarter=quarter)
        .aggregate(total=Count("pk"), done=Count("pk", filter=Q(inspection__status=InspectionStatus.SUBMITTED)))
    )
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
    return _Figures(
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
        clocks=stats.clock_figures(base, _dynamic_from()),
        accidents=stats.accident_periods(accidents_visible_to(user), accident_periods(today)),
        names=_names(scope, ids),
    )


# -- where the plan stands -------------------------------------------------------------------------------------------


def _dynamic_from() -> dt.date:
    return phases.GOALS[phases.DYNAMIC_ZERO].in_force_from or phases.PHASES[0].start


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _by_deadline(goal: phases.Goal, met_on: dt.date | None) -> str:
    """Met on time when met by the goal's deadline (or with nothing to do at all), else met late."""
    if met_on is None or goal.deadline is None or met_on <= goal.deadline:
        return MET
    return MET_LATE


def _goal_stock(f: _Figures) -> GoalView:
    """存量清零 by the end of 2024: met on the day the last stock major hazard stopped being open (accepted);
    after 2024-12-31 (local) that is met late, not achieved."""
    goal = phases.GOALS[phases.STOCK_ZERO]
    remaining = _sum(f.breakdown, "stock", _major)
    url = hazards_url(("stock", "stock"), ("level", Level.MAJOR), OPEN)
    figure = Figure("stock_open_major", _("stock major hazards still open"), remaining, url)
    if remaining:
        status = IN_PROGRESS if goal.deadline and f.today <= goal.deadline else NOT_MET
        return GoalView(goal, status, [figure])
    met_on = _local_day(f.clocks["stock_done_at"])
    return GoalView(goal, _by_deadline(goal, met_on), [figure], met_on=met_on)


def _goal_increment(f: _Figures) -> GoalView:
    """压减增量: fewer new major hazards in 2025 than in 2024 — judged when 2025 is over, so met on 31 December 2025
    or not at all."""
    goal = phases.GOALS[phases.INCREMENT_DOWN]
    figures = [
        Figure(
            f"new_major_{year}",
            _("new major hazards found in %(year)d") % {"year": year},
            n,
            hazards_url(("level", Level.MAJOR), *_year(year), NOT_DISMISSED),
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


def _goal_dynamic_zero(f: _Figures) -> GoalView:
    """动态清零 from 2026: no major hazard open past its deadline and no report left unconfirmed past the time limit
    (an unregistered report may be a major hazard nobody has judged — issue 9.5). Met on time when it has held since
    it came into force; met late when a major hazard was rectified after its deadline since then (met again from the
    day the last of them was accepted)."""
    goal = phases.GOALS[phases.DYNAMIC_ZERO]
    overdue_major = _sum(f.breakdown, "overdue", _major)
    unconfirmed = f.clocks["confirmation_overdue"]
    figures = [
        Figure(
            "overdue_major",
            _("major hazards open past their deadline"),
            overdue_major,
            hazards_url(("overdue", "true"), ("level", Level.MAJOR)),
        ),
        Figure(
            "goal_confirmation_overdue",
            _("reports overdue for confirmation"),
            unconfirmed,
            hazards_url(("confirmation_overdue", "true")),
        ),
    ]
    in_force = _dynamic_from()
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


def _goal_double_decline(f: _Figures) -> GoalView:
    """双下降 (issue 9.9): this year so far against the same period of last year (同比), counting only 生产安全事故;
    the note judges last year, complete, against the year before."""
    goal = phases.GOALS[phases.DOUBLE_DECLINE]
    periods = accident_periods(f.today)
    figures = []
    for name in ("this", "same_last"):
        start, end = periods[name]
        data, period = f.accidents[name], _period_label(start, end)
        url = _url(
            "dashboard:accidents",
            ("occurred_from", start.isoformat()),
            ("occurred_to", end.isoformat()),
            ("counted", "yes"),
        )
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


def _goals(f: _Figures) -> list[GoalView]:
    return [_goal_stock(f), _goal_increment(f), _goal_dynamic_zero(f), _goal_double_decline(f)]


# -- tiles -----------------------------------------------------------------------------------------------------------


def _listing_tile(f: _Figures) -> Tile:
    labels = {"township": _("township"), "county": _("county"), "city": _("city"), "province": _("province")}
    parts = [
        Figure(
            "listed_county_plus",
            _("county level and above"),
            sum(f.listings[level] for level in stats.COUNTY_PLUS),
            hazards_url(("listed", "true"), ("listing_level", "county_plus")),
        )
    ]
    for level, label in labels.items():
        url = hazards_url(("listed", "true"), ("listing_level", level))
        parts.append(Figure(f"listed_{level}", label, f.listings[level], url))
    main = Figure("listed", _("listed"), sum(f.listings.values()), hazards_url(("listed", "true")))
    return Tile("listed", _("Listed for supervision (挂牌督办)"), main, parts)


def _rate_tiles(f: _Figures) -> list[Tile]:
    """整改率 and 按期整改率 of the hazards found this year (SPEC S2), with the counts they divide and, beside each, its
    definition (issue 9.5)."""
    year = f.today.year
    found, rectified = f.this_year("found"), f.this_year("rectified")
    on_time = f.this_year("rectified_on_time")
    rectified_url = hazards_url(*_year(year), ("status", "verified"), ("status", "closed"))
    rectification = Tile(
        "rectification_rate",
        _("整改率, found in %(year)d") % {"year": year},
        Figure("rectification_rate", _("rectified ÷ found"), stats.rate(rectified, found), ""),
        [
            Figure("rectified_year", _("rectified (verified or closed)"), rectified, rectified_url),
            Figure("found_year", _("found"), found, hazards_url(*_year(year), NOT_DISMISSED)),
        ],
        note=stats.RECTIFICATION_RATE_DEFINITION,
    )
    on_time_tile = Tile(
        "on_time_rate",
        _("按期整改率, found in %(year)d") % {"year": year},
        Figure("on_time_rate", _("rectified by the deadline ÷ rectified"), stats.rate(on_time, rectified), ""),
        [
            Figure(
                "rectified_on_time_year",
                _("rectified by the deadline"),
                on_time,
                hazards_url(*_year(year), ("on_time", "true")),
            ),
            Figure("rectified_of_found_year", _("rectified"), rectified, rectified_url),
        ],
        note=stats.ON_TIME_RATE_DEFINITION,
    )
    return [rectification, on_time_tile]


def _attention_tiles(f: _Figures) -> list[Tile]:
    """Clocks that could flatter the figures (issue 9.5): reports nobody confirmed in time, and extended deadlines."""
    a = f.clocks
    extended_url = hazards_url(("extended", "true"))
    unconfirmed = Tile(
        "confirmation_overdue",
        _("Reports overdue for confirmation"),
        Figure(
            "confirmation_overdue",
            _("reports"),
            a["confirmation_overdue"],
            hazards_url(("confirmation_overdue", "true")),
        ),
    )
    extended = Tile(
        "extended",
        _("Deadlines extended"),
        Figure("extended", _("hazards"), a["extended"], extended_url),
        [
            Figure(
                "extended_major",
                _("of which major"),
                a["extended_major"],
                hazards_url(("extended", "true"), ("level", Level.MAJOR)),
            ),
            Figure("extension_count", _("extensions"), a["extensions_granted"], extended_url),
            Figure("extension_days", _("days added"), a["days_added"], extended_url),
        ],
    )
    return [unconfirmed, extended]


def _hazard_tiles(f: _Figures) -> list[Tile]:
    rows, year = f.breakdown, f.today.year
    major_url = hazards_url(("level", Level.MAJOR), OPEN)
    general_url = hazards_url(("level", Level.GENERAL), OPEN)
    general = _sum(rows, "open", lambda r: r["level"] == Level.GENERAL)
    overdue_major = Figure(
        "overdue_major",
        _("of which major"),
        _sum(rows, "overdue", _major),
        hazards_url(("overdue", "true"), ("level", Level.MAJOR)),
    )
    start, end = dates.year_bounds(year)
    closed_url = hazards_url(("closed_from", start.isoformat()), ("closed_to", end.isoformat()))
    closed = sum(n for m, n in f.closed_months.items() if m.year == year)
    return [
        Tile(
            "open_major",
            _("Open major hazards"),
            Figure("open_major", _("open"), _sum(rows, "open", _major), major_url),
        ),
        Tile("open_general", _("Open general hazards"), Figure("open_general", _("open"), general, general_url)),
        Tile(
            "overdue",
            _("Overdue"),
            Figure("overdue", _("overdue"), _sum(rows, "overdue"), hazards_url(("overdue", "true"))),
            [overdue_major],
        ),
        *_attention_tiles(f),
        _listing_tile(f),
        Tile(
            "closed_year",
            _("Closed (销号) in %(year)d") % {"year": year},
            Figure("closed_year", _("closed"), closed, closed_url),
        ),
        *_rate_tiles(f),
    ]


def _work_tiles(f: _Figures) -> list[Tile]:
    year, quarter = dates.quarter_of(f.today)
    board = _url("inspections:quarter_board", ("year", year), ("quarter", quarter))
    visits = Tile(
        "visits",
        _("Supervision visits, %(quarter)s") % {"quarter": dates.quarter_label(year, quarter)},
        Figure("visits_done", _("done"), f.visits["done"], board),
        [Figure("visits_planned", _("planned"), f.visits["total"], board)],
    )
    problems_url = _url("inspections:problems", ("state", WorkProblem.State.OPEN))
    problems = Tile(
        "problems",
        _("Handed-over problems awaiting a reply"),
        Figure("problems_open", _("open"), f.problems["open"], problems_url),
        [
            Figure(
                "problems_overdue",
                _("past their deadline"),
                f.problems["overdue"],
                _url("inspections:problems", ("state", WorkProblem.State.OPEN), ("overdue", "on")),
            )
        ],
    )
    self_url = _url("inspections:self_inspections", ("state", plans.OVERDUE))
    self_tile = Tile(
        "self_overdue",
        _("Enterprise self-inspections overdue"),
        Figure("self_overdue", _("enterprises"), f.self_overdue, self_url),
    )
    return [visits, problems, self_tile]


# -- charts and slow progress ------------------------------------------------------------------------------------------


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def _bar_chart(key: str, title: str | Promise, f: _Figures, column: str, names: dict[int, str], param: str) -> Chart:
    """Open hazards per village / sector / lead unit, largest first; each bar opens its filtered list. (Hazards
    without a recorded lead unit have no bar in the lead-unit chart: the list cannot select "none".)"""
    counts = [(pk, _sum(rows, "open")) for pk, rows in _grouped(f.breakdown, column).items() if pk is not None]
    counts.sort(key=lambda c: (-c[1], names.get(c[0], "")))
    categories = [names.get(pk, f"#{pk}") for pk, _n in counts]
    data = [{"value": n, "url": hazards_url((param, pk), OPEN), "pk": pk} for pk, n in counts]
    return Chart(key, title, "bar", categories, [{"name": str(_("open hazards")), "data": data}])


def _channel_chart(f: _Figures) -> Chart:
    groups = _grouped(f.breakdown, "channel")
    data = [
        {"value": _sum(groups.get(value, []), "open"), "url": hazards_url(("channel", value), OPEN), "pk": value}
        for value, _label in Channel.choices
    ]
    categories = [str(label) for _value, label in Channel.choices]
    return Chart(
        "channel",
        _("Open hazards by source channel"),
        "bar",
        categories,
        [{"name": str(_("open hazards")), "data": data}],
    )


def _trend_chart(f: _Figures) -> Chart:
    found, closed = [], []
    categories = []
    for first in dates.month_starts(f.today, stats.TREND_MONTHS):
        last = dates.month_end(first)
        categories.append(_("%(year)d/%(month)d") % {"year": first.year, "month": first.month})
        month = [("found_from", first.isoformat()), ("found_to", last.isoformat())]
        found.append(
            {"value": f.found_months.get(first, {}).get("found", 0), "url": hazards_url(*month, NOT_DISMISSED)}
        )
        closed_url = hazards_url(("closed_from", first.isoformat()), ("closed_to", last.isoformat()))
        closed.append({"value": f.closed_months.get(first, 0), "url": closed_url})
    series = [{"name": str(_("found")), "data": found}, {"name": str(_("closed (销号)")), "data": closed}]
    return Chart("trend", _("Found and closed per month (last 12 months)"), "trend", categories, series)


def _charts(f: _Figures) -> list[Chart]:
    n = f.names
    return [
        _bar_chart("village", _("Open hazards by village"), f, "village_id", n.villages, "village"),
        _bar_chart("lead_unit", _("Open hazards by lead unit"), f, "lead_unit_id", n.units, "lead_unit"),
        _bar_chart("sector", _("Open hazards by sector"), f, "sector_id", n.sectors, "sector"),
        _channel_chart(f),
        _trend_chart(f),
    ]  # fmt: skip


def _slow(f: _Figures, column: str, names: dict[int, str], param: str) -> list[SlowRow]:
    """§18 slow progress: ranked by overdue major hazards, then by the age of the oldest open major hazard."""
    result = []
    for pk, rows in _grouped([r for r in f.breakdown if _major(r)], column).items():
        if pk is None:
            continue
        oldest = min(r["oldest_found"] for r in rows)
        overdue_url = hazards_url((param, pk), ("level", Level.MAJOR), ("overdue", "true"))
        open_url = hazards_url((param, pk), ("level", Level.MAJOR), OPEN, ("sort", "found"))
        result.append(
            SlowRow(
                pk=pk,
                name=names.get(pk, f"#{pk}"),
                overdue_major=Figure("overdue_major", _("overdue major hazards"), _sum(rows, "overdue"), overdue_url),
                open_major=Figure("open_major", _("open major hazards"), _sum(rows, "open"), open_url),
                oldest_found=oldest,
                age_days=(f.today - oldest).days,
            )
        )
    result.sort(key=lambda r: (-int(r.overdue_major.value or 0), -(r.age_days or 0), r.name))
    return result[:SLOW_ROWS]


def _scope_label(scope: Scope, names: _Names) -> str:
    if scope.all_townships:
        return _("the whole township")
    parts = [names.villages.get(pk, "") for pk in sorted(scope.village_ids)]
    parts += [names.units.get(pk, "") for pk in sorted(scope.unit_ids)]
    return "、".join(p for p in parts if p)


def dashboard_for(user: Any, today: dt.date | None = None) -> Dashboard:
    today = today or local_today()
    f = _fetch(user, today)
    scope = get_scope(user)
    return Dashboard(
        today=today,
        scope_label=_scope_label(scope, f.names),
        phase=phases.current_phase(today),
        phases=phases.PHASES,
        goals=_goals(f),
        tiles=[*_hazard_tiles(f), *_work_tiles(f)],
        charts=_charts(f),
        slow_villages=_slow(f, "village_id", f.names.villages, "village"),
        slow_units=_slow(f, "lead_unit_id", f.names.units, "lead_unit"),
    )
