"""Reads of work plans and monthly reports: who must file, due dates, who has not, misses per year.

Due dates (monthly reports): a month's report is due by the township's due day (default the 5th — neither the plan
nor the SPEC names a day) of the following month, so December's is due in January of the next year. A report is
"missed" once its due day has passed without it, or when it came in after that day (it still counts as reported).
Dates are Asia/Shanghai's (core.dates).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.dates import local_midnight, month_bounds
from hazards.models import Hazard, Status
from units.models import DutyKind, Township, Unit, Village

from .models.filing import FilingRound, FilingSettings, MonthlyReport, MonthlyReportEvent, WorkPlan


@dataclass(frozen=True)
class Target:
    """A village or a unit that files."""

    obj: Village | Unit

    @property
    def key(self) -> str:
        return f"{'v' if isinstance(self.obj, Village) else 'u'}:{self.obj.pk}"

    @property
    def is_village(self) -> bool:
        return isinstance(self.obj, Village)

    @property
    def name(self) -> str:
        return self.obj.name

    def fields(self) -> dict[str, Any]:
        return {"village": self.obj, "unit": None} if self.is_village else {"village": None, "unit": self.obj}


def target_key(village_id: int | None, unit_id: int | None) -> str:
    return f"v:{village_id}" if village_id else f"u:{unit_id}"


# -- months and due dates --------------------------------------------------------------------------------------


def next_month(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(first: dt.date) -> dt.date:
    return (first.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def due_date(month: dt.date, due_day: int) -> dt.date:
    """The day a month's report is due: `due_day` of the following month (December's in January)."""
    return next_month(month.replace(day=1)).replace(day=due_day)


def report_month(today: dt.date) -> dt.date:
    """The month to report on now: the last month that has ended."""
    return previous_month(month_bounds(today)[0])


def settings_for(township: Township | int) -> FilingSettings:
    """The township's settings, or the defaults (unsaved) where the office has not set them."""
    township_id = township if isinstance(township, int) else township.pk
    found = FilingSettings.objects.filter(township_id=township_id).first()
    return found or FilingSettings(township_id=township_id)


# -- who files -------------------------------------------------------------------------------------------------


def _units(township_id: int, rule: str) -> QuerySet[Unit]:
    units = Unit.objects.filter(township_id=township_id, is_active=True, is_safety_office=False)
    if rule == FilingSettings.Units.NONE:
        return units.none()
    if rule == FilingSettings.Units.DUTIES:
        units = units.filter(duty_kind__in=[DutyKind.SUPERVISION, DutyKind.SECTOR])
    return units


def _unit_reports(unit: Unit, rule: str) -> bool:
    if rule == FilingSettings.Units.NONE:
        return False
    return rule == FilingSettings.Units.ALL or unit.duty_kind in (DutyKind.SUPERVISION, DutyKind.SECTOR)


def month_close(month: dt.date) -> dt.datetime:
    """The moment a month ends (local midnight of the next month's first day)."""
    return local_midnight(next_month(month.replace(day=1)))


class Reporters:
    """Who must report monthly in a township, month by month, in a fixed number of queries.

    A month is judged by what held at its end: the villages and units that existed by then (their first history
    record — one created later is no miss of an earlier month) under the settings in force then (the settings'
    history; before the office first saved them, the defaults). Without a month: the current settings and every
    active village and unit. Villages and units deactivated since are not counted for any month.
    """

    def __init__(self, township_id: int) -> None:
        self.township_id = township_id
        self.current = settings_for(township_id)
        self.villages = list(Village.objects.filter(township_id=township_id, is_active=True))
        self.units = list(
            Unit.objects.filter(township_id=township_id, is_active=True, is_safety_office=False).order_by("name")
        )
        self.created: dict[str, dt.datetime] = {}
        for prefix, model in (("v", Village), ("u", Unit)):
            rows = model.history.filter(township_id=township_id, history_type="+")  # type: ignore[attr-defined]
            for pk, at in rows.values_list("id", "history_date"):
                key = f"{prefix}:{pk}"
                self.created[key] = min(at, self.created.get(key, at))
        self.settings_history = list(
            FilingSettings.history.filter(township_id=township_id).order_by("history_date", "history_id")  # type: ignore[attr-defined]
        )

    def settings_at(self, month: dt.date | None) -> FilingSettings:
        """The settings in force at the month's end (now without a month)."""
        if month is None or not self.settings_history:
            return self.current
        end = month_close(month)
        record = None
        for row in self.settings_history:
            if row.history_date < end:
                record = row
        if record is None or record.history_type == "-":
            return FilingSettings(township_id=self.township_id)
        return FilingSettings(
            township_id=self.township_id, villages_report=record.villages_report,
            units_report=record.units_report, due_day=record.due_day,
        )  # fmt: skip

    def for_month(self, month: dt.date | None = None) -> list[Target]:
        """The villages and units that must report on the month (villages first, units by name)."""
        settings = self.settings_at(month)
        targets = [
            *(Target(v) for v in (self.villages if settings.villages_report else [])),
            *(Target(u) for u in self.units if _unit_reports(u, settings.units_report)),
        ]
        if month is None:
            return targets
        end = month_close(month)
        return [t for t in targets if t.key not in self.created or self.created[t.key] < end]

    def due(self, month: dt.date) -> dt.date:
        return due_date(month, self.settings_at(month).due_day)


