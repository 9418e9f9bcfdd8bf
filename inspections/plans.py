"""Plans and obligations: quarterly supervision visits (§1), handed-over work problems (交办单, 限期交办、跟踪问效),
referrals to the discipline office (§1), enterprise self-inspections due (§4) and places at risk (§13).

Services (writes) take keyword-only arguments, run in one transaction and refuse with a WorkflowError whose message
tells the user why. Selectors (reads) narrow everything through units.access / inspections.access, so "missing" and
"not yours" stay alike. Quarters and months are those of the calendar in Asia/Shanghai (settings.TIME_ZONE):
"today" is always timezone.localdate(), never the UTC date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import local_midnight, local_today, month_bounds, quarter_bounds, quarter_label, quarter_of
from core.errors import WorkflowError
from units.access import get_scope
from units.models import Enterprise, EnterpriseQuerySet, SupervisionGroup, Township, Unit, User, Village

from .access import in_group, is_supervised_party, may_record_supervision
from .models import (
    ChecklistTemplate,
    ChecklistVersion,
    DisciplineReferral,
    Inspection,
    Kind,
    PlaceAtRisk,
    Status,
    SupervisionVisit,
    WorkProblem,
)
from .services import inspection_plan

__all__ = ["WorkflowError"]

UNFINISHED = (Status.PLANNED, Status.IN_PROGRESS)


# -- periods (always dates of the Asia/Shanghai calendar) -------------------------------------------------------


# -- quarterly supervision plan (§1: each group inspects each of its villages and units once a quarter) ----------


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
       to it. Running it again creates nothing (idempotent).
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


def groups_visible_to(user: Any) -> QuerySet[SupervisionGroup]:
    """Office and leadership: their townships' groups; anyone else: the groups they lead or belong to."""
    scope = get_scope(user)
    q = scope.q(township="township")
    if scope.user_id is not None:
        q |= Q(leader=scope.user_id) | Q(members=scope.user_id)
    return SupervisionGroup.objects.filter(pk__in=SupervisionGroup.objects.filter(q).values("pk"))


def visits_visible_to(user: Any) -> QuerySet[SupervisionVisit]:
    """Office and leadership: all; a group's leader and members: the group's; a village or unit: its own visits."""
    scope = get_scope(user)
    q = scope.q(township="township", village="village")
    if scope.unit_ids:
        q |= Q(unit__in=scope.unit_ids)
    if scope.user_id is not None:
        q |= Q(group__leader=scope.user_id) | Q(group__members=scope.user_id)
    # The join through group members can repeat a row: filter by id instead.
    return SupervisionVisit.objects.filter(pk__in=SupervisionVisit.objects.filter(q).values("pk"))


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


