"""When an enterprise's drills are due (§24), computed in SQL so lists filter, count and page on it.

The plan says "每年至少组织一次综合应急预案演练或者专项应急预案演练，
每半年至少组织一次现场处置方案演练", and the units it names
("易燃易爆物品、危险化学品等危险物品的生产、经营、储存、运输单位，涉尘等重点工贸企业、建筑施工单位、
人员密集场所经营单位") "应当至少每半年组织一次生产安全事故应急预案演练". An inspector reads 每年/每半年 as the
calendar: each calendar year (1 Jan – 31 Dec) must hold a comprehensive or special plan drill, each calendar
half-year (1 Jan – 30 Jun, 1 Jul – 31 Dec, Asia/Shanghai) an on-site disposal drill, and for §24's units each
half-year a drill of any plan. So:

* an obligation starts in the period that holds the date of the enterprise's first plan of that kind (approved or
  filed) — for §24's units, the period in which the enterprise was registered; plans added later start their
  obligation then, never earlier;
* done: a drill of the kind held in the current period; due: not yet, and it is due by the period's last day;
* overdue: the previous period (while the obligation applied) passed without one, and none is held yet in the
  current period — recording a drill in the current period clears it.

Every period ends on 30 June or 31 December, so one reminder per half-year covers all obligations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, Exists, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import half_bounds, local_midnight, local_today, previous_half_bounds, year_bounds
from units.models import Enterprise

from ..models import Drill, DrillKeyUnit, EmergencyPlan, PlanKind
from ..models.drills import YEARLY_KINDS

DONE, DUE, OVERDUE, NONE = "done", "due", "overdue", "none"
STATE_LABELS = {
    DONE: gettext_lazy("done"),
    DUE: gettext_lazy("due"),
    OVERDUE: gettext_lazy("overdue"),
    NONE: gettext_lazy("no plan recorded"),
}
YEARLY, ONSITE, KEY = "yearly", "onsite", "key"
OBLIGATIONS = {
    YEARLY: gettext_lazy("comprehensive or special plan drill, yearly"),
    ONSITE: gettext_lazy("on-site disposal drill, half-yearly"),
    KEY: gettext_lazy("§24 unit: a drill half-yearly"),
}
# Reminders "due soon" start this many days before a period's last day.
DUE_SOON_DAYS = 30

# §24's units, by the sector's reference name (kept when the office renames it) or its name.
DANGEROUS_GOODS_SECTORS = ("危化品", "烟花爆竹", "成品油流通", "废弃危险化学品")
CONSTRUCTION_SECTORS = ("建筑施工",)


def half_label(day: dt.date) -> str:
    if day.month <= 6:
        return _("first half of %(year)d") % {"year": day.year}
    return _("second half of %(year)d") % {"year": day.year}


@dataclass(frozen=True)
class Periods:
    year: tuple[dt.date, dt.date]
    prev_year: tuple[dt.date, dt.date]
    half: tuple[dt.date, dt.date]
    prev_half: tuple[dt.date, dt.date]
    next_half_end: dt.date


def periods_of(today: dt.date) -> Periods:
    half = half_bounds(today)
    return Periods(
        year=year_bounds(today.year),
        prev_year=year_bounds(today.year - 1),
        half=half,
        prev_half=previous_half_bounds(today),
        next_half_end=half_bounds(half[1] + dt.timedelta(days=1))[1],
    )


def _sector_q(prefix: str, names: tuple[str, ...]) -> Q:
    return Q(**{f"{prefix}__ref_key__in": names}) | Q(**{f"{prefix}__name__in": names})


def key_unit_q() -> Q:
    """§24's half-yearly units from the enterprise's own fields; the office marks the others (DrillKeyUnit)."""
    sectors = DANGEROUS_GOODS_SECTORS + CONSTRUCTION_SECTORS
    return (
        _sector_q("primary_sector", sectors)
        | _sector_q("other_sectors", sectors)
        | Q(is_lpg_business=True)  # 易燃易爆物品 经营
        | Q(is_dust_explosion=True)  # 涉尘 重点工贸企业
        | Q(is_confined_space=True)  # 有限空间: the other 重点工贸 category the enterprise register records
        | Q(is_crowded_place=True)  # 人员密集场所经营单位
        | Q(drill_key_unit__isnull=False)
    )


def _drills(kinds: tuple[str, ...] | None = None) -> QuerySet[Drill]:
    qs = Drill.objects.filter(enterprise=OuterRef("pk"))
    return qs.filter(kind__in=kinds) if kinds else qs


def _first_plan(kinds: tuple[str, ...]) -> Subquery:
    plans = EmergencyPlan.objects.filter(enterprise=OuterRef("pk"), kind__in=kinds)
    return Subquery(plans.values("enterprise").annotate(first=Min("approved_on")).values("first")[:1])


def _state(done: str, prev_done: str, started_before: Q, applies: Q) -> Case:
    return Case(
        When(~applies, then=Value(NONE)),
        When(Q(**{done: True}), then=Value(DONE)),
        When(started_before & Q(**{prev_done: False}), then=Value(OVERDUE)),
        default=Value(DUE),
        output_field=CharField(),
    )


def with_drill_state(qs: QuerySet[Enterprise], today: dt.date | None = None) -> QuerySet[Enterprise]:
    """Annotate dr_yearly, dr_onsite, dr_key (each done/due/overdue/none), dr_state (the worst) and dr_last."""
    p = periods_of(today or local_today())
    yearly: tuple[str, ...] = tuple(YEARLY_KINDS)
    onsite: tuple[str, ...] = (PlanKind.ONSITE,)
    qs = qs.annotate(
        dr_yearly_since=_first_plan(yearly),
        dr_onsite_since=_first_plan(onsite),
        dr_is_key=Exists(Enterprise.objects.filter(key_unit_q(), pk=OuterRef("pk"))),
        dr_yearly_cur=Exists(_drills(yearly).filter(held_on__range=p.year)),
        dr_yearly_prev=Exists(_drills(yearly).filter(held_on__range=p.prev_year)),
        dr_onsite_cur=Exists(_drills(onsite).filter(held_on__range=p.half)),
        dr_onsite_prev=Exists(_drills(onsite).filter(held_on__range=p.prev_half)),
        dr_any_cur=Exists(_drills().filter(held_on__range=p.half)),
        dr_any_prev=Exists(_drills().filter(held_on__range=p.prev_half)),
        dr_last=Subquery(_drills().order_by("-held_on").values("held_on")[:1]),
    )
    qs = qs.annotate(
        dr_yearly=_state(
            "dr_yearly_cur", "dr_yearly_prev", Q(dr_yearly_since__lt=p.year[0]), Q(dr_yearly_since__isnull=False)
        ),
        dr_onsite=_state(
            "dr_onsite_cur", "dr_onsite_prev", Q(dr_onsite_since__lt=p.half[0]), Q(dr_onsite_since__isnull=False)
        ),
        dr_key=_state("dr_any_cur", "dr_any_prev", Q(created_at__lt=local_midnight(p.half[0])), Q(dr_is_key=True)),
    )
    names = ("dr_yearly", "dr_onsite", "dr_key")

    def any_is(state: str) -> Q:
        q = Q(pk__in=[])
        for name in names:
            q |= Q(**{name: state})
        return q

    return qs.annotate(
        dr_state=Case(
            When(any_is(OVERDUE), then=Value(OVERDUE)),
            When(any_is(DUE), then=Value(DUE)),
            When(any_is(DONE), then=Value(DONE)),
            default=Value(NONE),
            output_field=CharField(),
        )
    )


@dataclass(frozen=True)
class Obligation:
    key: str
    label: str
    state: str
    period_label: str
    due_on: dt.date  # the last day of the period a drill is owed for (the next one once done)
    overdue_since: dt.date | None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass(frozen=True)
class DrillStatus:
    state: str
    obligations: list[Obligation]
    last_drill_on: dt.date | None
    is_key_unit: bool

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def due_on(self) -> dt.date | None:
        open_ = [o.due_on for o in self.obligations if o.state in (DUE, OVERDUE)]
        return min(open_) if open_ else None

    @property
    def overdue_since(self) -> dt.date | None:
        since = [o.overdue_since for o in self.obligations if o.overdue_since]
        return min(since) if since else None


def status_from_annotations(enterprise: Enterprise, today: dt.date | None = None) -> DrillStatus:
    """The status of a row fetched through with_drill_state (no further query)."""
    p = periods_of(today or local_today())
    obligations = []
    for key, yearly in ((YEARLY, True), (ONSITE, False), (KEY, False)):
        state = getattr(enterprise, f"dr_{key}")
        if state == NONE:
            continue
        period, prev = (p.year, p.prev_year) if yearly else (p.half, p.prev_half)
        next_end = year_bounds(period[1].year + 1)[1] if yearly else p.next_half_end
        label = _("%(year)d") % {"year": period[0].year} if yearly else half_label(period[0])
        obligations.append(
            Obligation(
                key=key,
                label=str(OBLIGATIONS[key]),
                state=state,
                period_label=label,
                due_on=next_end if state == DONE else period[1],
                overdue_since=prev[1] + dt.timedelta(days=1) if state == OVERDUE else None,
            )
        )
    return DrillStatus(
        state=enterprise.dr_state,  # type: ignore[attr-defined]
        obligations=obligations,
        last_drill_on=enterprise.dr_last,  # type: ignore[attr-defined]
        is_key_unit=enterprise.dr_is_key,  # type: ignore[attr-defined]
    )


def drill_status(enterprise: Enterprise, today: dt.date | None = None) -> DrillStatus:
    row = with_drill_state(Enterprise.objects.filter(pk=enterprise.pk), today).only("pk", "created_at").get()
    return status_from_annotations(row, today)


def is_marked_key_unit(enterprise: Enterprise) -> bool:
    return DrillKeyUnit.objects.filter(enterprise=enterprise).exists()
