"""Rules about the plan's tasks (SPEC S9): a task past its deadline, and a quarterly progress report missing past its
due day (the REPORT_GRACE_DAYS-th day of the following quarter, plan.progress.report_due). Both go to the
responsible village's officers or unit's staff; each task and deadline (or quarter) once.

Each rule looks its tasks up in a constant number of queries, whatever their number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import quarter_label
from plan.models import Task
from plan.progress import task_progress

from ..engine import Due, Recipient, Rule, register
from ..recipients import Directory, users


def _responsible(directory: Directory, task: Task) -> list[Recipient]:
    if task.unit_id is not None:
        return users(directory.by_unit.get(task.unit_id, []))
    return users(directory.by_village.get(task.village_id or 0, []))


def _active_tasks() -> Any:
    return Task.objects.filter(state=Task.State.ACTIVE).select_related("measure").order_by("deadline", "pk")


@register
class PlanTaskOverdue(Rule):
    key = "plan_task_overdue"
    label = gettext_lazy("Plan task: overdue")
    timing = gettext_lazy("once, the day after the task's deadline, while the task is not done")
    recipients = gettext_lazy("the responsible village's officers or unit's staff")

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        directory = Directory()
        for task in _active_tasks().filter(deadline__lt=today):
            recipients = _responsible(directory, task)
            if not recipients:
                continue
            yield Due(
                township_id=task.township_id,
                object_key=f"plan_task:{task.pk}",
                object_id=task.pk,
                period=f"overdue:{task.deadline.isoformat()}",
                title=_("Plan task overdue since %(day)s: %(task)s") % {"day": task.deadline, "task": task.title},
                body=_("§%(n)d %(measure)s") % {"n": task.measure.number, "measure": task.measure.short_title},
                url=task.get_absolute_url(),
                recipients=recipients,
            )


@register
class PlanReportMissing(Rule):
    key = "plan_report_missing"
    label = gettext_lazy("Plan task: quarterly progress report missing")
    timing = gettext_lazy("once per quarter, the day after the report's due day (day 5 of the following quarter)")
    recipients = gettext_lazy("the responsible village's officers or unit's staff")

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        directory = Directory()
        for progress in task_progress(_active_tasks(), today):
            task = progress.task
            if not progress.missing:
                continue
            recipients = _responsible(directory, task)
            if not recipients:
                continue
            year, quarter = progress.missing[-1]
            label = quarter_label(year, quarter)
            yield Due(
                township_id=task.township_id,
                object_key=f"plan_task:{task.pk}",
                object_id=task.pk,
                period=f"{year}Q{quarter}-missing",
                title=_("Progress report on %(quarter)s missing: %(task)s") % {"quarter": label, "task": task.title},
                body=_("§%(n)d %(measure)s") % {"n": task.measure.number, "measure": task.measure.short_title},
                url=task.get_absolute_url(),
                recipients=recipients,
            )