def quarter_board(user: Any, *, year: int, quarter: int) -> list[GroupBoard]:
    """The visits of a quarter the user may see, per group; a visit is done once its inspection is submitted."""
    visits = (
        visits_visible_to(user)
        .filter(year=year, quarter=quarter)
        .select_related("group__leader", "village", "unit", "inspection")
        .order_by("group__name", "group_id", "pk")
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


# -- work problems handed over (交办单: 限期交办, 跟踪问效) --------------------------------------------------------


@dataclass(frozen=True)
class ProblemStep:
    label: Promise
    sources: tuple[str, ...]
    target: str
    by: str  # "responsible": the village's officers or the unit's staff; "reviewer": the office or the group


State = WorkProblem.State
RESPONSIBLE, REVIEWER = "responsible", "reviewer"
# The workflow of a handed-over problem, in one place: who moves it from which state to which.
PROBLEM_STEPS = {
    "reply": ProblemStep(gettext_lazy("reply"), (State.OPEN,), State.REPLIED, RESPONSIBLE),
    "accept": ProblemStep(gettext_lazy("accept"), (State.REPLIED,), State.ACCEPTED, REVIEWER),
    "return": ProblemStep(gettext_lazy("return for follow-up"), (State.REPLIED,), State.OPEN, REVIEWER),
}


def may_hand_over(user: Any, inspection: Inspection) -> bool:
    """Problems come from a supervision inspection and are handed over by those who record it: its group, or the
    office on the group's behalf — never the village or unit supervised (§1)."""
    if inspection.kind != Kind.SUPERVISION or inspection.status == Status.CANCELLED:
        return False
    return may_record_supervision(user, inspection)


def may_refer(user: Any, inspection: Inspection) -> bool:
    """§1: the group's leader (or the office) refers a cadre to the discipline office — never the party supervised."""
    if inspection.kind != Kind.SUPERVISION or not may_record_supervision(user, inspection):
        return False
    group = inspection.group
    return get_scope(user).is_office_for(inspection.township_id) or (group is not None and group.leader_id == user.pk)


def may_see_referrals(user: Any, inspection: Inspection) -> bool:
    """Referrals name cadres: office, leadership and the group itself — not the village or unit inspected."""
    return get_scope(user).sees_all_of(inspection.township_id) or in_group(user, inspection.group)


def may_reply(user: Any, problem: WorkProblem) -> bool:
    scope = get_scope(user)
    return (problem.village_id is not None and problem.village_id in scope.village_ids) or (
        problem.unit_id is not None and problem.unit_id in scope.unit_ids
    )


def may_review(user: Any, problem: WorkProblem) -> bool:
    """The office or the group follows the reply up (跟踪问效) — never the village or unit that replied (§1)."""
    if is_supervised_party(user, township_id=problem.township_id, unit=problem.unit, village_id=problem.village_id):
        return False
    return get_scope(user).is_office_for(problem.township_id) or in_group(user, problem.inspection.group)


def inspection_plan_flags(user: Any, inspection: Inspection) -> dict[str, bool]:
    """What the inspection page's problems partial may offer this user (merge into its context)."""
    return {
        "may_hand_over": may_hand_over(user, inspection),
        "may_refer": may_refer(user, inspection),
        "may_see_referrals": may_see_referrals(user, inspection),
    }


def problems_visible_to(user: Any) -> QuerySet[WorkProblem]:
    """Office and leadership: all; a village: its villages'; a unit: its own; the group and the author: theirs."""
    scope = get_scope(user)
    q = scope.q(township="township", village="village")
    if scope.unit_ids:
        q |= Q(unit__in=scope.unit_ids)
    if scope.user_id is not None:
        uid = scope.user_id
        q |= Q(created_by=uid) | Q(inspection__group__leader=uid) | Q(inspection__group__members=uid)
    return WorkProblem.objects.filter(pk__in=WorkProblem.objects.filter(q).values("pk"))


def problems_overdue_q(today: dt.date | None = None) -> Q:
    """Overdue: still waiting for the reply after its deadline (once replied, the reviewers hold it)."""
    return Q(state=State.OPEN, deadline__lt=today or local_today())


def _problem_target(inspection: Inspection, village: Village | None, unit: Unit | None) -> tuple[Any, Any]:
    if village is None and unit is None:
        # By default the problem goes to whom the visit inspected.
        return (None, inspection.unit) if inspection.unit_id else (inspection.village, None)
    if village is not None and unit is not None:
        raise WorkflowError(_("Name one responsible village or unit, not both."))
    target = village or unit
    if target.township_id != inspection.township_id:  # type: ignore[union-attr]
        raise WorkflowError(_("The responsible village or unit is not in this township."))
    return village, unit


@transaction.atomic
def problem_create(
    *,
    inspection: Inspection,
    actor: User,
    description: str,
    village: Village | None = None,
    unit: Unit | None = None,
    deadline: dt.date,
    required_reply: str = "",
) -> WorkProblem:
    """Hand a work problem found by a supervision visit to one village or unit, with a deadline (§1 限期交办)."""
    if inspection.kind != Kind.SUPERVISION:
        raise WorkflowError(_("Work problems are handed over from a supervision inspection."))
    if not may_hand_over(actor, inspection):
        raise WorkflowError(_("You may not hand over problems from this inspection."))
    village, unit = _problem_target(inspection, village, unit)
    if village is None and unit is None:
        raise WorkflowError(_("Name the responsible village or unit."))
    if not description.strip():
        raise WorkflowError(_("Describe the problem."))
    if deadline < local_today():
        raise WorkflowError(_("The deadline cannot be in the past."))
    problem = WorkProblem(
        township_id=inspection.township_id,
        inspection=inspection,
        description=description.strip(),
        village=village,
        unit=unit,
        deadline=deadline,
        required_reply=required_reply.strip(),
        created_by=actor,
    )
    problem._history_user = actor  # type: ignore[attr-defined]
    problem.save()
    return problem


def _problem_step(problem_id: int, name: str, actor: User, changes: dict[str, Any]) -> WorkProblem:
    """The one path of every step (inside the caller's transaction): lock, check right and state, write.

    The row lock makes a second person acting at once wait, then find the problem moved and get a clear message.
    """
    step = PROBLEM_STEPS[name]
    problem = WorkProblem.objects.select_for_update().get(pk=problem_id)
    allowed = may_reply(actor, problem) if step.by == RESPONSIBLE else may_review(actor, problem)
    if not allowed:
        raise WorkflowError(_("You may not take the step “%(step)s” on this problem.") % {"step": step.label})
    if problem.state not in step.sources:
        raise WorkflowError(
            _("The problem is now “%(state)s”: “%(step)s” is not possible. Please look at it again.")
            % {"state": problem.get_state_display(), "step": step.label}
        )
    for attr, value in changes.items():
        setattr(problem, attr, value)
    problem.state = step.target
    problem._history_user = actor  # type: ignore[attr-defined]
    problem.save()
    return problem


@transaction.atomic
def problem_reply(*, problem_id: int, actor: User, reply: str) -> WorkProblem:
    """The responsible village or unit reports what it did (open → replied)."""
    if not reply.strip():
        raise WorkflowError(_("Write the reply: what was done about the problem."))
    changes = {"reply": reply.strip(), "replied_by": actor, "replied_at": timezone.now()}
    return _problem_step(problem_id, "reply", actor, changes)


@transaction.atomic
def problem_accept(*, problem_id: int, actor: User, note: str = "") -> WorkProblem:
    """The office or the group accepts the reply (replied → accepted): 跟踪问效 ends here."""
    changes: dict[str, Any] = {"accepted_by": actor, "accepted_at": timezone.now()}
    if note.strip():
        changes["review_note"] = note.strip()
    return _problem_step(problem_id, "accept", actor, changes)


@transaction.atomic
def problem_return(*, problem_id: int, actor: User, note: str) -> WorkProblem:
    """The reply is not enough: back to open with a note saying what is still missing (跟踪问效)."""
    if not note.strip():
        raise WorkflowError(_("Say what is still missing before returning the problem."))
    return _problem_step(problem_id, "return", actor, {"review_note": note.strip()})


# -- referrals to the discipline office (§1 不担当、不作为) ---------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    inspection: Inspection,
    actor: User,
    cadre_name: str,
    cadre_position: str,
    facts: str,
    referred_on: dt.date,
) -> DisciplineReferral:
    if inspection.kind != Kind.SUPERVISION:
        raise WorkflowError(_("A cadre is referred from a supervision inspection."))
    if not may_refer(actor, inspection):
        raise WorkflowError(_("Only the office or the group's leader refers a cadre to the discipline office."))
    if not cadre_name.strip() or not facts.strip():
        raise WorkflowError(_("Name the cadre and write down what was found."))
    if referred_on > local_today():
        raise WorkflowError(_("The referral date cannot be in the future."))
    return DisciplineReferral.objects.create(
        township_id=inspection.township_id,
        inspection=inspection,
        cadre_name=cadre_name.strip(),
        cadre_position=cadre_position.strip(),
        facts=facts.strip(),
        referred_on=referred_on,
        referred_by=actor,
    )


