"""Enterprise self-inspections (§4: quarterly; monthly in the high-risk sectors of §22): which are done, due or
overdue, and the enterprise opening this period's one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from core.dates import local_midnight, local_today, quarter_label, quarter_of
from core.errors import WorkflowError
from units.access import get_scope
from units.models import Enterprise, EnterpriseQuerySet, User

from ..models import EDITABLE_STATUSES, ChecklistTemplate, ChecklistVersion, Inspection, Kind, Status
from ..services import inspection_plan
from .periods import periods_around

DONE, DUE, OVERDUE = "done", "due", "overdue"


@dataclass(frozen=True)
class SelfInspectionStatus:
    period_label: str
    period_start: dt.date
    period_end: dt.date
    state: str  # DONE | DUE | OVERDUE
    last_done_on: dt.date | None
    is_monthly: bool


def _submitted_self() -> QuerySet[Inspection]:
    # "本次未发现隐患" (no_findings) is a submitted self-inspection like any other: it counts. A cancelled one never.
    return Inspection.objects.filter(enterprise=OuterRef("pk"), kind=Kind.SELF, status=Status.SUBMITTED)


def with_self_inspection_state(qs: QuerySet[Enterprise], today: dt.date | None = None) -> QuerySet[Enterprise]:
    """Annotate si_monthly, si_state and si_last_done in the same SQL query, so lists filter and page on them.

    Done: a submitted self-inspection with its date in the current period. Overdue: none in the previous period
    either — unless the enterprise was registered only in the current period. Due: otherwise.
    """
    p = periods_around(today or local_today())

    def done_in(bounds: tuple[dt.date, dt.date]) -> Exists:
        return Exists(_submitted_self().filter(done_on__range=bounds))

    qs = qs.annotate(
        si_monthly=Exists(Enterprise.objects.filter(EnterpriseQuerySet.high_risk_q(), pk=OuterRef("pk"))),
        si_month=done_in(p.month),
        si_prev_month=done_in(p.prev_month),
        si_quarter=done_in(p.quarter),
        si_prev_quarter=done_in(p.prev_quarter),
        si_last_done=Subquery(_submitted_self().order_by("-done_on").values("done_on")[:1]),
    )
    monthly, quarterly = Q(si_monthly=True), Q(si_monthly=False)
    state = Case(
        When((monthly & Q(si_month=True)) | (quarterly & Q(si_quarter=True)), then=Value(DONE)),
        When(monthly & (Q(si_prev_month=True) | Q(created_at__gte=local_midnight(p.month[0]))), then=Value(DUE)),
        When(quarterly & (Q(si_prev_quarter=True) | Q(created_at__gte=local_midnight(p.quarter[0]))), then=Value(DUE)),
        default=Value(OVERDUE),
        output_field=CharField(),
    )
    return qs.annotate(si_state=state)


def status_from_annotations(enterprise: Enterprise, today: dt.date | None = None) -> SelfInspectionStatus:
    """The status of an enterprise row fetched through with_self_inspection_state (no further query)."""
    p = periods_around(today or local_today())
    monthly: bool = enterprise.si_monthly  # type: ignore[attr-defined]
    start, end = p.month if monthly else p.quarter
    if monthly:
        label = _("%(year)d, month %(month)d") % {"year": start.year, "month": start.month}
    else:
        label = quarter_label(*quarter_of(start))
    return SelfInspectionStatus(
        period_label=label,
        period_start=start,
        period_end=end,
        state=enterprise.si_state,  # type: ignore[attr-defined]
        last_done_on=enterprise.si_last_done,  # type: ignore[attr-defined]
        is_monthly=monthly,
    )


def self_inspection_states(
    enterprises: Iterable[Enterprise], today: dt.date | None = None
) -> dict[int, SelfInspectionStatus]:
    """The status of many enterprises in one query, keyed by enterprise id."""
    today = today or local_today()
    rows = with_self_inspection_state(Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]), today)
    return {e.pk: status_from_annotations(e, today) for e in rows.only("pk", "created_at")}


def self_inspection_status(enterprise: Enterprise, today: dt.date | None = None) -> SelfInspectionStatus:
    return self_inspection_states([enterprise], today)[enterprise.pk]


def self_inspection_checklist(enterprise: Enterprise) -> ChecklistVersion | None:
    """A published checklist of the enterprise's primary sector, else a general one, else none."""
    for sector in (Q(sector=enterprise.primary_sector_id), Q(sector__isnull=True)):
        templates = ChecklistTemplate.objects.filter(sector, township=enterprise.township_id, is_active=True)
        for template in templates.order_by("name", "pk"):
            version = template.current_version()
            if version is not None:
                return version
    return None


@transaction.atomic
def self_inspection_start(*, enterprise: Enterprise, actor: User) -> Inspection:
    """The enterprise opens this period's self-inspection (§4), or returns to the one it has not submitted yet
    (a cancelled one is not returned to: a new one is opened).

    The enterprise row is locked, so a double click cannot open two.
    """
    if enterprise.pk not in get_scope(actor).enterprise_ids:
        raise WorkflowError(_("Only the enterprise's own contacts file its self-inspection."))
    enterprise = Enterprise.objects.select_for_update().select_related("township").get(pk=enterprise.pk)
    if not enterprise.is_active:
        raise WorkflowError(_("This enterprise is deactivated."))
    unfinished = Inspection.objects.filter(enterprise=enterprise, kind=Kind.SELF, status__in=EDITABLE_STATUSES)
    current = unfinished.order_by("-pk").first()
    if current is not None:
        return current
    return inspection_plan(
        actor=actor,
        township=enterprise.township,
        kind=Kind.SELF,
        enterprise=enterprise,
        checklist=self_inspection_checklist(enterprise),
        planned_on=local_today(),
    )
