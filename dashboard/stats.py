"""The figures of the plan, defined once (SPEC S2 "Statistics", S5) and computed in the database.

Every figure is a conditional count over hazards in ONE aggregate query, optionally grouped (by village, sector,
lead unit, level, channel, month); the dashboard, the reports and the monthly snapshots all use these definitions:

* found — hazards found in the period (found_on within it), dismissed reports left out;
* rectified — of those, the ones verified or closed (整改率 = rectified ÷ found);
* rectified on time — rectified ones whose rectification was completed (completed_on: the day of the acceptance
  request that then passed) on or before the last approved deadline, extensions included (按期整改率 = rectified on
  time ÷ rectified). The office's closing date does not count against the village or unit (SPEC S2, issue 9.5);
  until December 2026 the rate was "closed by the deadline ÷ closed" (按销号日期), which the stored month-end
  snapshots of earlier months keep;
* closed — closed (销号) ones;
* open — reported, registered, rectifying or pending acceptance (today);
* overdue — registered, rectifying or pending acceptance with the deadline passed (today, Asia/Shanghai);
* stock — found before the township's stock cutoff (存量, Township.stock_cutoff: a figure over several townships
  counts each hazard by its own township's date); increment — found on or after it (增量);
* dynamic zeroing (动态清零) — major hazards overdue, and reports overdue for confirmation (an unregistered report
  may be a major hazard nobody has judged): the 2026 goal is that both are zero;
* overdue for confirmation — reports not registered or dismissed within the township's time limit
  (Township.confirmation_days, Hazard.objects.confirmation_overdue);
* extended — hazards whose deadline was extended at least once (extension_count), and the days added;
* listed — with an active listing (挂牌督办); county-level and above counted apart (by month: not given);
* in a rectification plan — rectifying or pending acceptance; five in place — all of 五到位 recorded;
* closed in a period (the dashboard's "closed this year" and trend) — closed, with the local (Asia/Shanghai) date of
  closed_at (销号) within the period;
* new (增量) major hazards of a year — major hazards found that year (dismissed left out).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import local_midnight, local_today, year_bounds
from hazards.models import (
    DEADLINE_STATUSES,
    OPEN_STATUSES,
    RECTIFIED_STATUSES,
    Hazard,
    Level,
    Listing,
    Status,
    stock_q,
)

# The definitions shown beside each rate (issue 9.5: "state each rate's definition next to its figure").
RECTIFICATION_RATE_DEFINITION = _("整改率 = rectified (verified or closed) ÷ found.")
ON_TIME_RATE_DEFINITION = _(
    "按期整改率 = rectified hazards whose rectification was completed (the acceptance request that then passed) "
    "on or before the last approved deadline, extensions included ÷ rectified hazards. "
    "The closing date (销号) does not count."
)
OLD_ON_TIME_RATE_DEFINITION = _("Computed with the old definition (按销号日期): closed by the deadline ÷ closed.")
# The same, for the county's Excel forms (a data format, so literal Chinese like their headers).
RECTIFICATION_RATE_NOTE_XLSX = "整改率＝已整改（已验收或已销号）÷发现隐患。"
ON_TIME_RATE_NOTE_XLSX = (
    "按期整改率＝在最后批准的整改期限（含延期）内完成整改（其后通过验收的申请验收日期）的隐患÷已整改隐患，"
    "不以销号日期计。"
)

GROUPS = {
    "township": ("township_id", "township__name"),
    "village": ("village_id", "village__name"),
    "sector": ("sector_id", "sector__name"),
    "lead_unit": ("lead_unit_id", "lead_unit__name"),
    "level": ("level",),
    "channel": ("channel",),
    "status": ("status",),
}


def q_found(start: dt.date | None = None, end: dt.date | None = None) -> Q:
    q = ~Q(status=Status.DISMISSED)
    if start:
        q &= Q(found_on__gte=start)
    if end:
        q &= Q(found_on__lte=end)
    return q


def q_rectified() -> Q:
    return Q(status__in=RECTIFIED_STATUSES)


def q_open() -> Q:
    return Q(status__in=OPEN_STATUSES)


def q_overdue(today: dt.date | None = None) -> Q:
    return Q(status__in=DEADLINE_STATUSES, deadline__lt=today or local_today())


def q_stock() -> Q:
    return stock_q()


def q_rectified_on_time() -> Q:
    """按期整改: rectified, and the acceptance request that then passed (completed_on) lay on or before the last
    approved deadline (after extensions). When the hazard was closed does not matter."""
    return Q(
        status__in=RECTIFIED_STATUSES,
        completed_on__isnull=False,
        deadline__isnull=False,
        completed_on__lte=F("deadline"),
    )


def q_extended() -> Q:
    return Q(extension_count__gt=0)


def q_five_in_place() -> Q:
    return (
        ~Q(measures="") & ~Q(responsible_person="") & Q(funds__isnull=False) & Q(deadline__isnull=False)
        & ~Q(contingency_plan="")
    )  # fmt: skip


def _listed_counts(qs: QuerySet[Hazard], fields: tuple[str, ...]) -> dict[tuple[Any, ...], tuple[int, int]]:
    """Active listings per group, counted from the (small) listing table rather than per hazard."""
    listings = Listing.objects.filter(delisted_on__isnull=True, hazard__in=qs.values("pk"))
    county_plus = Q(level__in=["county", "city", "province"])
    n = Count("hazard", distinct=True)
    n_up = Count("hazard", filter=county_plus, distinct=True)
    if not fields:
        total = listings.aggregate(n=n, n_up=n_up)
        return {(): (total["n"], total["n_up"])}
    keys = [f"hazard__{f}" for f in fields]
    rows = listings.values(*keys).annotate(n=n, n_up=n_up)
    return {tuple(r[k] for k in keys): (r["n"], r["n_up"]) for r in rows.order_by()}


def figure_aggregates(today: dt.date | None = None) -> dict[str, Any]:
    """The aggregate expressions, keyed by figure name; apply them to a queryset already narrowed to a period."""
    today = today or local_today()
    major, general = Q(level=Level.MAJOR), Q(level=Level.GENERAL)
    return {
        "found": Count("pk", filter=q_found()),
        "found_major": Count("pk", filter=q_found() & major),
        "found_general": Count("pk", filter=q_found() & general),
        "rectified": Count("pk", filter=q_rectified()),
        "rectified_major": Count("pk", filter=q_rectified() & major),
        "rectified_general": Count("pk", filter=q_rectified() & general),
        "closed": Count("pk", filter=Q(status=Status.CLOSED)),
        "closed_major": Count("pk", filter=Q(status=Status.CLOSED) & major),
        "rectified_on_time": Count("pk", filter=q_rectified_on_time()),
        "open": Count("pk", filter=q_open()),
        "open_major": Count("pk", filter=q_open() & major),
        "open_general": Count("pk", filter=q_open() & general),
        "overdue": Count("pk", filter=q_overdue(today)),
        "overdue_major": Count("pk", filter=q_overdue(today) & major),
        "stock_open_major": Count("pk", filter=q_stock() & q_open() & major),
        "in_plan": Count("pk", filter=Q(status__in=[Status.RECTIFYING, Status.PENDING_ACCEPTANCE])),
        "five_in_place": Count("pk", filter=q_five_in_place() & ~Q(status=Status.DISMISSED)),
        "funds_spent": Sum("funds_spent"),
    }


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to divide by (shown as “—”)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def figures(qs: QuerySet[Hazard], *, group_by: str | None = None, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The figures of `qs` (already scoped and narrowed to a period), per group or in total: one aggregate query
    over the hazards and one over their active listings."""
    qs = qs.order_by()
    aggregates = figure_aggregates(today)
    if group_by is None:
        fields: tuple[str, ...] = ()
        rows = [qs.aggregate(**aggregates)]
    elif group_by == "month":
        fields = ("found_on__month",)
        rows = list(qs.annotate(month=TruncMonth("found_on")).values("month").annotate(**aggregates).order_by("month"))
    else:
        fields = GROUPS[group_by]
        rows = list(qs.values(*fields).annotate(**aggregates).order_by(fields[-1]))
    listed = _listed_counts(qs, fields[:1]) if group_by != "month" else {}
    for row in rows:
        key = tuple(row[f] for f in fields[:1]) if group_by != "month" else ()
        row["listed"], row["listed_county_plus"] = listed.get(key, (0, 0))
        row["rectification_rate"] = rate(row["rectified"], row["found"])
        row["on_time_rate"] = rate(row["rectified_on_time"], row["rectified"])
        row["funds_spent"] = row["funds_spent"] or Decimal("0")
    return rows