def referrals_visible_to(user: Any) -> QuerySet[DisciplineReferral]:
    scope = get_scope(user)
    q = scope.q(township="township")
    if scope.user_id is not None:
        q |= Q(inspection__group__leader=scope.user_id) | Q(inspection__group__members=scope.user_id)
    return DisciplineReferral.objects.filter(pk__in=DisciplineReferral.objects.filter(q).values("pk"))


# -- enterprise self-inspections (§4: quarterly; monthly in the high-risk sectors of §22) -----------------------

DONE, DUE, OVERDUE = "done", "due", "overdue"


@dataclass(frozen=True)
class SelfInspectionStatus:
    period_label: str
    period_start: dt.date
    period_end: dt.date
    state: str  # DONE | DUE | OVERDUE
    last_done_on: dt.date | None
    is_monthly: bool


@dataclass(frozen=True)
class _Periods:
    month: tuple[dt.date, dt.date]
    prev_month: tuple[dt.date, dt.date]
    quarter: tuple[dt.date, dt.date]
    prev_quarter: tuple[dt.date, dt.date]


def _periods(today: dt.date) -> _Periods:
    month = month_bounds(today)
    quarter = quarter_bounds(*quarter_of(today))
    return _Periods(
        month=month,
        prev_month=month_bounds(month[0] - dt.timedelta(days=1)),
        quarter=quarter,
        prev_quarter=quarter_bounds(*quarter_of(quarter[0] - dt.timedelta(days=1))),
    )


def _submitted_self() -> QuerySet[Inspection]:
    # "本次未发现隐患" (no_findings) is a submitted self-inspection like any other: it counts.
    return Inspection.objects.filter(enterprise=OuterRef("pk"), kind=Kind.SELF, status=Status.SUBMITTED)


