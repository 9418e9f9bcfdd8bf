"""The figures of the plan, defined once (SPEC S2 "Statistics", S5) and computed in the database.

Every figure is a conditional count over hazards in ONE aggregate query, optionally grouped (by village, sector,
lead unit, level, channel, month); the dashboard, the reports and the monthly snapshots all use these definitions:

* found — hazards found in the period (found_on within it), dismissed reports left out;
* rectified — of those, the ones verified or closed (整改率 = rectified ÷ found);
* closed / closed on time — closed ones, and those closed by their deadline (on-time rate = on time ÷ closed);
* open — reported, registered, rectifying or pending acceptance (today);
* overdue — registered, rectifying or pending acceptance with the deadline passed (today, Asia/Shanghai);
* stock — found before STOCK_CUTOFF_DATE (存量); increment — found on or after it (增量);
* dynamic zeroing (动态清零) — major hazards overdue: the 2026 goal is that this is zero;
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

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone

from hazards.models import (
    DEADLINE_STATUSES,
    OPEN_STATUSES,
    RECTIFIED_STATUSES,
    Hazard,
    Level,
    Listing,
    Status,
    local_today,
    stock_cutoff,
)

GROUPS = {
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
    return Q(found_on__lt=stock_cutoff())


def q_closed_on_time() -> Q:
    return Q(status=Status.CLOSED, completed_on__isnull=False, deadline__isnull=False, completed_on__lte=F("deadline"))


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
        "closed_on_time": Count("pk", filter=q_closed_on_time()),
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
        row["on_time_rate"] = rate(row["closed_on_time"], row["closed"])
        row["funds_spent"] = row["funds_spent"] or Decimal("0")
    return rows


# -- the dashboard's figures (issue 6) --------------------------------------------------------------------------
# Each function is ONE query that PostgreSQL answers from one index (hazards/models/hazard.py, "The dashboard"):
# the dashboard groups narrowly in the database and sums the few resulting rows in Python.

COUNTY_PLUS = ("county", "city", "province")  # 挂牌督办 at county level and above
TREND_MONTHS = 12
# What the trend reads per month of found_on: the same expressions as figure_aggregates().
FOUND_FIGURES = ("found", "found_major", "rectified", "closed", "closed_on_time")


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of a local (Asia/Shanghai) day as an aware datetime: timestamps compare with it, not with a date."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def q_closed_between(start: dt.date, end: dt.date) -> Q:
    """Closed (销号) on a local date from `start` to `end` inclusive — a range on closed_at, so the index serves it."""
    return Q(
        status=Status.CLOSED,
        closed_at__gte=local_midnight(start),
        closed_at__lt=local_midnight(end + dt.timedelta(days=1)),
    )


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def month_starts(today: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The first days of the last `months` months, oldest first, ending with today's month."""
    n = today.year * 12 + today.month - 1
    return [dt.date(m // 12, m % 12 + 1, 1) for m in range(n - months + 1, n + 1)]


def month_end(first: dt.date) -> dt.date:
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def open_breakdown(qs: QuerySet[Hazard], today: dt.date | None = None) -> list[dict[str, Any]]:
    """Open hazards (today) per village, sector, lead unit, channel and level: how many, how many overdue, how many
    stock (存量), and the earliest found date. One query over the partial index of open hazards; any coarser figure
    (open major, overdue, stock remaining, per village…) is a sum of these rows."""
    today = today or local_today()
    rows = (
        qs.filter(q_open())
        .order_by()
        .values("village_id", "sector_id", "lead_unit_id", "channel", "level")
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


def active_listings_by_level(qs: QuerySet[Hazard]) -> dict[str, int]:
    """Hazards of `qs` with an active listing (挂牌督办), per listing level: counted from the small listing table."""
    listings = Listing.objects.filter(delisted_on__isnull=True, hazard__in=qs.order_by().values("pk"))
    rows = listings.order_by().values("level").annotate(n=Count("hazard", distinct=True))
    counts = {row["level"]: row["n"] for row in rows}
    return {level: counts.get(level, 0) for level in ("township", "county", "city", "province")}
