"""The county dashboard (issue 12): the townships of the county side by side, one row each, and the county total.

Every figure is the township dashboard's — the definitions of dashboard.stats and the list filters of
figures.hazard_filters — grouped by township in the database, so the page costs the same handful of queries however
many townships the county has. Each number links to its list narrowed to its township (?township=); the total row's
to the list of the whole county. The total is the sum of the township rows; its rates are recomputed from the summed
counts, never averaged.

A county department reads the hazards (and accidents) of its sectors only, so its figures are those of its sectors;
the supervision visits of the townships are not its to read, so it gets no visit columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core import dates
from core.dates import local_today
from dashboard import stats
from dashboard.access import accidents_visible_to, county_townships, user_counties
from hazards.access import hazards_visible_to
from hazards.models import Hazard, Level
from inspections.access import visits_visible_to
from units.access import Scope, get_scope

from .figures import Figure, accidents_url, hazard_filters, hazards_url, quarter_board_url, visit_aggregates

# The counts of a township row (the rates are computed from them).
HAZARD_COUNTS = (
    "found_year",
    "rectified_year",
    "rectified_on_time_year",
    "open",
    "open_major",
    "overdue",
    "overdue_major",
    "stock_open_major",
    "confirmation_overdue",
    "listed",
    "listed_county_plus",
)
VISIT_COUNTS = ("visits_done", "visits_planned")
ACCIDENT_COUNTS = ("accidents", "deaths")
# Each rate and the counts it divides (SPEC S2): rectified ÷ found, rectified by the deadline ÷ rectified.
RATES = {
    "rectification_rate": ("rectified_year", "found_year"),
    "on_time_rate": ("rectified_on_time_year", "rectified_year"),
}
TownshipParam = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class CountyColumn:
    key: str
    label: str | Promise
    group: str  # the heading over a run of columns
    is_rate: bool = False


@dataclass(frozen=True)
class CountyCell:
    column: CountyColumn
    figure: Figure


@dataclass
class CountyRow:
    township_id: int | None  # None for the county total
    name: str
    cells: list[CountyCell]

    @property
    def is_total(self) -> bool:
        return self.township_id is None

    def figure(self, key: str) -> Figure:
        return next(cell.figure for cell in self.cells if cell.column.key == key)


@dataclass
class CountyBoard:
    today: dt.date
    county_label: str
    columns: list[CountyColumn]
    rows: list[CountyRow]
    total: CountyRow

    @property
    def groups(self) -> list[tuple[str, int]]:
        """The column headings over the figures: each group and how many columns it spans."""
        spans: list[tuple[str, int]] = []
        for column in self.columns:
            if spans and spans[-1][0] == column.group:
                spans[-1] = (column.group, spans[-1][1] + 1)
            else:
                spans.append((column.group, 1))
        return spans


def _columns(today: dt.date, reads_visits: bool) -> list[CountyColumn]:
    year, quarter = dates.quarter_of(today)
    found = _("Found in %(year)d") % {"year": year}
    open_now = _("Open today")
    listed = _("Listed for supervision (挂牌督办)")
    columns = [
        CountyColumn("found_year", _("found"), found),
        CountyColumn("rectified_year", _("rectified"), found),
        CountyColumn("rectification_rate", _("rectification rate"), found, is_rate=True),
        CountyColumn("rectified_on_time_year", _("rectified by the deadline"), found),
        CountyColumn("on_time_rate", _("on-time rate"), found, is_rate=True),
        CountyColumn("open", _("open"), open_now),
        CountyColumn("open_major", _("open major"), open_now),
        CountyColumn("overdue", _("overdue"), open_now),
        CountyColumn("overdue_major", _("overdue major"), open_now),
        CountyColumn("stock_open_major", _("stock major hazards still open"), open_now),
        CountyColumn("confirmation_overdue", _("reports overdue for confirmation"), open_now),
        CountyColumn("listed", _("listed"), listed),
        CountyColumn("listed_county_plus", _("county level and above"), listed),
    ]
    if reads_visits:
        visits = _("Supervision visits, %(quarter)s") % {"quarter": dates.quarter_label(year, quarter)}
        columns += [
            CountyColumn("visits_done", _("done"), visits),
            CountyColumn("visits_planned", _("planned"), visits),
        ]
    accidents = _("Accidents %(year)d to date") % {"year": year}
    columns += [
        CountyColumn("accidents", _("accidents"), accidents),
        CountyColumn("deaths", _("deaths"), accidents),
    ]
    return columns


# -- the counts, grouped by township -----------------------------------------------------------------------------


def _hazard_counts(base: QuerySet[Hazard], today: dt.date, counts: dict[int, dict[str, int]]) -> None:
    """Four grouped queries over the hazards (and the township table, for the confirmation time limits)."""
    for row in stats.open_breakdown(base, today, fields=("township_id", "level")):
        c = counts[row["township_id"]]
        c["open"] += row["open"]
        c["overdue"] += row["overdue"]
        if row["level"] == Level.MAJOR:
            c["open_major"] += row["open"]
            c["overdue_major"] += row["overdue"]
            c["stock_open_major"] += row["stock"]
    start, end = dates.year_bounds(today.year)
    for pk, found in stats.found_by(base, "township_id", start, end, today).items():
        counts[pk]["found_year"] = found["found"]
        counts[pk]["rectified_year"] = found["rectified"]
        counts[pk]["rectified_on_time_year"] = found["rectified_on_time"]
    for pk, levels in stats.active_listings_by_level_per(base, "township_id").items():
        counts[pk]["listed"] = sum(levels.values())
        counts[pk]["listed_county_plus"] = sum(levels[level] for level in stats.COUNTY_PLUS)
    for pk, n in stats.confirmation_overdue_by(base, "township_id").items():
        counts[pk]["confirmation_overdue"] = n


def _visit_counts(user: Any, town_ids: list[int], today: dt.date, counts: dict[int, dict[str, int]]) -> None:
    """The supervision visits of the quarter, planned and done."""
    year, quarter = dates.quarter_of(today)
    visits = visits_visible_to(user).filter(township_id__in=town_ids, year=year, quarter=quarter).order_by()
    for row in visits.values("township_id").annotate(**visit_aggregates()):
        counts[row["township_id"]].update(visits_done=row["done"], visits_planned=row["total"])


def _accident_counts(user: Any, town_ids: list[int], today: dt.date, counts: dict[int, dict[str, int]]) -> None:
    """This year's accidents and deaths so far, only 生产安全事故 (as the 双下降 goal counts them)."""
    accidents = accidents_visible_to(user).filter(township_id__in=town_ids)
    this_year = {"this": stats.year_to_date(today)[0]}
    for pk, periods in stats.accident_periods_by(accidents, this_year, "township_id").items():
        counts[pk].update(periods["this"])


