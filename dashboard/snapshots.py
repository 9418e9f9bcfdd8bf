"""Month-end snapshots: the figures per village, sector and level as they stood at each month's end (issue 6,
"statistics that cannot be rewritten"), so a trend shows what was true then, not what the data says now.

What a hazard looked like at the moment M (the month's last day, 23:59:59.999 Asia/Shanghai) is rebuilt from the
records, so the month just ended (Celery beat, 00:30 on the 1st) and a month long past (backfill_snapshots) are
computed the same way:

1. Hazards found after the month's last day are left out; every other hazard of the township is in, also one that
   was entered later with an earlier found date (an imported ledger, a back-entered report): that is what lets the
   backfill show the stock of 2023 and earlier.
2. Status: the to_status of the hazard's last HazardEvent with created_at ≤ M. A hazard with no such event (entered
   after M) gets the status its dates imply: closed_at ≤ M → closed, verified_at ≤ M → verified, confirmed_at ≤ M →
   registered, else reported.
3. Level, deadline, village and sector: from the hazard's last historical record (simple_history) with
   history_date ≤ M; when there is none (the hazard was entered later, or written in bulk without history as
   generate_hazards does) the current values are taken. APPROXIMATION: for such hazards a deadline that was
   extended, a level that was corrected or a village/sector that was changed later shows with its present value.
4. The completion date and the closing time are those recorded now (a closed hazard is never reopened).
5. Listed: listings with listed_on ≤ the last day and not delisted by then (delisted_on empty or later).

The figures follow dashboard.stats (SPEC S2) applied to those states, with the month's last day as "today":
found … stock_open_major count all hazards found up to the month's end (整改率 = rectified ÷ found; 按期整改率 =
rectified on time ÷ rectified); found_in_month and closed_in_month are what happened within the month.

按期整改 was redefined in December 2026 (issue 9.5): rectified_on_time (completed_on — the acceptance request that
then passed — on or before the deadline, of the hazards rectified then) is filled from ON_TIME_NEW_DEFINITION_FROM on
and left empty before, also when an earlier month is backfilled later, so that every township's earlier months read
the same old figure (closed_on_time ÷ closed, 按销号日期), which is still stored for every month.

The columns of the monthly report as filed (issue 13) are filled the same way from FILED_FORM_FROM (December
2026) on and left empty before: over the hazards found up to the month's end as they stood then, the major ones
with each item of the five 落实 recorded (目标任务 ← measures, 经费物资 ← funds, 机构人员 ← responsible person,
时间要求 ← deadline, 安全措施应急预案 ← contingency plan; from the historical record, step 3), the hazards
listed at province, city and county level by the last day (also when delisted by then) and of them the rectified
ones, and the funds spent (yuan).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.models import (
    DEADLINE_STATUSES,
    OPEN_STATUSES,
    RECTIFIED_STATUSES,
    Hazard,
    HazardEvent,
    Level,
    Listing,
    Status,
)
from units.models import Sector, Township, Village

from .models import FILED_FORM_FIGURES, FILED_FORM_FROM, ON_TIME_NEW_DEFINITION_FROM, Dimension, MonthlySnapshot

COUNTY_PLUS = ("county", "city", "province")
CURRENT_FIELDS = (
    "pk",
    "found_on",
    "level",
    "deadline",
    "village_id",
    "sector_id",
    "completed_on",
    "confirmed_at",
    "verified_at",
    "closed_at",
    "measures",
    "responsible_person",
    "funds",
    "contingency_plan",
    "funds_spent",
)
# What the historical record tells about the moment (the rest is taken as it is now).
RECORDED_FIELDS = (
    "level",
    "deadline",
    "village_id",
    "sector_id",
    "measures",
    "responsible_person",
    "funds",
    "contingency_plan",
    "funds_spent",
)
LISTING_LEVELS = ("province", "city", "county")
CHUNK = 5000


# -- months ------------------------------------------------------------------------------------------------------


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_start_moment(month: dt.date) -> dt.datetime:
    """00:00 of the month's first day on the township's clock (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(month, dt.time.min))


def month_end_moment(month: dt.date) -> dt.datetime:
    """The first instant after the month, in Asia/Shanghai: "at the month's end" means strictly before it."""
    return month_start_moment(next_month(month))