def with_self_inspection_state(qs: QuerySet[Enterprise], today: dt.date | None = None) -> QuerySet[Enterprise]:
    """Annotate si_monthly, si_state and si_last_done in the same SQL query, so lists filter and page on them.

    Done: a submitted self-inspection with its date in the current period. Overdue: none in the previous period
    either — unless the enterprise was registered only in the current period. Due: otherwise.
    """
    p = _periods(today or local_today())

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
    p = _periods(today or local_today())
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
    """The enterprise opens this period's self-inspection (§4), or returns to the one it has not submitted yet.

    The enterprise row is locked, so a double click cannot open two.
    """
    if enterprise.pk not in get_scope(actor).enterprise_ids:
        raise WorkflowError(_("Only the enterprise's own contacts file its self-inspection."))
    enterprise = Enterprise.objects.select_for_update().select_related("township").get(pk=enterprise.pk)
    if not enterprise.is_active:
        raise WorkflowError(_("This enterprise is deactivated."))
    unfinished = Inspection.objects.filter(enterprise=enterprise, kind=Kind.SELF, status__in=UNFINISHED)
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


# -- places at risk (§13 逐一登记建档, with grid patrols) ------------------------------------------------------------

PLACE_FIELDS = ("village", "kind", "name", "address", "grid", "keeper_name", "keeper_phone", "note")


def places_visible_to(user: Any) -> QuerySet[PlaceAtRisk]:
    """Office and leadership: their townships' places; a village officer: the places of their villages."""
    return PlaceAtRisk.objects.filter(get_scope(user).q(township="township", village="village"))


def may_manage_places_of(user: Any, village: Village) -> bool:
    """The office registers places anywhere in its township, a village officer in their own villages."""
    scope = get_scope(user)
    return scope.is_office_for(village.township_id) or village.pk in scope.village_ids


def _check_place_village(actor: User, village: Village) -> None:
    if not may_manage_places_of(actor, village):
        raise WorkflowError(_("You may not register places at risk in this village."))
    if not village.is_active:
        raise WorkflowError(_("This village is deactivated."))


@transaction.atomic
def place_create(*, actor: User, fields: dict[str, Any]) -> PlaceAtRisk:
    village: Village = fields["village"]
    _check_place_village(actor, village)
    place = PlaceAtRisk(township_id=village.township_id, **{f: fields[f] for f in PLACE_FIELDS if f in fields})
    place._history_user = actor  # type: ignore[attr-defined]
    place.save()
    return place


@transaction.atomic
def place_update(*, place_id: int, actor: User, fields: dict[str, Any]) -> PlaceAtRisk:
    place = PlaceAtRisk.objects.select_for_update().select_related("village").get(pk=place_id)
    if not may_manage_places_of(actor, place.village):
        raise WorkflowError(_("You may not change this place at risk."))
    if "village" in fields and fields["village"].pk != place.village_id:
        _check_place_village(actor, fields["village"])
    for name in PLACE_FIELDS:
        if name in fields:
            setattr(place, name, fields[name])
    place._history_user = actor  # type: ignore[attr-defined]
    place.save()
    return place


@transaction.atomic
def place_set_active(*, place_id: int, actor: User, active: bool) -> PlaceAtRisk:
    """Deactivate (or reactivate), never delete: its patrols keep referring to it."""
    place = PlaceAtRisk.objects.select_for_update().select_related("village").get(pk=place_id)
    if not may_manage_places_of(actor, place.village):
        raise WorkflowError(_("You may not change this place at risk."))
    place.is_active = active
    place._history_user = actor  # type: ignore[attr-defined]
    place.save(update_fields=["is_active"])
    return place


@transaction.atomic
def place_patrol_start(*, place_id: int, actor: User) -> Inspection:
    """A grid patrol of the place today (§13 网格巡查); the actor's own unfinished patrol is reused, not doubled."""
    place = PlaceAtRisk.objects.select_for_update().select_related("village", "township").get(pk=place_id)
    if not may_manage_places_of(actor, place.village):
        raise WorkflowError(_("You may not record patrols of this place."))
    if not place.is_active:
        raise WorkflowError(_("This place at risk is deactivated."))
    mine = Inspection.objects.filter(place=place, kind=Kind.GRID_PATROL, status__in=UNFINISHED, created_by=actor)
    current = mine.order_by("-pk").first()
    if current is not None:
        return current
    return inspection_plan(
        actor=actor, township=place.township, kind=Kind.GRID_PATROL, place=place, planned_on=local_today()
    )
