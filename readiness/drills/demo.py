"""Demo records of drills and enforcement for 刘圩镇 (idempotent, deterministic for a given day): plans and drills
so that some enterprises are up to date, some due and some overdue (the enterprise login's own is overdue, so its
page shows the mark a recorded drill clears); one §24 mark by the office; penalties (a fine, 一案双罚, 停产整顿);
and law-enforcement inspections this quarter by 镇应急办 (which penalised) and 派出所 (which penalised nothing: the
零处罚 page lists it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.dates import half_bounds, local_today, previous_half_bounds, quarter_bounds, quarter_of, year_bounds
from inspections.models import Inspection, Kind, Status
from units.models import Enterprise, Township, Unit, User

from ..models import Drill, DrillKeyUnit, EmergencyPlan, Penalty, PenaltyKind, PlanKind
from .due import key_unit_q

CONTACT_ENTERPRISE = "泗县刘圩鑫源食品有限公司"
UP_TO_DATE, DUE, OVERDUE = 4, 4, 3


@dataclass
class DemoDrills:
    plans: int = 0
    drills: int = 0
    penalties: int = 0
    inspections: int = 0


def _day_in(start: dt.date, today: dt.date, offset: int = 10) -> dt.date:
    """A day early in a period that has begun (never after today)."""
    return min(start + dt.timedelta(days=offset), today)


def _plans(result: DemoDrills, enterprise: Enterprise, approved: dt.date, office: User) -> None:
    for kind, title in ((PlanKind.COMPREHENSIVE, "生产安全事故综合应急预案"), (PlanKind.ONSITE, "火灾现场处置方案")):
        _obj, created = EmergencyPlan.objects.get_or_create(
            enterprise=enterprise,
            kind=kind,
            title=title,
            defaults={"township_id": enterprise.township_id, "approved_on": approved, "created_by": office},
        )
        result.plans += created


def _drill(result: DemoDrills, enterprise: Enterprise, kind: str, day: dt.date, office: User) -> None:
    scenario = "火灾初期处置及人员疏散" if kind == PlanKind.ONSITE else "综合应急预案桌面推演及疏散"
    _obj, created = Drill.objects.get_or_create(
        enterprise=enterprise,
        kind=kind,
        held_on=day,
        scenario=scenario,
        defaults={
            "township_id": enterprise.township_id,
            "participants": 12,
            "evaluation": "人员疏散及时，处置程序基本得当",
            "improvements": "补充灭火毯，明确疏散引导员",
            "recorded_by": office,
        },
    )
    result.drills += created


@transaction.atomic
def load_demo_drills(township: Township, today: dt.date | None = None) -> DemoDrills:
    today = today or local_today()
    result = DemoDrills()
    office = User.objects.filter(username="office").first()
    if office is None:
        return result
    year, half, prev_half = year_bounds(today.year), half_bounds(today), previous_half_bounds(today)
    long_ago = dt.date(today.year - 2, 3, 1)
    enterprises = list(Enterprise.objects.filter(township=township, is_active=True).order_by("name", "pk"))
    contact = next((e for e in enterprises if e.name == CONTACT_ENTERPRISE), None)
    others = [e for e in enterprises if e != contact]

    # The enterprise login's own: plans for two years and no drill since — overdue until it records one.
    if contact is not None:
        _plans(result, contact, long_ago, office)
        _drill(result, contact, PlanKind.COMPREHENSIVE, dt.date(today.year - 2, 5, 20), office)
    up_to_date = others[:UP_TO_DATE]
    due = others[UP_TO_DATE : UP_TO_DATE + DUE]
    overdue = others[UP_TO_DATE + DUE : UP_TO_DATE + DUE + OVERDUE]
    for e in up_to_date:
        _plans(result, e, long_ago, office)
        _drill(result, e, PlanKind.COMPREHENSIVE, _day_in(year[0], today, 20), office)
        _drill(result, e, PlanKind.ONSITE, _day_in(half[0], today), office)
    for e in due:  # drilled in the last periods, not yet in these
        _plans(result, e, long_ago, office)
        _drill(result, e, PlanKind.COMPREHENSIVE, dt.date(today.year - 1, 9, 15), office)
        _drill(result, e, PlanKind.ONSITE, _day_in(prev_half[0], prev_half[1], 30), office)
    for e in overdue:
        _plans(result, e, long_ago, office)
        _drill(result, e, PlanKind.ONSITE, dt.date(today.year - 2, 6, 1), office)

    # §24: a dangerous-goods warehouse the enterprise's own fields do not name, marked by the office.
    unmarked = Enterprise.objects.filter(township=township, is_active=True).exclude(key_unit_q())
    marked = unmarked.filter(pk__in=[e.pk for e in others[UP_TO_DATE + DUE + OVERDUE :]]).order_by("name", "pk")
    target = marked.first()
    if target is not None and not DrillKeyUnit.objects.filter(enterprise__township=township).exists():
        reason = "储存危险物品（油漆、稀释剂）的仓储单位"
        DrillKeyUnit.objects.create(enterprise=target, reason=reason, marked_by=office)

    _enforcement(result, township, today, office, enterprises)
    return result


def _enforcement(
    result: DemoDrills, township: Township, today: dt.date, office: User, enterprises: list[Enterprise]
) -> None:
    units = {u.name: u for u in Unit.objects.filter(township=township, has_enforcement_power=True, is_active=True)}
    office_unit, police = units.get("镇应急办"), units.get("派出所")
    if office_unit is None or police is None or len(enterprises) < 6:
        return
    quarter_start = quarter_bounds(*quarter_of(today))[0]
    inspected = [(office_unit, enterprises[0]), (office_unit, enterprises[1])]
    inspected += [(police, enterprises[2]), (police, enterprises[3])]
    for i, (unit, enterprise) in enumerate(inspected):
        day = _day_in(quarter_start, today, i)
        _obj, created = Inspection.objects.get_or_create(
            township=township,
            enterprise=enterprise,
            inspecting_unit=unit,
            is_law_enforcement=True,
            done_on=day,
            defaults={
                "kind": Kind.RANDOM,
                "channel": "enforcement",
                "status": Status.SUBMITTED,
                "village_id": enterprise.village_id,
                "sector_id": enterprise.primary_sector_id,
                "conclusion": "执法检查（演示数据）",
                "created_by": office,
                "submitted_by": office,
                "submitted_at": timezone.now(),
            },
        )
        result.inspections += created
    penalties: list[tuple[str, str, Enterprise, dict[str, object]]] = [
        ("刘圩应急罚〔%d〕1号", PenaltyKind.FINE, enterprises[0], {"amount": Decimal("5000")}),
        (
            "刘圩应急罚〔%d〕2号",
            PenaltyKind.DOUBLE,
            enterprises[1],
            {"amount": Decimal("20000"), "person_name": "张某某", "person_amount": Decimal("3000")},
        ),
        ("刘圩应急罚〔%d〕3号", PenaltyKind.SUSPEND, enterprises[4], {}),
    ]
    for number, kind, enterprise, extra in penalties:
        _penalty, created = Penalty.objects.get_or_create(
            unit=office_unit,
            document_number=number % quarter_start.year,
            defaults={
                "township": township,
                "enterprise": enterprise,
                "kind": kind,
                "decided_on": _day_in(quarter_start, today, 2),
                "facts": "执法检查发现的违法行为（演示数据）",
                "recorded_by": office,
                **extra,
            },
        )
        result.penalties += created