def reporters(township_id: int, settings: FilingSettings | None = None) -> list[Target]:
    """The villages and units that must report monthly now (the township's current settings), villages first."""
    settings = settings or settings_for(township_id)
    villages = Village.objects.filter(township_id=township_id, is_active=True) if settings.villages_report else []
    units = _units(township_id, settings.units_report).order_by("name")
    return [*(Target(v) for v in villages), *(Target(u) for u in units)]


def round_filers(round: FilingRound) -> list[Target]:
    """Who must file in a round: the township's active villages and/or its units (the office itself aside)."""
    villages = Village.objects.filter(township_id=round.township_id, is_active=True) if round.for_villages else []
    units = _units(round.township_id, FilingSettings.Units.ALL) if round.for_units else []
    return [*(Target(v) for v in villages), *(Target(u) for u in units)]


def visible_targets(targets: Iterable[Target], scope: Any) -> list[Target]:
    """The targets the user reads: all of a township they see whole; otherwise their own villages and unit."""
    out = []
    for t in targets:
        township_id = t.obj.township_id
        if scope.sees_all_of(township_id) or t.obj.pk in (scope.village_ids if t.is_village else scope.unit_ids):
            out.append(t)
    return out


# -- work plans ------------------------------------------------------------------------------------------------

NOT_FILED = "not_filed"


@dataclass(frozen=True)
class RoundLine:
    target: Target
    plan: WorkPlan | None

    @property
    def state(self) -> str:
        return self.plan.state if self.plan else NOT_FILED

    @property
    def waits_for_filer(self) -> bool:
        return self.plan is None or self.plan.state == WorkPlan.State.RETURNED


def round_lines(round: FilingRound, targets: list[Target]) -> list[RoundLine]:
    plans = {target_key(p.village_id, p.unit_id): p for p in WorkPlan.objects.filter(round=round)}
    return [RoundLine(t, plans.get(t.key)) for t in targets]


def plans_to_file_count(scope: Any, township_ids: Iterable[int]) -> int:
    """Rounds × own villages/units where the plan is not filed or was returned (what waits for a filer)."""
    if not (scope.village_ids or scope.unit_ids):
        return 0
    count = 0
    for round in FilingRound.objects.filter(township_id__in=list(township_ids)):
        own = [t for t in round_filers(round) if t.obj.pk in (scope.village_ids if t.is_village else scope.unit_ids)]
        count += sum(1 for line in round_lines(round, own) if line.waits_for_filer)
    return count


# -- monthly reports -------------------------------------------------------------------------------------------

REPORTED, LATE, MISSING, WAITING = "reported", "late", "missing", "waiting"


def report_state(report: MonthlyReport | None, due: dt.date, today: dt.date) -> str:
    """reported (by the due day), late (after it), missing (due day passed, none), waiting (not yet due)."""
    if report is not None:
        return LATE if timezone.localdate(report.reported_at) > due else REPORTED
    return MISSING if today > due else WAITING


@dataclass(frozen=True)
class MonthLine:
    target: Target
    report: MonthlyReport | None
    state: str


