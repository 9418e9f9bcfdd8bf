"""§28 "零处罚" / "只检查不处罚": the units with enforcement power that carried out law-enforcement inspections in a
period but decided no penalty in it (约谈通报). An inspection counts when submitted with its date in the period;
a penalty when its decision date is in the period and it
is not voided."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from inspections.models import Inspection, Status
from units.models import Unit

from ..models import Penalty


@dataclass(frozen=True)
class UnitCounts:
    unit: Unit
    inspections: int
    penalties: int

    @property
    def zero_penalty(self) -> bool:
        return self.inspections > 0 and self.penalties == 0


def _count(qs: object) -> Coalesce:
    return Coalesce(Subquery(qs.values("n")[:1]), Value(0))  # type: ignore[attr-defined]


def enforcement_counts(township_ids: frozenset[int], start: dt.date, end: dt.date) -> list[UnitCounts]:
    """Every active unit with enforcement power of these townships, with its counts in [start, end], in 2 queries."""
    inspections = (
        Inspection.objects.law_enforcement()
        .filter(inspecting_unit=OuterRef("pk"), status=Status.SUBMITTED, done_on__range=(start, end))
        .values("inspecting_unit")
        .annotate(n=Count("pk"))
    )
    penalties = (
        Penalty.objects.filter(unit=OuterRef("pk"), decided_on__range=(start, end), voided_at__isnull=True)
        .values("unit")
        .annotate(n=Count("pk"))
    )
    units = (
        Unit.objects.filter(Q(township_id__in=township_ids), has_enforcement_power=True, is_active=True)
        .select_related("township")
        .annotate(n_inspections=_count(inspections), n_penalties=_count(penalties))
        .order_by("township__name", "name", "pk")
    )
    return [UnitCounts(u, u.n_inspections, u.n_penalties) for u in units]  # type: ignore[attr-defined]
