"""The quarterly supervision plan (§1: each group inspects each of its villages and units once a quarter)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.dates import local_today, quarter_bounds, quarter_of
from core.errors import WorkflowError
from units.access import get_scope
from units.models import SupervisionGroup, Township, Unit, User, Village

from ..access import visits_visible_to
from ..models import Kind, Status, SupervisionVisit
from ..services import inspection_plan


def _group_targets(group: SupervisionGroup, township: Township) -> list[tuple[Village | None, Unit | None]]:
    villages = group.villages.filter(township=township, is_active=True).order_by("code")
    units = group.units.filter(township=township, is_active=True).order_by("name")
    return [(v, None) for v in villages] + [(None, u) for u in units]


@transaction.atomic
def quarter_plan_create(*, township: Township, year: int, quarter: int, actor: User | None = None) -> int:
    """Plan a quarter's supervision visits of one township; returns how many visits were created.

    1. Only the township's office plans on demand; the beat task and the command pass no actor.
    2. The township's active groups are locked, so two runs at once (beat and a click) cannot plan a visit twice.
    3. Each active village and unit of each active group without a visit this quarter gets a supervision inspection
       planned for the quarter's first day (created by the actor, else by the group's leader) and a visit pointing
       to it. Running it again creates nothing (idempotent); a visit whose inspection was cancelled stays, not done.
    """
    if actor is not None and not get_scope(actor).is_office_for(township.pk):
        raise WorkflowError(_("Only the township safety office plans the quarter's supervision visits."))
    first_day, _last = quarter_bounds(year, quarter)
    groups = list(
        SupervisionGroup.objects.select_for_update(of=("self",))
        .select_related("leader")
        .filter(township=township, is_active=True)
        .order_by("pk")
    )
    planned = set(
        SupervisionVisit.objects.filter(group__in=groups, year=year, quarter=quarter).values_list(
            "group_id", "village_id", "unit_id"
        )
    )
    created = 0
    for group in groups:
        for village, unit in _group_targets(group, township):
            if (group.pk, village and village.pk, unit and unit.pk) in planned:
                continue
            inspection = inspection_plan(
                actor=actor or group.leader,
                township=township,
                kind=Kind.SUPERVISION,
                village=village,
                unit=unit,
                group=group,
                planned_on=first_day,
            )
            SupervisionVisit.objects.create(
                township=township,
                group=group,
                year=year,
                quarter=quarter,
                village=village,
                unit=unit,
                inspection=inspection,
            )
            created += 1
    return created


def quarter_plans_create_all(*, year: int | None = None, quarter: int | None = None) -> dict[str, int]:
    """Every active township's plan for the quarter (default: the current one in Asia/Shanghai) — the beat task."""
    if year is None or quarter is None:
        year, quarter = quarter_of(local_today())
    return {
        township.code: quarter_plan_create(township=township, year=year, quarter=quarter)
        for township in Township.objects.filter(is_active=True).order_by("code")
    }


@dataclass
class GroupBoard:
    """One group's line of the quarter board: its visits, villages first, and how many are done."""

    group: SupervisionGroup
    visits: list[SupervisionVisit] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.visits)

    @property
    def done(self) -> int:
        return sum(1 for v in self.visits if v.is_done)

    @property
    def not_done(self) -> int:
        return self.total - self.done


def visits_to_do(user: Any, *, year: int, quarter: int) -> QuerySet[SupervisionVisit]:
    """The visits of the quarter the user's groups (as leader or member) have still to make: not yet submitted."""
    mine = Q(group__leader=user.pk) | Q(group__members=user.pk)
    done = Q(inspection__status=Status.SUBMITTED)
    return visits_visible_to(user).filter(mine, year=year, quarter=quarter).exclude(done).distinct()


def quarter_board(
    user: Any, *, year: int, quarter: int, township: Township | None = None, todo: bool = False
) -> list[GroupBoard]:
    """The visits of a quarter the user may see (of one township, when given), per group; a visit is done once its
    inspection is submitted (a cancelled one is not done). `todo`: only those of visits_to_do()."""
    visits = visits_visible_to(user).filter(year=year, quarter=quarter)
    if todo:
        visits = visits.filter(pk__in=visits_to_do(user, year=year, quarter=quarter).values("pk"))
    if township is not None:
        visits = visits.filter(township=township)
    visits = visits.select_related("group__leader", "village", "unit", "inspection").order_by(
        "group__name", "group_id", "pk"
    )
    boards: dict[int, GroupBoard] = {}
    for visit in visits:
        boards.setdefault(visit.group_id, GroupBoard(visit.group)).visits.append(visit)
    for board in boards.values():
        board.visits.sort(key=visit_order)
    return list(boards.values())


def visit_order(visit: SupervisionVisit) -> tuple[bool, str]:
    """Villages (by division code) before units (by name)."""
    return (visit.unit_id is not None, visit.village.code if visit.village else visit.unit.name)  # type: ignore[union-attr]