# -- the rows --------------------------------------------------------------------------------------------------


def _url(key: str, township: TownshipParam, today: dt.date) -> str:
    """The list behind a count, narrowed to the township (the county total: not narrowed)."""
    if key in VISIT_COUNTS:
        return quarter_board_url(today, *township)
    if key in ACCIDENT_COUNTS:
        start, end = stats.year_to_date(today)[0]
        return accidents_url(start, end, *township)
    return hazards_url(*hazard_filters(today.year)[key], *township)


def _row(
    township_id: int | None, name: str, values: dict[str, int], columns: list[CountyColumn], today: dt.date
) -> CountyRow:
    township: TownshipParam = (("township", township_id),) if township_id is not None else ()
    cells = []
    for column in columns:
        if column.key in RATES:
            part, whole = RATES[column.key]
            figure = Figure(column.key, column.label, stats.rate(values[part], values[whole]), "")
        else:
            figure = Figure(column.key, column.label, values[column.key], _url(column.key, township, today))
        cells.append(CountyCell(column, figure))
    return CountyRow(township_id, name, cells)


def _county_label(scope: Scope) -> str:
    return "、".join(user_counties(scope).values_list("name", flat=True))


def county_board_for(user: Any, today: dt.date | None = None) -> CountyBoard:
    """The county page of a county user: their county's townships (every one, however many) side by side."""
    today = today or local_today()
    scope = get_scope(user)
    towns = list(county_townships(scope).values_list("pk", "name"))
    town_ids = [pk for pk, _name in towns]
    # The visits are the townships' own work: read by the county bureau (all of each township), not by a department.
    reads_visits = all(scope.sees_all_of(pk) for pk in town_ids)
    keys = (*HAZARD_COUNTS, *VISIT_COUNTS, *ACCIDENT_COUNTS)
    counts = {pk: dict.fromkeys(keys, 0) for pk in town_ids}
    _hazard_counts(hazards_visible_to(user).filter(township_id__in=town_ids), today, counts)
    if reads_visits:
        _visit_counts(user, town_ids, today, counts)
    _accident_counts(user, town_ids, today, counts)
    columns = _columns(today, reads_visits)
    total = {key: sum(c[key] for c in counts.values()) for key in keys}
    return CountyBoard(
        today=today,
        county_label=_county_label(scope),
        columns=columns,
        rows=[_row(pk, name, counts[pk], columns, today) for pk, name in towns],
        total=_row(None, _("County total"), total, columns, today),
    )