# -- the dashboard's figures (issue 6) --------------------------------------------------------------------------
# Each function is ONE query that PostgreSQL answers from one index (hazards/models/hazard.py, "The dashboard"):
# the dashboard groups narrowly in the database and sums the few resulting rows in Python.

COUNTY_PLUS = ("county", "city", "province")  # 挂牌督办 at county level and above
TREND_MONTHS = 12
# What the trend reads per month of found_on: the same expressions as figure_aggregates().
FOUND_FIGURES = ("found", "found_major", "rectified", "rectified_on_time")


def q_closed_between(start: dt.date, end: dt.date) -> Q:
    """Closed (销号) on a local date from `start` to `end` inclusive — a range on closed_at, so the index serves it."""
    return Q(
        status=Status.CLOSED,
        closed_at__gte=local_midnight(start),
        closed_at__lt=local_midnight(end + dt.timedelta(days=1)),
    )


# The township dashboard's breakdown of open hazards; the county's groups by township and level instead.
OPEN_BREAKDOWN = ("village_id", "sector_id", "lead_unit_id", "channel", "level")


def open_breakdown(
    qs: QuerySet[Hazard], today: dt.date | None = None, fields: tuple[str, ...] = OPEN_BREAKDOWN
) -> list[dict[str, Any]]:
    """Open hazards (today) per village, sector, lead unit, channel and level (or the given `fields`): how many, how
    many overdue, how many stock (存量), and the earliest found date. One query over the partial index of open
    hazards; any coarser figure (open major, overdue, stock remaining, per village…) is a sum of these rows."""
    today = today or local_today()
    rows = (
        qs.filter(q_open())
        .order_by()
        .values(*fields)
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=q_overdue(today)),
            stock=Count("pk", filter=q_stock()),
            oldest_found=Min("found_on"),
        )
    )
    return list(rows)


