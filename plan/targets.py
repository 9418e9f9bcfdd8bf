"""The plan's dated, countable targets: their current figure, where it comes from, and whether they are met.

A target's figure is either computed from the system's own records — a *source* registered here by key (hazards,
inspections, enterprises; readiness adds training and drills with one more `@source(...)` function) — or the
latest figure the office typed (TargetEntry, with its day and source; every entry is kept).

Status: met when the figure has reached the goal (at least the goal for "reach", at most for "come down to", 1 for
"rules in place"); otherwise missed once the deadline has passed, in progress before it; no figure while there is none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, TextChoices
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import quarter_bounds, quarter_label, quarter_of
from hazards.models import RECTIFIED_STATUSES, Hazard, Status
from inspections.models import Status as InspectionStatus
from inspections.models import SupervisionVisit
from units.models import Enterprise

from .models import Target, TargetEntry


@dataclass(frozen=True)
class Figure:
    value: Decimal | None
    detail: str  # how it was counted ("3 of 4 enterprises")
    url: str = ""  # the records behind it
    as_of: dt.date | None = None
    source: str = ""  # where it comes from: the computed source's label or the office's note


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    compute: Callable[[int, dt.date], Figure]


SOURCES: dict[str, Source] = {}


def source(
    key: str, label: str | Promise
) -> Callable[[Callable[[int, dt.date], Figure]], Callable[[int, dt.date], Figure]]:
    """Register a computed source: a function (township id, today) → Figure."""

    def register(compute: Callable[[int, dt.date], Figure]) -> Callable[[int, dt.date], Figure]:
        SOURCES[key] = Source(key, label, compute)
        return compute

    return register


def share(part: int, whole: int) -> Decimal | None:
    """part / whole in per cent, to one decimal; None when there is nothing to count."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _hazard_list(**query: str) -> str:
    return f"{reverse('hazards:list')}?{urlencode(query)}"


@source("stock_major_open", gettext_lazy("hazard ledger: stock major hazards still open"))
def stock_major_open(township_id: int, today: dt.date) -> Figure:
    n = Hazard.objects.filter(township_id=township_id).major().stock().open().count()
    detail = _("%(n)d major hazards found before the stock cutoff still open") % {"n": n}
    return Figure(Decimal(n), detail, _hazard_list(stock="stock", level="major", open="true"), today)


@source("major_overdue", gettext_lazy("hazard ledger: major hazards open past their deadline"))
def major_overdue(township_id: int, today: dt.date) -> Figure:
    n = Hazard.objects.filter(township_id=township_id).major().overdue(today).count()
    detail = _("%(n)d major hazards open past their deadline") % {"n": n}
    return Figure(Decimal(n), detail, _hazard_list(overdue="true", level="major"), today)


@source("self_built_rectified_share", gettext_lazy("hazard ledger: hazards at self-built houses rectified"))
def self_built_rectified_share(township_id: int, today: dt.date) -> Figure:
    hazards = Hazard.objects.filter(township_id=township_id, enterprise__is_self_built_house=True).exclude(
        status=Status.DISMISSED
    )
    counts = hazards.aggregate(total=Count("pk"), done=Count("pk", filter=Q(status__in=RECTIFIED_STATUSES)))
    detail = _("%(done)d of %(total)d hazards at self-built commercial houses rectified") % counts
    return Figure(share(counts["done"], counts["total"]), detail, "", today)


@source("benchmark_enterprises", gettext_lazy("enterprises: standardisation benchmarks"))
def benchmark_enterprises(township_id: int, today: dt.date) -> Figure:
    n = Enterprise.objects.filter(township_id=township_id, is_active=True, is_benchmark=True).count()
    return Figure(Decimal(n), _("%(n)d benchmark enterprises") % {"n": n}, "", today)


@source(
    "above_scale_standardised_share", gettext_lazy("enterprises: above-scale enterprises with a standardisation grade")
)
def above_scale_standardised_share(township_id: int, today: dt.date) -> Figure:
    above = Enterprise.objects.filter(township_id=township_id, is_active=True, is_above_scale=True)
    counts = above.aggregate(total=Count("pk"), graded=Count("pk", filter=~Q(standardisation_grade="")))
    detail = _("%(graded)d of %(total)d above-scale enterprises hold a standardisation grade") % counts
    return Figure(share(counts["graded"], counts["total"]), detail, "", today)


@source("quarter_visits_done_share", gettext_lazy("supervision visits of the current quarter done"))
def quarter_visits_done_share(township_id: int, today: dt.date) -> Figure:
    year, quarter = quarter_of(today)
    visits = SupervisionVisit.objects.filter(township_id=township_id, year=year, quarter=quarter)
    counts = visits.aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(inspection__status=InspectionStatus.SUBMITTED))
    )
    detail = _("%(done)d of %(total)d visits of %(quarter)s done") % {**counts, "quarter": quarter_label(year, quarter)}
    url = f"{reverse('inspections:quarter_board')}?year={year}&quarter={quarter}"
    return Figure(share(counts["done"], counts["total"]), detail, url, min(today, quarter_bounds(year, quarter)[1]))


class TargetStatus(TextChoices):
    MET = "met", gettext_lazy("met")
    IN_PROGRESS = "in_progress", gettext_lazy("in progress")
    MISSED = "missed", gettext_lazy("missed")
    NO_FIGURE = "no_figure", gettext_lazy("no figure yet")


def is_met(target: Target, value: Decimal) -> bool:
    if target.kind == Target.Kind.DOWN_TO:
        return value <= target.goal
    return value >= target.goal


def status_of(target: Target, figure: Figure, today: dt.date) -> str:
    if figure.value is None:
        return TargetStatus.NO_FIGURE
    if is_met(target, figure.value):
        return TargetStatus.MET
    if target.deadline is not None and target.deadline < today:
        return TargetStatus.MISSED
    return TargetStatus.IN_PROGRESS


def figure_of(target: Target, today: dt.date, latest: TargetEntry | None = None) -> Figure:
    """The target's current figure: computed, or the office's latest entry."""
    if target.source:
        registered = SOURCES.get(target.source)
        if registered is None:
            return Figure(None, _("unknown source “%(key)s”") % {"key": target.source})
        figure = registered.compute(target.plan.township_id, today)
        return Figure(figure.value, figure.detail, figure.url, figure.as_of, str(registered.label))
    if latest is None:
        return Figure(None, _("not entered yet"))
    return Figure(latest.value, "", "", latest.as_of, latest.source_note)


@dataclass(frozen=True)
class TargetRow:
    target: Target
    figure: Figure
    status: str

    @property
    def status_label(self) -> str:
        return str(TargetStatus(self.status).label)


def target_rows(targets: Iterable[Target], today: dt.date) -> list[TargetRow]:
    """Each target with its figure and status; the latest entries in one query."""
    targets = list(targets)
    latest: dict[int, TargetEntry] = {}
    manual = [t.pk for t in targets if not t.source]
    for entry in TargetEntry.objects.filter(target__in=manual).order_by("target_id", "-as_of", "-entered_at", "-pk"):
        latest.setdefault(entry.target_id, entry)
    rows = []
    for target in targets:
        figure = figure_of(target, today, latest.get(target.pk))
        rows.append(TargetRow(target, figure, status_of(target, figure, today)))
    return rows