def months_between(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    month = first_of_month(first)
    while month <= last:
        yield month
        month = next_month(month)


# -- the state of each hazard at the month's end -----------------------------------------------------------------


@dataclass(frozen=True)
class HazardThen:
    pk: int
    status: str
    level: str
    deadline: dt.date | None
    village_id: int
    sector_id: int
    found_on: dt.date
    completed_on: dt.date | None
    closed_at: dt.datetime | None
    # The stored 五落实 (issue 13): which items were recorded then, and the funds spent.
    five: frozenset[str] = frozenset()
    funds_spent: Decimal | None = None


def _five_recorded(then: dict[str, Any]) -> frozenset[str]:
    """The five 落实 as the county counts them, from the stored items: 目标任务 ← measures, 经费物资 ← funds, 机构人员 ←
    responsible person, 时间要求 ← deadline, 安全措施应急预案 ← contingency plan."""
    items = {
        "five_target": bool((then["measures"] or "").strip()),
        "five_funds": then["funds"] is not None,
        "five_staff": bool((then["responsible_person"] or "").strip()),
        "five_time": then["deadline"] is not None,
        "five_safety": bool((then["contingency_plan"] or "").strip()),
    }
    return frozenset(name for name, recorded in items.items() if recorded)


def _status_from_dates(row: dict[str, Any], moment: dt.datetime) -> str:
    for field, status in (("closed_at", Status.CLOSED), ("verified_at", Status.VERIFIED)):
        at = row[field]
        if isinstance(at, dt.datetime) and at < moment:
            return status
    confirmed = row["confirmed_at"]
    if isinstance(confirmed, dt.datetime) and confirmed < moment:
        return Status.CONFIRMED
    return Status.REPORTED


def hazards_then(township: Township, month: dt.date) -> Iterator[HazardThen]:
    """Each hazard found up to the month's end, as it stood then (see the module's docstring): one query for the
    hazards with their last event and last historical record before the moment, then the records in batches."""
    moment, last_day = month_end_moment(month), next_month(month) - dt.timedelta(days=1)
    events = (
        HazardEvent.objects.filter(hazard=OuterRef("pk"), created_at__lt=moment)
        .exclude(to_status="")
        .order_by("-created_at", "-pk")
    )
    records = Hazard.history.filter(id=OuterRef("pk"), history_date__lt=moment).order_by(  # type: ignore[attr-defined]
        "-history_date", "-history_id"
    )
    qs = (
        Hazard.objects.filter(township=township, found_on__lte=last_day)
        .order_by()
        .annotate(
            then_status=Subquery(events.values("to_status")[:1]),
            then_record=Subquery(records.values("history_id")[:1]),
        )
        .values(*CURRENT_FIELDS, "then_status", "then_record")
    )
    batch: list[dict[str, Any]] = []
    for row in qs.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) == CHUNK:
            yield from _as_then(batch, moment)
            batch = []
    yield from _as_then(batch, moment)


def _as_then(rows: list[dict[str, Any]], moment: dt.datetime) -> Iterator[HazardThen]:
    ids = [row["then_record"] for row in rows if row["then_record"] is not None]
    recorded = {
        record["history_id"]: record
        for record in Hazard.history.filter(history_id__in=ids).values(  # type: ignore[attr-defined]
            "history_id", *RECORDED_FIELDS
        )
    }
    for row in rows:
        then = recorded.get(row["then_record"], row)  # no record before the moment: the current values
        yield HazardThen(
            pk=row["pk"],
            status=row["then_status"] or _status_from_dates(row, moment),
            level=then["level"],
            deadline=then["deadline"],
            village_id=then["village_id"],
            sector_id=then["sector_id"],
            found_on=row["found_on"],
            completed_on=row["completed_on"],
            closed_at=row["closed_at"],
            five=_five_recorded(then),
            funds_spent=then["funds_spent"],
        )


