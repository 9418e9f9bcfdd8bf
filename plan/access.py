"""Who sees and does what in the plan, on units.access.Scope (SPEC S6, S9).

- The plan, its measures and targets: the office and leadership of the township, the county bureau (read), the
  administrator. Villages and units: the tasks and reports of their own village or unit, and the measures those tasks
  belong to. Enterprises and county departments: nothing.
- The office manages (measures, tasks, target figures) and reviews reports; the responsible village's officers or
  unit's staff file and resend reports.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from inspections.models.workflow import Steps, allowed
from units.access import Scope, get_or_404, get_scope

from .models import REPORT_TRANSITIONS, Measure, Plan, ProgressReport, ReportAttachment, ReportRole, Target, Task


def may_read_plan(scope: Scope) -> bool:
    """The whole plan page: those who read everything of a township (office, leadership, admin, county bureau)."""
    return bool(scope.all_townships)


def has_own_tasks(scope: Scope) -> bool:
    return bool(scope.village_ids or scope.unit_ids)


def may_see_tasks(scope: Scope) -> bool:
    return may_read_plan(scope) or has_own_tasks(scope)


def _task_q(scope: Scope, prefix: str = "") -> Q:
    q = scope.q(township=f"{prefix}township", village=f"{prefix}village")
    if scope.unit_ids:
        q |= Q(**{f"{prefix}unit__in": scope.unit_ids})
    return q


def plans_visible_to(user: Any) -> QuerySet[Plan]:
    return Plan.objects.filter(get_scope(user).q(township="township"))


def measures_visible_to(user: Any) -> QuerySet[Measure]:
    """All measures of the plans the user reads; a village or unit: the measures of its own tasks."""
    scope = get_scope(user)
    q = scope.q(township="plan__township")
    if has_own_tasks(scope):
        q |= Q(pk__in=tasks_visible_to(user).values("measure_id"))
    return Measure.objects.filter(q)


def tasks_visible_to(user: Any) -> QuerySet[Task]:
    return Task.objects.filter(_task_q(get_scope(user)))


def reports_visible_to(user: Any) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.filter(_task_q(get_scope(user), "task__"))


def attachments_visible_to(user: Any) -> QuerySet[ReportAttachment]:
    return ReportAttachment.objects.filter(_task_q(get_scope(user), "report__task__"))


def targets_visible_to(user: Any) -> QuerySet[Target]:
    return Target.objects.filter(get_scope(user).q(township="plan__township"))


def get_measure_for_user(user: Any, pk: Any) -> Measure:
    return get_or_404(measures_visible_to(user).select_related("plan", "action", "lead_unit"), pk=pk)


def get_task_for_user(user: Any, pk: Any) -> Task:
    qs = tasks_visible_to(user).select_related("measure__action", "measure__plan", "village", "unit", "created_by")
    return get_or_404(qs, pk=pk)


def get_report_for_user(user: Any, pk: Any) -> ProgressReport:
    qs = reports_visible_to(user).select_related("task__measure", "task__village", "task__unit", "submitted_by")
    return get_or_404(qs, pk=pk)


def get_target_for_user(user: Any, pk: Any) -> Target:
    return get_or_404(targets_visible_to(user).select_related("plan", "measure"), pk=pk)


def manages(scope: Scope, township_id: int | None) -> bool:
    """Measures, tasks and target figures are the office's (and the administrator's) of that township."""
    return scope.is_office_for(township_id)


def is_responsible(scope: Scope, task: Task) -> bool:
    """The task's own village officers or unit staff: they file its reports."""
    return (task.village_id is not None and task.village_id in scope.village_ids) or (
        task.unit_id is not None and task.unit_id in scope.unit_ids
    )


def report_roles(user: Any, task: Task) -> frozenset[str]:
    """The roles the user holds on the reports of this task (ReportRole)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    scope = get_scope(user)
    roles = set()
    if is_responsible(scope, task):
        roles.add(ReportRole.RESPONSIBLE)
    if manages(scope, task.township_id):
        roles.add(ReportRole.REVIEWER)
    return frozenset(roles)


def report_actions(user: Any, report: ProgressReport) -> Steps:
    """The steps the user may take on the report now: what its page offers and what the service accepts."""
    return allowed(REPORT_TRANSITIONS, report.state, report_roles(user, report.task))


def may_file_report(user: Any, task: Task) -> bool:
    return task.state == Task.State.ACTIVE and ReportRole.RESPONSIBLE in report_roles(user, task)


# -- the scoreboard ------------------------------------------------------------------------------------------------


def may_open_board(scope: Scope) -> bool:
    """Leadership, the office, the county (every row of their townships); a village's officers or a unit's staff
    (their own row and its rank). Enterprises and county departments: nothing."""
    return bool(scope.all_townships or scope.village_ids or scope.unit_ids)


def link_areas(scope: Scope) -> frozenset[str]:
    """The lists behind the figures that the user may open (a link to a page they cannot open is not shown)."""
    from hazards.access import ESCALATION_READERS
    from readiness.drills.access import reads_drills
    from readiness.training_access import may_read_coverage

    from .scoreboard import DRILLS, ESCALATIONS, FILING, HAZARDS, INSPECTIONS, PLAN, TRAINING

    areas = {HAZARDS}
    if may_see_tasks(scope):
        areas.add(PLAN)
    if scope.all_townships:
        areas |= {INSPECTIONS, FILING}
        if reads_drills(scope):
            areas.add(DRILLS)
        if may_read_coverage(scope):
            areas.add(TRAINING)
        if scope.has_role(*ESCALATION_READERS):
            areas.add(ESCALATIONS)
    return frozenset(areas)
