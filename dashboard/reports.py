"""The county's report forms (SPEC S8, issue 6 "Reports"): the statistics tables by village or sector for a date
range — their figures (all from dashboard.stats) and their Excel sheets — the units inspected that the monthly report
(dashboard.monthly) counts, the 填报单位 of the county's forms and the accident register.

Every function takes querysets the caller has already scoped (hazards_visible_to, inspections_visible_to) and
narrows them to its township (or the county's townships), so a village officer's report counts only its villages and
a county department's only its sectors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeAlias

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat

from core.dates import local_today
from core.spreadsheets import Column, ReportWriter, filler_line, yes_no
from hazards.models import Hazard
from inspections.models import Inspection
from inspections.models.inspection import Kind as InspectionKind
from inspections.models.inspection import Status as InspectionStatus
from units.models import Assignment, County, Role, Township, User
from units.offices import filler_unit_name

from .models import Accident, AccidentKind, AccidentLevel
from .stats import ON_TIME_RATE_NOTE_XLSX, RECTIFICATION_RATE_NOTE_XLSX, figures

RATE_FORMAT = "0.0"
NO_RATE = "—"


def rate_cell(value: Decimal | None) -> float | str:
    return NO_RATE if value is None else float(value)


def _figure(key: str, header: str, width: int = 10) -> Column:
    """A column of figures; a rate (its key ends in "rate") is shown to one decimal, or as — where nothing counts."""
    if key.endswith("rate"):
        return Column(key, header, width=width, format=rate_cell, number_format=RATE_FORMAT)
    return Column(key, header, width=width)


@dataclass
class ReportRow:
    key: Any  # the sector's or village's id; None for the total row
    label: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReportTable:
    township: Township
    title: str
    first_header: str
    start: dt.date
    end: dt.date
    rows: list[ReportRow]
    total: ReportRow


@dataclass
class CountyReportTable:
    """The county's consolidated form: one row per township, the county total last."""

    counties: list[County]
    title: str
    first_header: str
    start: dt.date
    end: dt.date
    rows: list[ReportRow]
    total: ReportRow


AnyTable: TypeAlias = ReportTable | CountyReportTable


def ordered_rows(
    groups: Sequence[tuple[Any, str]], found: Iterable[Any], names: dict[Any, str]
) -> list[tuple[Any, str]]:
    """The form's fixed rows (every group in the caller's list, zeros included), then any other group with data."""
    listed = {key for key, _label in groups}
    extra = [(key, names.get(key) or "—") for key in found if key not in listed]
    return [*groups, *sorted(extra, key=lambda kv: (kv[0] is None, kv[1]))]