def listings_then(township: Township, last_day: dt.date) -> dict[int, bool]:
    """Hazards under listing supervision at the end of `last_day` → whether at county level or above."""
    active = Listing.objects.filter(hazard__township=township, listed_on__lte=last_day).filter(
        Q(delisted_on__isnull=True) | Q(delisted_on__gt=last_day)
    )
    listed: dict[int, bool] = {}
    for hazard_id, level in active.values_list("hazard_id", "level"):
        listed[hazard_id] = listed.get(hazard_id, False) or level in COUNTY_PLUS
    return listed


def listing_levels_then(township: Township, last_day: dt.date) -> dict[int, frozenset[str]]:
    """Hazards listed (挂牌督办) at province, city or county level by the end of `last_day`, also when delisted
    since → those levels (the filed monthly report's columns, issue 13)."""
    made = Listing.objects.filter(hazard__township=township, listed_on__lte=last_day, level__in=LISTING_LEVELS)
    levels: dict[int, set[str]] = {}
    for hazard_id, level in made.values_list("hazard_id", "level"):
        levels.setdefault(hazard_id, set()).add(level)
    return {hazard_id: frozenset(found) for hazard_id, found in levels.items()}


# -- the figures -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFrame:
    month: dt.date
    last_day: dt.date
    start: dt.datetime
    end: dt.datetime
    cutoff: dt.date

    @classmethod
    def of(cls, month: dt.date, cutoff: dt.date) -> MonthFrame:
        month = first_of_month(month)
        return cls(
            month=month,
            last_day=next_month(month) - dt.timedelta(days=1),
            start=month_start_moment(month),
            end=month_end_moment(month),
            cutoff=cutoff,
        )


def figures_of(
    h: HazardThen, frame: MonthFrame, listed: dict[int, bool], levels: dict[int, frozenset[str]] | None = None
) -> list[str]:
    """The figures one hazard counts in at the month's end — dashboard.stats' definitions, with the month's last
    day as "today" (overdue: deadline before it)."""
    if h.status == Status.DISMISSED:
        return []
    major = h.level == Level.MAJOR
    levels = levels or {}
    names = ["found"] + (["found_major"] if major else [])
    if h.found_on >= frame.month:
        names.append("found_in_month")
    if h.status in RECTIFIED_STATUSES:
        names.append("rectified")
        if h.completed_on and h.deadline and h.completed_on <= h.deadline:
            names.append("rectified_on_time")
    if h.status == Status.CLOSED:
        names.append("closed")
        # The old figure, 按销号日期: closed (销号) on or before the deadline, by the local date of closing — what
        # completed_on held before it became the day of the acceptance request (issue 9.5).
        if h.closed_at and h.deadline and timezone.localdate(h.closed_at) <= h.deadline:
            names.append("closed_on_time")
        if h.closed_at and frame.start <= h.closed_at < frame.end:
            names.append("closed_in_month")
    if h.status in OPEN_STATUSES:
        names += ["open", "open_major"] if major else ["open"]
        if major and h.found_on < frame.cutoff:
            names.append("stock_open_major")
    if h.status in DEADLINE_STATUSES and h.deadline and h.deadline < frame.last_day:
        names += ["overdue", "overdue_major"] if major else ["overdue"]
    if h.pk in listed:
        names += ["listed", "listed_county_plus"] if listed[h.pk] else ["listed"]
    if major:
        names += sorted(h.five)
    for level in sorted(levels.get(h.pk, ())):
        names += [f"listed_{level}", f"rectified_{level}"] if h.status in RECTIFIED_STATUSES else [f"listed_{level}"]
    return names


GroupKey = tuple[str, str]


def count_month(township: Township, month: dt.date) -> dict[GroupKey, Counter[str]]:
    """{(dimension, key): figures} for the township at the month's end; one pass over its hazards."""
    frame = MonthFrame.of(month, township.stock_cutoff)
    listed = listings_then(township, frame.last_day)
    levels = listing_levels_then(township, frame.last_day)
    counts: dict[GroupKey, Counter[str]] = {}
    for h in hazards_then(township, frame.month):
        names = figures_of(h, frame, listed, levels)
        if not names:
            continue
        for group in (
            (Dimension.TOTAL, ""),
            (Dimension.VILLAGE, str(h.village_id)),
            (Dimension.SECTOR, str(h.sector_id)),
            (Dimension.LEVEL, h.level),
        ):
            counter = counts.setdefault(group, Counter())
            counter.update(names)
            if h.funds_spent:
                counter["funds_spent_fen"] += int(h.funds_spent * 100)  # a sum, kept in fen (分) to stay whole
    return counts