def found_by_month(qs: QuerySet[Hazard], start: dt.date, today: dt.date | None = None) -> dict[dt.date, dict[str, int]]:
    """Hazards found from `start` (a first of month) per month of found_on, with the FOUND_FIGURES of each month;
    a year's 整改率 and on-time rate are sums of its months."""
    aggregates = figure_aggregates(today)
    rows = (
        qs.filter(found_on__gte=start)
        .order_by()
        .annotate(month=TruncMonth("found_on"))
        .values("month")
        .annotate(**{name: aggregates[name] for name in FOUND_FIGURES})
    )
    return {row["month"]: {name: row[name] for name in FOUND_FIGURES} for row in rows}


def found_by(
    qs: QuerySet[Hazard], field: str, start: dt.date, end: dt.date, today: dt.date | None = None
) -> dict[Any, dict[str, int]]:
    """Hazards found from `start` to `end` (inclusive) per value of `field` (the county: per township), with the
    FOUND_FIGURES — the expressions found_by_month sums into a year's 整改率 and on-time rate."""
    aggregates = figure_aggregates(today)
    rows = (
        qs.filter(found_on__gte=start, found_on__lte=end)
        .order_by()
        .values(field)
        .annotate(**{name: aggregates[name] for name in FOUND_FIGURES})
    )
    return {row[field]: {name: row[name] for name in FOUND_FIGURES} for row in rows}


def closed_by_month(qs: QuerySet[Hazard], start: dt.date, end: dt.date) -> dict[dt.date, int]:
    """Hazards closed (销号) from `start` to `end` per local month of closed_at."""
    rows = (
        qs.filter(q_closed_between(start, end))
        .order_by()
        .annotate(month=TruncMonth("closed_at", tzinfo=timezone.get_default_timezone()))
        .values("month")
        .annotate(n=Count("pk"))
    )
    return {timezone.localtime(row["month"]).date(): row["n"] for row in rows}


def new_major_by_year(qs: QuerySet[Hazard], first_year: int, last_year: int) -> dict[int, int]:
    """New (增量) major hazards found per year — found as defined above (dismissed reports left out)."""
    start, end = year_bounds(first_year)[0], year_bounds(last_year)[1]
    rows = (
        qs.filter(q_found(start, end), level=Level.MAJOR)
        .order_by()
        .annotate(year=ExtractYear("found_on"))
        .values("year")
        .annotate(n=Count("pk"))
    )
    counts = {row["year"]: row["n"] for row in rows}
    return {year: counts.get(year, 0) for year in range(first_year, last_year + 1)}


LISTING_LEVELS = ("township", "county", "city", "province")


def active_listings_by_level(qs: QuerySet[Hazard]) -> dict[str, int]:
    """Hazards of `qs` with an active listing (挂牌督办), per listing level: counted from the small listing table."""
    listings = Listing.objects.filter(delisted_on__isnull=True, hazard__in=qs.order_by().values("pk"))
    rows = listings.order_by().values("level").annotate(n=Count("hazard", distinct=True))
    counts = {row["level"]: row["n"] for row in rows}
    return {level: counts.get(level, 0) for level in LISTING_LEVELS}


def active_listings_by_level_per(qs: QuerySet[Hazard], field: str) -> dict[Any, dict[str, int]]:
    """The same per value of the hazard's `field` (the county: per township), in one query."""
    listings = Listing.objects.filter(delisted_on__isnull=True, hazard__in=qs.order_by().values("pk"))
    key = f"hazard__{field}"
    rows = listings.order_by().values(key, "level").annotate(n=Count("hazard", distinct=True))
    result: dict[Any, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row[key], dict.fromkeys(LISTING_LEVELS, 0))[row["level"]] = row["n"]
    return result