def _total(total: dict[str, Any], groups: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The ungrouped figures, with the listed counts summed from the group rows: every hazard lies in exactly one
    village and one sector, and stats.figures(group_by=None) counts listings per listing row rather than in total
    (it groups by no field, which Django's values() reads as every field) — reported to the lead."""
    groups = list(groups)
    total = dict(total)
    total["listed"] = sum(g["listed"] for g in groups)
    total["listed_county_plus"] = sum(g["listed_county_plus"] for g in groups)
    return total


# -- units inspected ---------------------------------------------------------------------------------------------

# "Units inspected" (检查单位数) = distinct enterprises and places inspected (生产经营单位/场所): submitted inspections
# with done_on in the period, counted once each however often they were visited. An inspection's target is its
# enterprise, else its place at risk, else its free-text place in a village; enterprises' own self-inspections
# (企业自查) and supervision of a village's or unit's work (no place) are not inspections of a unit. By sector: the
# inspection's sector, else the enterprise's primary sector. The total counts each unit once, so it can be less than
# the sum of the sector rows when one unit was inspected for two sectors.
_TARGET = Case(
    When(enterprise__isnull=False, then=Concat(Value("e"), Cast("enterprise_id", CharField()))),
    When(place__isnull=False, then=Concat(Value("p"), Cast("place_id", CharField()))),
    When(~Q(place_text=""), then=Concat(Value("v"), Cast("village_id", CharField()), Value(":"), "place_text")),
    default=None,
    output_field=CharField(),
)


def _inspected(inspections: QuerySet[Inspection], start: dt.date, end: dt.date) -> QuerySet[Inspection]:
    """The inspections of units done in the period, each annotated with the unit (target) it inspected."""
    return (
        inspections.filter(status=InspectionStatus.SUBMITTED, done_on__gte=start, done_on__lte=end)
        .exclude(kind=InspectionKind.SELF)
        .order_by()
        .annotate(target=_TARGET)
    )


def units_inspected(
    inspections: QuerySet[Inspection], start: dt.date, end: dt.date
) -> tuple[dict[int | None, int], int]:
    done = _inspected(inspections, start, end)
    by_sector = done.annotate(sector_key=Coalesce("sector_id", "enterprise__primary_sector_id")).values("sector_key")
    per_sector = {r["sector_key"]: r["n"] for r in by_sector.annotate(n=Count("target", distinct=True))}
    total = done.aggregate(n=Count("target", distinct=True))["n"] or 0
    return per_sector, total


def units_inspected_per_township(inspections: QuerySet[Inspection], start: dt.date, end: dt.date) -> dict[int, int]:
    """Units inspected per township: each township's total, as its own monthly report counts it."""
    rows = _inspected(inspections, start, end).values("township_id").annotate(n=Count("target", distinct=True))
    return {row["township_id"]: row["n"] for row in rows}


# -- the county's forms (issue 12) ------------------------------------------------------------------------------


def county_filler_unit(user: User, counties: Sequence[County]) -> str:
    """填报单位 of the county's form: the county department the user works for, else the county's emergency bureau
    (县应急管理局), named with its county as the bureau's own forms are (a data format, so literal Chinese)."""
    assignments = Assignment.objects.filter(
        user=user, is_active=True, role__in=(Role.COUNTY, Role.COUNTY_DEPARTMENT)
    ).select_related("county", "county_department__county")
    names = []
    for assignment in assignments.order_by("role", "pk"):
        if assignment.county_department is not None:
            names.append(_county_unit_name(assignment.county_department.county, assignment.county_department.name))
        elif assignment.county is not None:
            names.append(_county_unit_name(assignment.county, "应急管理局"))
    return "、".join(dict.fromkeys(names)) or "、".join(_county_unit_name(c, "应急管理局") for c in counties)


def _county_unit_name(county: County, unit: str) -> str:
    """A county unit as the province reads it, county first: 县住建局 → 某某县住建局, 应急管理局 → 某某县应急管理局."""
    if unit.startswith(county.name):
        return unit
    return county.name + unit.removeprefix(county.name[-1])


# -- the statistics tables by village or sector ------------------------------------------------------------------

STATISTICS_COLUMNS: tuple[Column, ...] = (
    _figure("found", "发现隐患（项）"),
    _figure("found_major", "其中重大隐患（项）"),
    _figure("rectified", "已整改（项）"),
    _figure("rectification_rate", "整改率（%）"),
    _figure("closed", "已销号（项）"),
    _figure("rectified_on_time", "按期整改（项）"),
    _figure("on_time_rate", "按期整改率（%）"),
    _figure("open", "未整改（项）"),
    _figure("open_major", "其中重大隐患（项）"),
    _figure("overdue", "逾期未整改（项）"),
    _figure("overdue_major", "其中重大隐患（项）"),
    _figure("stock_open_major", "存量重大隐患未整改（项）", 12),
    _figure("listed", "挂牌督办（项）"),
    _figure("listed_county_plus", "其中县级及以上（项）"),
    _figure("funds_spent", "整改投入资金（元）", 14),
)
STATISTICS_KEYS = [column.key for column in STATISTICS_COLUMNS]
BY_HEADERS = {"village": "村（社区）", "sector": "行业领域"}
BY_TITLES = {"village": "按村", "sector": "按行业领域"}


def statistics_table(
    *,
    township: Township,
    hazards: QuerySet[Hazard],
    start: dt.date,
    end: dt.date,
    by: str,
    groups: Sequence[tuple[int, str]],
) -> ReportTable:
    """The hazards found from `start` to `end` (inclusive), per village or sector, with their figures today."""
    found = hazards.filter(township=township, found_on__gte=start, found_on__lte=end)
    per_group = {r[f"{by}_id"]: r for r in figures(found, group_by=by)}
    names = {key: r[f"{by}__name"] for key, r in per_group.items()}
    empty = dict.fromkeys(STATISTICS_KEYS, 0) | {"rectification_rate": None, "on_time_rate": None}
    rows = [
        ReportRow(key, label, {k: per_group.get(key, empty)[k] for k in STATISTICS_KEYS})
        for key, label in ordered_rows(groups, per_group, names)
    ]
    total_figures = _total(figures(found)[0], per_group.values())
    total = ReportRow(None, "合计", {k: total_figures[k] for k in STATISTICS_KEYS})
    period = f"{start.year}年{start.month}月{start.day}日—{end.year}年{end.month}月{end.day}日"
    title = f"{township.name}事故隐患排查治理统计表（{BY_TITLES[by]}，{period}）"
    return ReportTable(township, title, BY_HEADERS[by], start, end, rows, total)


# -- Excel -------------------------------------------------------------------------------------------------------


def table_workbook(table: ReportTable, columns: Sequence[Column], *, filler: User, notes: Sequence[str] = ()) -> bytes:
    """The table as the county's sheet: title, 填报单位 (the filler's unit in the table's township) / 填报人 / 审核人 /
    填报日期, headers, rows, 合计."""
    line = filler_line(filler_unit_name(filler, table.township), filler.display_name, local_today())
    return _sheet(table, columns, line=line, notes=notes)


def _sheet(table: AnyTable, columns: Sequence[Column], *, line: str, notes: Sequence[str]) -> bytes:
    writer = ReportWriter(
        sheet_name="统计表",
        title=table.title,
        line=line,
        columns=[Column("number", "序号", width=6), Column("label", table.first_header, width=18), *columns],
        frozen_columns=2,
    )
    for number, row in enumerate(table.rows, start=1):
        writer.append({"number": number, "label": row.label, **row.values})
    writer.append_total({"number": "", "label": table.total.label, **table.total.values})
    # Each rate's definition goes with the figures (issue 9.5), on the sheet itself.
    if notes:
        writer.append_note("注：" + "".join(notes))
    return writer.to_bytes()


def statistics_workbook(table: ReportTable, *, filler: User) -> bytes:
    notes = [RECTIFICATION_RATE_NOTE_XLSX, ON_TIME_RATE_NOTE_XLSX]
    return table_workbook(table, STATISTICS_COLUMNS, filler=filler, notes=notes)


# -- the accident register ---------------------------------------------------------------------------------------

ACCIDENT_COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", width=6),
    Column("occurred_on", "事故发生日期", width=12),
    Column("place", "事故发生地点", width=28),
    Column("village", "所属村", width=10),
    Column("enterprise", "事故单位（场所）", width=28),
    Column("credit_code", "统一社会信用代码", width=21),
    Column("kind", "事故类别", width=12),
    Column("deaths", "死亡人数", width=8),
    Column("injuries", "受伤人数", width=8),
    Column("serious_injuries", "其中重伤人数", width=8),
    Column("direct_loss", "直接经济损失（万元）", width=14),
    Column("level", "事故等级", width=12),
    Column("counts_as_work_safety", "是否生产安全事故", width=10),
    Column("source_document", "事故报告文号", width=24),
    Column("description", "事故简要情况", width=40),
)
# The county's words for the kinds (a data format, not interface text).
ACCIDENT_KIND_LABELS = {
    AccidentKind.FIRE: "火灾事故",
    AccidentKind.ROAD: "道路交通事故",
    AccidentKind.CONSTRUCTION: "建筑施工事故",
    AccidentKind.INDUSTRY: "工贸事故",
    AccidentKind.HAZCHEM: "危险化学品事故",
    AccidentKind.GAS: "燃气事故",
    AccidentKind.FIREWORKS: "烟花爆竹事故",
    AccidentKind.SPECIAL_EQUIPMENT: "特种设备事故",
    AccidentKind.AGRICULTURE: "农业机械事故",
    AccidentKind.DROWNING: "溺水事故",
    AccidentKind.OTHER: "其他事故",
}


# 第493号令 第三条's words (a data format).
ACCIDENT_LEVEL_LABELS = {
    AccidentLevel.GENERAL: "一般事故",
    AccidentLevel.LARGER: "较大事故",
    AccidentLevel.MAJOR: "重大事故",
    AccidentLevel.EXTRAORDINARY: "特别重大事故",
}


def _accident_row(number: int, accident: Accident) -> dict[str, Any]:
    enterprise = accident.enterprise
    return {
        "number": number,
        "occurred_on": accident.occurred_on,
        "place": accident.place,
        "village": accident.village.name if accident.village else "",
        "enterprise": enterprise.name if enterprise else "",
        "credit_code": (enterprise.credit_code or "") if enterprise else "",
        "kind": ACCIDENT_KIND_LABELS.get(AccidentKind(accident.kind), accident.kind),
        "deaths": accident.deaths,
        "injuries": accident.injuries,
        "serious_injuries": accident.serious_injuries,
        "direct_loss": accident.direct_loss,
        "level": ACCIDENT_LEVEL_LABELS.get(AccidentLevel(accident.level), accident.level),
        "counts_as_work_safety": yes_no(accident.counts_as_work_safety),
        "source_document": accident.source_document,
        "description": accident.description,
    }


def _accident_total(label: str, accidents: list[Accident]) -> dict[str, Any]:
    return {
        "number": label,
        "occurred_on": f"{len(accidents)}起",
        "deaths": sum(a.deaths for a in accidents),
        "injuries": sum(a.injuries for a in accidents),
        "serious_injuries": sum(a.serious_injuries for a in accidents),
        "direct_loss": sum((a.direct_loss for a in accidents), Decimal("0")),
    }


def accidents_workbook(accidents: Iterable[Accident], *, township: Township, filler: User) -> bytes:
    """The township's accident register in the county's format, with a 合计 row of accidents, deaths, injuries and
    loss, and a row of those counted as 生产安全事故 (the figures of 双下降 count only these)."""
    writer = ReportWriter(
        sheet_name="事故登记",
        title=f"{township.name}生产安全事故登记表",
        line=filler_line(filler_unit_name(filler, township), filler.display_name, local_today()),
        columns=ACCIDENT_COLUMNS,
    )
    rows = list(accidents)
    for number, accident in enumerate(rows, start=1):
        writer.append(_accident_row(number, accident))
    writer.append_total(_accident_total("合计", rows))
    writer.append_total(_accident_total("其中生产安全事故", [a for a in rows if a.counts_as_work_safety]))
    return writer.to_bytes()