def _labels(township: Township, counts: dict[GroupKey, Counter[str]]) -> dict[GroupKey, str]:
    """Every active village and sector and both levels get a row (zeros included), plus any group with figures."""
    seen_villages = [int(k) for d, k in counts if d == Dimension.VILLAGE]
    seen_sectors = [int(k) for d, k in counts if d == Dimension.SECTOR]
    labels: dict[GroupKey, str] = {(Dimension.TOTAL, ""): township.name}
    villages = Village.objects.filter(Q(township=township, is_active=True) | Q(pk__in=seen_villages))
    labels.update({(Dimension.VILLAGE, str(pk)): name for pk, name in villages.values_list("pk", "name")})
    sectors = Sector.objects.filter(Q(township=township, is_active=True) | Q(pk__in=seen_sectors))
    labels.update({(Dimension.SECTOR, str(pk)): name for pk, name in sectors.values_list("pk", "name")})
    labels.update({(Dimension.LEVEL, value): str(label) for value, label in Level.choices})
    return labels


def compute_month(township: Township, month: dt.date) -> list[MonthlySnapshot]:
    """The snapshot rows of a month, unsaved."""
    month = first_of_month(month)
    counts = count_month(township, month)
    now = timezone.now()
    new_definition = month >= ON_TIME_NEW_DEFINITION_FROM
    filed_form = month >= FILED_FORM_FROM
    rows = []
    for (dimension, key), label in _labels(township, counts).items():
        figures: dict[str, Any] = dict(counts.get((dimension, key), Counter()))
        on_time = figures.pop("rectified_on_time", 0)
        funds = Decimal(figures.pop("funds_spent_fen", 0)) / 100
        # The filed form's columns from the month it shipped; earlier months keep their old form (left empty).
        for name in FILED_FORM_FIGURES:
            value = figures.pop(name, 0)
            figures[name] = value if filed_form else None
        figures["funds_spent"] = funds if filed_form else None
        rows.append(
            MonthlySnapshot(
                township=township,
                month=month,
                dimension=dimension,
                key=key,
                label=label[:100],
                created_at=now,
                rectified_on_time=on_time if new_definition else None,
                **figures,
            )
        )
    return rows


# -- storing -----------------------------------------------------------------------------------------------------


class SnapshotError(Exception):
    pass


@dataclass(frozen=True)
class SnapshotResult:
    township: Township
    month: dt.date
    created: bool
    rows: int


def snapshot_month(township: Township, month: dt.date, *, now: dt.datetime | None = None) -> SnapshotResult:
    """Store the township's figures at the end of `month`, once.

    1. Refuse a month that has not ended yet.
    2. Lock the township row, so two runs at once (beat and the backfill command) cannot both write.
    3. A month already stored is left alone: snapshots are never recomputed or rewritten.
    4. Compute the figures from the history and insert every row in one transaction.
    """
    month = first_of_month(month)
    if month_end_moment(month) > (now or timezone.now()):
        raise SnapshotError(_("The month %(month)s has not ended yet.") % {"month": f"{month:%Y-%m}"})
    with transaction.atomic():
        list(Township.objects.select_for_update().filter(pk=township.pk).values_list("pk", flat=True))
        existing = MonthlySnapshot.objects.filter(township=township, month=month).count()
        if existing:
            return SnapshotResult(township, month, created=False, rows=existing)
        rows = MonthlySnapshot.objects.bulk_create(compute_month(township, month))
    return SnapshotResult(township, month, created=True, rows=len(rows))


def snapshot_townships(month: dt.date, townships: Iterable[Township] | None = None) -> list[SnapshotResult]:
    """The month for every active township (or the given ones)."""
    if townships is None:
        townships = Township.objects.filter(is_active=True).order_by("code")
    return [snapshot_month(township, month) for township in townships]


def month_just_ended(now: dt.datetime | None = None) -> dt.date:
    """The month before today's (Asia/Shanghai): at 00:30 on 1 May that is April."""
    return previous_month(timezone.localdate(now or timezone.now()))
