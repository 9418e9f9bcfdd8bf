"""The monthly report (月报) in the form of the national monthly statistics of hazard remediation (issue 13): rows by
sector (the township's report) or by township (the county's), each figure for this month (本月) and cumulative (累计)
side by side; the five 落实 as separate columns; listings by level (省、市、县) each with its rectified count; funds in
万元.

Definitions (shown on the page and under the sheet):

* 本月 — hazards found in the month (found_on within it); 累计 — found from 1 January of the report's year to the
  month's end. Both in their state today (a filed month keeps the state it had when filed: dashboard.filing).
  Dismissed reports are left out everywhere.
* units inspected — distinct enterprises and places inspected in the period (dashboard.reports.units_inspected).
* 整改率 = rectified (verified or closed) ÷ found, per level; a total's rate is recomputed from its summed counts.
* the five 落实, counted over the major hazards found, each with its item of the stored 五落实 recorded: 目标任务 ←
  measures (措施), 经费物资 ← funds (资金), 机构人员 ← responsible person (责任), 时间要求 ← deadline (时限),
  安全措施应急预案 ← contingency plan (预案) — as 五到位 was counted before.
* listings by level — hazards found in the period listed at that level (also when since delisted); rectified — of
  those, the ones verified or closed.
* funds — rectification funds actually spent (funds_spent) of the hazards found, in 万元 with 2 decimals.

Every function takes querysets the caller has already scoped (hazards_visible_to, inspections_visible_to).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from core.spreadsheets import Column
from hazards.models import RECTIFIED_STATUSES, Hazard, Level, Listing, Status
from inspections.models import Inspection
from readiness.filing_selectors import Reporters, should_did, year_should_did
from units.models import County, Sector, Township

from .reports import CountyReportTable, ReportRow, ReportTable, ordered_rows, rate_cell, units_inspected
from .reports import units_inspected_per_township as _inspected_per_township
from .snapshots import next_month
from .stats import q_found, q_rectified, rate

# The version of the form's columns; a filed month keeps the version it was filed in (FiledMonthlyReport).
# 3: 应报单位数 / 实报单位数 from the villages' and units' monthly reports (readiness, issue 16).
FORM_VERSION = 3
PERIODS = (("month", "本月"), ("year", "累计"))
RATE_FORMAT = "0.0"
WAN_FORMAT = "0.00"
WAN = Decimal("10000")
CENT = Decimal("0.01")
LISTING_LEVELS = (("province", "省级"), ("city", "市级"), ("county", "县级"))


@dataclass(frozen=True)
class Figure:
    key: str
    header: str  # the county's words (a data format, so literal Chinese)
    kind: str = "count"  # count, rate or money (万元)
    width: int = 10


FIGURES: tuple[Figure, ...] = (
    Figure("units_inspected", "检查单位数（家）"),
    Figure("found_general", "一般隐患发现数（项）"),
    Figure("rectified_general", "一般隐患已整改（项）"),
    Figure("general_rate", "一般隐患整改率（%）", "rate"),
    Figure("found_major", "重大隐患发现数（项）"),
    Figure("rectified_major", "重大隐患已整改（项）"),
    Figure("closed_major", "重大隐患已销号（项）"),
    Figure("major_rate", "重大隐患整改率（%）", "rate"),
    Figure("in_plan", "列入治理计划的重大隐患（项）", width=12),
    Figure("five_target", "落实目标任务的重大隐患（项）", width=12),
    Figure("five_funds", "落实经费物资的重大隐患（项）", width=12),
    Figure("five_staff", "落实机构人员的重大隐患（项）", width=12),
    Figure("five_time", "落实时间要求的重大隐患（项）", width=12),
    Figure("five_safety", "落实安全措施应急预案的重大隐患（项）", width=14),
    *(
        figure
        for level, name in LISTING_LEVELS
        for figure in (
            Figure(f"listed_{level}", f"{name}挂牌督办（项）"),
            Figure(f"rectified_{level}", f"{name}挂牌已整改（项）"),
        )
    ),
    Figure("funds", "整改投入资金（万元）", "money", 12),
    # The township's villages and units that must send their monthly report (零报告 included), and those that did:
    # a figure of the township, so the sector rows leave it empty and the total (a county's township row) holds it.
    Figure("should_report", "应报单位数（个）"),
    Figure("did_report", "实报单位数（个）"),
)
REPORTING = ("should_report", "did_report")
# Each rate and the counts it divides: recomputed for every total, never averaged.
RATES = {"general_rate": ("rectified_general", "found_general"), "major_rate": ("rectified_major", "found_major")}
# 五落实 as the county counts it, from the stored items (issue 13).
FIVE_ITEMS = {
    "five_target": ~Q(measures=""),
    "five_funds": Q(funds__isnull=False),
    "five_staff": ~Q(responsible_person=""),
    "five_time": Q(deadline__isnull=False),
    "five_safety": ~Q(contingency_plan=""),
}
NOTES_XLSX = (
    "本月：本月发现的隐患；累计：当年1月1日至本月末发现的隐患，均为统计时的状态；检查单位数为期间内检查的不同单位（场所）。",
    "整改率＝已整改（已验收或已销号）÷发现隐患，合计行按合计数重新计算。",
    "五落实按重大隐患统计：目标任务←整改措施，经费物资←整改资金，机构人员←整改责任人，时间要求←整改期限，"
    "安全措施应急预案←应急预案。",
    "挂牌督办：期间发现的隐患在该级挂牌督办的（含已摘牌），已整改为其中已验收或已销号的。资金单位为万元。",
    "应报单位数：按本镇设置应报送月报的村（社区）和单位；实报单位数：其中已报送该月月报（含零报告）的；累计为当年各月之和。",
)


def column_key(period: str, key: str) -> str:
    return f"{period}_{key}"


def figure_columns() -> list[dict[str, Any]]:
    """The form's columns, as stored with a filed report: key, header (the sheet's), group and period (the page's
    two header rows), kind and width."""
    return [
        {
            "key": column_key(period, figure.key),
            "header": f"{label}{figure.header}",
            "group": figure.header,
            "period": label,
            "kind": figure.kind,
            "width": figure.width,
        }
        for figure in FIGURES
        for period, label in PERIODS
    ]


def sheet_column(spec: dict[str, Any]) -> Column:
    """A stored column as the writer takes it: rates to one decimal (— where nothing counts), 万元 to two."""
    if spec["kind"] == "rate":
        return Column(spec["key"], spec["header"], width=spec["width"], format=rate_cell, number_format=RATE_FORMAT)
    if spec["kind"] == "money":
        return Column(spec["key"], spec["header"], width=spec["width"], number_format=WAN_FORMAT)
    return Column(spec["key"], spec["header"], width=spec["width"])


MONTHLY_COLUMNS: tuple[Column, ...] = tuple(sheet_column(spec) for spec in figure_columns())


def wan(yuan: Decimal | int | None) -> Decimal:
    return (Decimal(yuan or 0) / WAN).quantize(CENT)


# -- the figures -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    month_start: dt.date
    year_start: dt.date
    end: dt.date

    @classmethod
    def of(cls, month: dt.date) -> Period:
        start = month.replace(day=1)
        return cls(start, start.replace(month=1), next_month(start) - dt.timedelta(days=1))


def _aggregates(period: Period) -> dict[str, Any]:
    """Every count of the form for both periods, over a queryset already narrowed to the year so far."""
    major, general = Q(level=Level.MAJOR), Q(level=Level.GENERAL)
    plan = Q(status__in=[Status.RECTIFYING, Status.PENDING_ACCEPTANCE])
    per_figure = {
        "found_general": q_found() & general,
        "rectified_general": q_rectified() & general,
        "found_major": q_found() & major,
        "rectified_major": q_rectified() & major,
        "closed_major": Q(status=Status.CLOSED) & major,
        "in_plan": plan & major,
        **{key: q_found() & major & item for key, item in FIVE_ITEMS.items()},
    }
    aggregates: dict[str, Any] = {}
    for name, within in (("month", Q(found_on__gte=period.month_start)), ("year", Q())):
        for key, q in per_figure.items():
            aggregates[column_key(name, key)] = Count("pk", filter=q & within)
        aggregates[column_key(name, "funds")] = Sum("funds_spent", filter=q_found() & within)
    return aggregates


def _listing_aggregates(period: Period) -> dict[str, Any]:
    month = Q(hazard__found_on__gte=period.month_start)
    rectified = Q(hazard__status__in=RECTIFIED_STATUSES)
    aggregates: dict[str, Any] = {}
    for level, _name in LISTING_LEVELS:
        at = Q(level=level)
        for name, within in (("month", month), ("year", Q())):
            n = Count("hazard", filter=at & within, distinct=True)
            aggregates[column_key(name, f"listed_{level}")] = n
            aggregates[column_key(name, f"rectified_{level}")] = Count(
                "hazard", filter=at & within & rectified, distinct=True
            )
    return aggregates


def figures_by(hazards: QuerySet[Hazard], period: Period, field: str) -> dict[Any, dict[str, Any]]:
    """{value of `field` (sector_id, township_id): the form's hazard figures}, in two queries: the hazards found in
    the year so far, and their listings."""
    found = hazards.filter(q_found(period.year_start, period.end)).order_by()
    rows = {row[field]: row for row in found.values(field).annotate(**_aggregates(period))}
    listings = Listing.objects.filter(hazard__in=found.values("pk")).order_by().values(f"hazard__{field}")
    for row in listings.annotate(**_listing_aggregates(period)):
        rows.setdefault(row[f"hazard__{field}"], {}).update(row)
    return {key: _finished(row) for key, row in rows.items()}


def _finished(row: dict[str, Any]) -> dict[str, Any]:
    """Zeros where a group had no listing (or no hazard), funds in 万元, the rates computed."""
    values: dict[str, Any] = {}
    for column in figure_columns():
        key, kind = column["key"], column["kind"]
        if kind == "money":
            values[key] = wan(row.get(key))
        elif kind == "count":
            values[key] = row.get(key) or 0
    return with_rates(values)


def with_rates(values: dict[str, Any]) -> dict[str, Any]:
    for name, _label in PERIODS:
        for key, (part, whole) in RATES.items():
            values[column_key(name, key)] = rate(values[column_key(name, part)], values[column_key(name, whole)])
    return values


def empty_values() -> dict[str, Any]:
    return _finished({})


def summed(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The sum of rows' counts and funds, each rate computed from the summed counts."""
    rows = list(rows)
    total: dict[str, Any] = {}
    for column in figure_columns():
        if column["kind"] == "money":
            total[column["key"]] = sum((row[column["key"]] for row in rows), Decimal("0.00"))
        elif column["kind"] == "count":
            # A township's figure (应报/实报) is empty on a sector's row.
            total[column["key"]] = sum(row[column["key"]] or 0 for row in rows)
    return with_rates(total)


def reporting_values(township_id: int, month: dt.date) -> dict[str, int]:
    """应报单位数 / 实报单位数 of the township for the month (本月) and the year so far (累计), from the villages'
    and units' monthly reports (readiness.filing_selectors)."""
    start = month.replace(day=1)
    book = Reporters(township_id)  # who must report, loaded once for both periods
    values: dict[str, int] = {}
    for period, (should, did) in (
        ("month", should_did(township_id, start, book)),
        ("year", year_should_did(township_id, start, book)),
    ):
        values[column_key(period, "should_report")] = should
        values[column_key(period, "did_report")] = did
    return values


def _reporting_keys() -> list[str]:
    return [column_key(period, key) for period, _label in PERIODS for key in REPORTING]


def _inspected(inspections: QuerySet[Inspection], period: Period) -> dict[str, tuple[dict[Any, int], int]]:
    return {
        "month": units_inspected(inspections, period.month_start, period.end),
        "year": units_inspected(inspections, period.year_start, period.end),
    }


def monthly_report(
    *,
    township: Township,
    hazards: QuerySet[Hazard],
    inspections: QuerySet[Inspection],
    month: dt.date,
    sectors: Sequence[tuple[int, str]],
    reporting: dict[str, int] | None = None,
) -> ReportTable:
    """Rows by sector, then the total: the hazards found in the month and in the year so far (their state now), and
    the units inspected. Every hazard lies in exactly one sector, so the total's counts are the rows' sums; units
    inspected are counted once each in the total (one unit may be inspected for two sectors)."""
    period = Period.of(month)
    by_sector = figures_by(hazards.filter(township=township), period, "sector_id")
    inspected = _inspected(inspections.filter(township=township), period)
    keys = {*by_sector, *(k for per_sector, _total in inspected.values() for k in per_sector if k is not None)}
    names = dict(Sector.objects.filter(pk__in=keys).values_list("pk", "name"))
    rows = []
    for key, label in ordered_rows(sectors, keys, names):
        values = by_sector.get(key) or empty_values()
        for name, (per_sector, _total) in inspected.items():
            values[column_key(name, "units_inspected")] = per_sector.get(key, 0)
        values.update(dict.fromkeys(_reporting_keys()))
        rows.append(ReportRow(key, label, values))
    total_values = summed(row.values for row in rows)
    for name, (_per_sector, total) in inspected.items():
        total_values[column_key(name, "units_inspected")] = total
    # 应报/实报 are the township's (a reader who sees only some sectors gets them empty).
    total_values.update(reporting or dict.fromkeys(_reporting_keys()))
    start = period.month_start
    title = f"{township.name}安全生产事故隐患排查治理情况月报表（{start.year}年{start.month}月）"
    return ReportTable(township, title, "行业领域", start, period.end, rows, ReportRow(None, "合计", total_values))


def county_monthly_report(
    *,
    counties: Sequence[County],
    townships: Sequence[tuple[int, str]],
    hazards: QuerySet[Hazard],
    inspections: QuerySet[Inspection],
    month: dt.date,
    with_reporting: bool = True,
) -> CountyReportTable:
    """One row per township — the figures of the total row of that township's own monthly report, live, in a fixed
    number of queries however many townships — then the county total: their sum, its rates recomputed. The view
    puts a township's filed figures in its row where the month is filed (dashboard.filing.county_rows)."""
    period = Period.of(month)
    town_ids = [pk for pk, _name in townships]
    by_town = figures_by(hazards.filter(township_id__in=town_ids), period, "township_id")
    scoped = inspections.filter(township_id__in=town_ids)
    inspected = {
        "month": _inspected_per_township(scoped, period.month_start, period.end),
        "year": _inspected_per_township(scoped, period.year_start, period.end),
    }
    rows = []
    for pk, name in townships:
        values = by_town.get(pk) or empty_values()
        for period_name, per_town in inspected.items():
            values[column_key(period_name, "units_inspected")] = per_town.get(pk, 0)
        values.update(reporting_values(pk, month) if with_reporting else dict.fromkeys(_reporting_keys()))
        rows.append(ReportRow(pk, name, values))
    county_name = "、".join(county.name for county in counties)
    start = period.month_start
    title = f"{county_name}安全生产事故隐患排查治理情况月报表（{start.year}年{start.month}月）"
    total = ReportRow(None, "合计", summed(row.values for row in rows))
    return CountyReportTable(list(counties), title, "乡镇", start, period.end, rows, total)