def q_confirmation_overdue(now: dt.datetime | None = None) -> Q:
    """Reports not registered or dismissed within their township's time limit (reads the township table)."""
    return Q(pk__in=Hazard.objects.confirmation_overdue(now).values("pk"))


def confirmation_overdue_by(qs: QuerySet[Hazard], field: str, now: dt.datetime | None = None) -> dict[Any, int]:
    """Reports overdue for confirmation per value of `field` (the county: per township), in one query."""
    rows = qs.filter(q_confirmation_overdue(now)).order_by().values(field).annotate(n=Count("pk"))
    return {row[field]: row["n"] for row in rows}


def clock_figures(qs: QuerySet[Hazard], dynamic_from: dt.date, now: dt.datetime | None = None) -> dict[str, Any]:
    """The clocks that could let the figures look better than they are (issue 9.5), in one query over the few rows
    concerned (plus the township table that Hazard.objects.confirmation_overdue reads for each time limit):

    * confirmation_overdue — reports not registered or dismissed within the township's time limit;
    * extended / extended_major / extensions_granted / days_added — hazards whose deadline was extended, how many
      extensions were granted and how many days they added;
    * stock_done_at — when the last stock (存量) major hazard stopped being open: accepted (verified_at), or — an
      imported or old record without an acceptance time — closed; the stock goal was met then;
    * late_major / late_major_done_at — major hazards rectified after their last approved deadline that were still
      open on or after `dynamic_from` (each one broke dynamic zeroing), and when the last of them stopped being open.
    """
    unconfirmed = q_confirmation_overdue(now)
    extended = q_extended() & ~Q(status=Status.DISMISSED)
    rectified_major = q_rectified() & Q(level=Level.MAJOR)
    late = rectified_major & Q(completed_on__gt=F("deadline"), left_open__gte=local_midnight(dynamic_from))
    row = (
        qs.filter(unconfirmed | extended | rectified_major)
        .order_by()
        .annotate(left_open=Coalesce("verified_at", "closed_at"))
        .aggregate(
            confirmation_overdue=Count("pk", filter=unconfirmed),
            extended=Count("pk", filter=extended),
            extended_major=Count("pk", filter=extended & Q(level=Level.MAJOR)),
            extensions_granted=Sum("extension_count", filter=extended),
            days_added=Sum("extension_days", filter=extended),
            stock_done_at=Max("left_open", filter=rectified_major & q_stock()),
            late_major=Count("pk", filter=late),
            late_major_done_at=Max("left_open", filter=late),
        )
    )
    row["extensions_granted"] = row["extensions_granted"] or 0
    row["days_added"] = row["days_added"] or 0
    return row


# -- accidents (双下降, issue 9.9) -------------------------------------------------------------------------------


def same_day_last_year(day: dt.date) -> dt.date:
    """The same calendar day a year earlier; 29 February falls back to 28 February (同比 over equal periods)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def year_to_date(today: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """This year so far and the same period of last year (同比): 1 January up to the same local day, inclusive."""
    last = same_day_last_year(today)
    return (dt.date(today.year, 1, 1), today), (dt.date(last.year, 1, 1), last)


def accident_periods(qs: QuerySet[Any], periods: dict[str, tuple[dt.date, dt.date]]) -> dict[str, dict[str, int]]:
    """Accidents and deaths in each named period, counting only 生产安全事故 (counts_as_work_safety: a drowning or
    another death outside work safety is recorded, not counted), in one query."""
    row = qs.filter(counts_as_work_safety=True).order_by().aggregate(**_accident_aggregates(periods))
    return _accident_figures(row, periods)


def accident_periods_by(
    qs: QuerySet[Any], periods: dict[str, tuple[dt.date, dt.date]], field: str
) -> dict[Any, dict[str, dict[str, int]]]:
    """The same per value of `field` (the county: per township), in one query."""
    rows = qs.filter(counts_as_work_safety=True).order_by().values(field).annotate(**_accident_aggregates(periods))
    return {row[field]: _accident_figures(row, periods) for row in rows}


def _accident_aggregates(periods: dict[str, tuple[dt.date, dt.date]]) -> dict[str, Any]:
    aggregates: dict[str, Any] = {}
    for name, (start, end) in periods.items():
        within = Q(occurred_on__gte=start, occurred_on__lte=end)
        aggregates[f"{name}__accidents"] = Count("pk", filter=within)
        aggregates[f"{name}__deaths"] = Sum("deaths", filter=within)
    return aggregates


def _accident_figures(row: dict[str, Any], periods: dict[str, tuple[dt.date, dt.date]]) -> dict[str, dict[str, int]]:
    return {name: {k: row[f"{name}__{k}"] or 0 for k in ("accidents", "deaths")} for name in periods}