def month_lines(
    township_id: int, month: dt.date, targets: list[Target], today: dt.date, book: Reporters | None = None
) -> list[MonthLine]:
    """One line per target with its report (and the report's steps, prefetched) and state: a fixed number of queries
    however many lines."""
    book = book or Reporters(township_id)
    due = book.due(month)
    reports = {
        target_key(r.village_id, r.unit_id): r
        for r in MonthlyReport.objects.filter(township_id=township_id, month=month)
        .select_related("reported_by")
        .prefetch_related(Prefetch("events", queryset=MonthlyReportEvent.objects.select_related("actor")))
    }
    return [MonthLine(t, reports.get(t.key), report_state(reports.get(t.key), due, today)) for t in targets]


def may_correct(report: MonthlyReport, today: dt.date, due: dt.date) -> bool:
    """A sent report may be corrected by its village or unit until the month's due day (inclusive)."""
    return today <= due


def _own_keys(scope: Any) -> set[str]:
    return {f"v:{pk}" for pk in scope.village_ids} | {f"u:{pk}" for pk in scope.unit_ids}


def reports_to_file_count(scope: Any, township_ids: Iterable[int], today: dt.date) -> int:
    """The user's own villages and units that must report on last month and have not (in the townships given)."""
    if not (scope.village_ids or scope.unit_ids):
        return 0
    month = report_month(today)
    count = 0
    for township_id in township_ids:
        own = [t for t in Reporters(township_id).for_month(month) if t.key in _own_keys(scope)]
        if own:
            reported = MonthlyReport.objects.filter(township_id=township_id, month=month).values_list(
                "village_id", "unit_id"
            )
            done = {target_key(v, u) for v, u in reported}
            count += sum(1 for t in own if t.key not in done)
    return count


def should_did(township_id: int, month: dt.date, book: Reporters | None = None) -> tuple[int, int]:
    """应报单位数 / 实报单位数 of a month: the villages and units that must report, and those of them that did."""
    keys = {t.key for t in (book or Reporters(township_id)).for_month(month)}
    reports = MonthlyReport.objects.filter(township_id=township_id, month=month).values_list("village_id", "unit_id")
    return len(keys), sum(1 for v, u in reports if target_key(v, u) in keys)


def year_should_did(township_id: int, month: dt.date, book: Reporters | None = None) -> tuple[int, int]:
    """The same summed over the months from January to `month` (累计), each month with who must report on it."""
    book = book or Reporters(township_id)
    months = [dt.date(month.year, m, 1) for m in range(1, month.month + 1)]
    keys = {m: {t.key for t in book.for_month(m)} for m in months}
    reports = MonthlyReport.objects.filter(
        township_id=township_id, month__gte=month.replace(month=1), month__lte=month
    ).values_list("village_id", "unit_id", "month")
    return sum(len(k) for k in keys.values()), sum(1 for v, u, m in reports if target_key(v, u) in keys[m])


def misses_per_year(township_id: int, year: int, targets: list[Target], today: dt.date) -> dict[str, int]:
    """Per target: the months of `year` whose due day has passed without a report on time (missing or late) — only
    the months the target had to report on (it existed by their end, under the settings in force then)."""
    book = Reporters(township_id)
    months = [dt.date(year, m, 1) for m in range(1, 13) if today > book.due(dt.date(year, m, 1))]
    expected = {m: {t.key for t in book.for_month(m)} for m in months}
    on_time: set[tuple[str, dt.date]] = set()
    rows = MonthlyReport.objects.filter(township_id=township_id, month__year=year).values_list(
        "village_id", "unit_id", "month", "reported_at"
    )
    for village_id, unit_id, month, at in rows:
        if timezone.localdate(at) <= book.due(month):
            on_time.add((target_key(village_id, unit_id), month))
    return {t.key: sum(1 for m in months if t.key in expected[m] and (t.key, m) not in on_time) for t in targets}


def hazards_of_month(target: Target, month: dt.date) -> QuerySet[Hazard]:
    """The hazards the village registered in the month (found in it, in the village), or — a unit — those found in
    the month in the sectors it leads; dismissed reports aside."""
    start, end = month_bounds(month)
    within = Q(found_on__gte=start, found_on__lte=end) & ~Q(status=Status.DISMISSED)
    where = Q(village=target.obj) if target.is_village else Q(lead_unit=target.obj)
    return Hazard.objects.filter(within & where)


def hazards_of_month_url(target: Target, month: dt.date) -> str:
    start, end = month_bounds(month)
    field = "village" if target.is_village else "lead_unit"
    return f"{reverse('hazards:list')}?{field}={target.obj.pk}&found_from={start}&found_to={end}"
