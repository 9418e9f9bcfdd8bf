"""What the plan adds to the lower layers: its menu (core.menu) and what waits in the home work queue
(core.work_queue). Loaded by PlanConfig.ready."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import menu, work_queue
from core.dates import local_today
from core.work_queue import QueueEntry, Urgency, Waiting
from units.access import get_scope
from units.models import Role
from units.navigation import by_scope, seen_by

from .access import may_open_board, may_read_plan, may_see_tasks, reports_visible_to, tasks_visible_to
from .models import ProgressReport
from .progress import late_task_ids, to_report_ids

PLAN = menu.groups.add(menu.MenuGroup("plan", _("Three-year plan"), order=35))
for order, (label, url_name, visible) in enumerate(
    (
        (_("Measures and targets"), "plan:overview", by_scope(may_read_plan)),
        (_("Plan tasks"), "plan:tasks", by_scope(may_see_tasks)),
        (_("Quarterly progress reports"), "plan:reports", by_scope(may_see_tasks)),
        (_("Scoreboard"), "plan:scoreboard", by_scope(may_open_board)),
    )
):
    menu.entries.add(menu.MenuEntry(PLAN.key, label, url_name, visible, order=order))


def _tasks(**query: str) -> str:
    return f"{reverse('plan:tasks')}?{urlencode(query)}"


def _reports(**query: str) -> str:
    return f"{reverse('plan:reports')}?{urlencode(query)}"


def _late(user: Any) -> Waiting:
    return Waiting(len(late_task_ids(tasks_visible_to(user), local_today())), _tasks(late="true"))


def _to_report(user: Any) -> Waiting:
    """The village's or unit's own tasks with a quarter to report on (not the office's: it reviews)."""
    scope = get_scope(user)
    own = tasks_visible_to(user).exclude(township__in=scope.all_townships)
    return Waiting(len(to_report_ids(own, local_today())), _tasks(to_report="true"))


def _returned(user: Any) -> Waiting:
    scope = get_scope(user)
    own = reports_visible_to(user).exclude(task__township__in=scope.all_townships)
    return Waiting(own.filter(state=ProgressReport.State.RETURNED).count(), _reports(state="returned"))


def _to_review(user: Any) -> Waiting:
    scope = get_scope(user)
    waiting = reports_visible_to(user).filter(
        state=ProgressReport.State.SUBMITTED, task__township__in=scope.office_townships
    )
    return Waiting(waiting.count(), _reports(state="submitted"))


RESPONSIBLE = (Role.DEPARTMENT, Role.VILLAGE)
for entry in (
    QueueEntry("plan.late", _("Plan tasks late"), Urgency.OVERDUE, seen_by(Role.OFFICE, *RESPONSIBLE), _late, order=30),
    QueueEntry(
        "plan.to_report", _("Plan tasks to report on"), Urgency.DUE, seen_by(*RESPONSIBLE), _to_report, order=31
    ),
    QueueEntry(
        "plan.returned",
        _("Progress reports returned to you"),
        Urgency.WAITING,
        seen_by(*RESPONSIBLE),
        _returned,
        order=32,
    ),
    QueueEntry(
        "plan.to_review", _("Progress reports to review"), Urgency.WAITING, seen_by(Role.OFFICE), _to_review, order=33
    ),
):
    work_queue.entries.add(entry)
