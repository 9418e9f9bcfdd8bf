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

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.dates import month_bounds
from hazards.models import Hazard, Status
from units.models import DutyKind, Township, Unit, Village

from .models.filing import FilingRound, FilingSettings, MonthlyReport, WorkPlan


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


def reporters(township_id: int, settings: FilingSettings | None = None) -> list[Target]:
    """The villages and units that must report monthly (the township's settings), villages first, by name."""
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


def plans_to_file_count(scope: Any, township_id: int | None) -> int:
    """Rounds × own villages/units where the plan is not filed or was returned (what waits for a filer)."""
    if township_id is None or not (scope.village_ids or scope.unit_ids):
        return 0
    count = 0
    for round in FilingRound.objects.filter(township_id=township_id):
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


def month_lines(township_id: int, month: dt.date, targets: list[Target], today: dt.date) -> list[MonthLine]:
    settings = settings_for(township_id)
    due = due_date(month, settings.due_day)
    reports = {
        target_key(r.village_id, r.unit_id): r
        for r in MonthlyReport.objects.filter(township_id=township_id, month=month).select_related("reported_by")
    }
    return [MonthLine(t, reports.get(t.key), report_state(reports.get(t.key), due, today)) for t in targets]


def reports_to_file_count(scope: Any, township_id: int | None, today: dt.date) -> int:
    """The user's own villages and units that must report and have not reported on last month."""
    if township_id is None or not (scope.village_ids or scope.unit_ids):
        return 0
    own = visible_targets(
        [t for t in reporters(township_id) if t.obj.pk in (scope.village_ids if t.is_village else scope.unit_ids)],
        scope,
    )
    lines = month_lines(township_id, report_month(today), own, today)
    return sum(1 for line in lines if line.report is None)


def should_did(township_id: int, month: dt.date) -> tuple[int, int]:
    """应报单位数 / 实报单位数 of a month: the villages and units that must report, and those of them that did."""
    targets = reporters(township_id)
    keys = {t.key for t in targets}
    reports = MonthlyReport.objects.filter(township_id=township_id, month=month).values_list("village_id", "unit_id")
    return len(targets), sum(1 for v, u in reports if target_key(v, u) in keys)


def year_should_did(township_id: int, month: dt.date) -> tuple[int, int]:
    """The same summed over the months from January to `month` (累计)."""
    targets = reporters(township_id)
    keys = {t.key for t in targets}
    months = month.month
    reports = MonthlyReport.objects.filter(
        township_id=township_id, month__gte=month.replace(month=1), month__lte=month
    ).values_list("village_id", "unit_id")
    return len(targets) * months, sum(1 for v, u in reports if target_key(v, u) in keys)


def misses_per_year(township_id: int, year: int, targets: list[Target], today: dt.date) -> dict[str, int]:
    """Per target: the months of `year` whose due day has passed without a report on time (missing or late)."""
    settings = settings_for(township_id)
    months = [dt.date(year, m, 1) for m in range(1, 13) if today > due_date(dt.date(year, m, 1), settings.due_day)]
    on_time: set[tuple[str, dt.date]] = set()
    rows = MonthlyReport.objects.filter(township_id=township_id, month__year=year).values_list(
        "village_id", "unit_id", "month", "reported_at"
    )
    for village_id, unit_id, month, at in rows:
        if timezone.localdate(at) <= due_date(month, settings.due_day):
            on_time.add((target_key(village_id, unit_id), month))
    return {t.key: sum(1 for m in months if (t.key, m) not in on_time) for t in targets}


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
