"""When reports are due and whether a task or measure is on track (SPEC S9). Dates are those of Asia/Shanghai.

- A task is reported on every quarter from the quarter it starts in to the quarter of its deadline, until it is done.
  The report of a quarter is due by the REPORT_GRACE_DAYS-th day of the following quarter (Q4's in the next year):
  2026 Q1 by 5 April 2026, 2026 Q4 by 5 January 2027.
- A task is overdue when it is not done on the day after its deadline; a quarterly report is missing when its due
  day has passed and nothing was filed for the quarter (a returned report counts as filed: it waits for its resend).
- A measure is done when it has tasks and all are done (their final report accepted); late when any task is overdue
  or misses a report; on track otherwise; not broken down while it has no task.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _

from core.dates import quarter_bounds, quarter_of

from .models import ProgressReport, Task

# The report of a quarter is due by this day of the following quarter.
REPORT_GRACE_DAYS = 5

Quarter = tuple[int, int]


def next_quarter(year: int, quarter: int) -> Quarter:
    return (year, quarter + 1) if quarter < 4 else (year + 1, 1)


def report_due(year: int, quarter: int) -> dt.date:
    """The last day to file the quarter's report: the REPORT_GRACE_DAYS-th day of the next quarter."""
    return quarter_bounds(*next_quarter(year, quarter))[0] + dt.timedelta(days=REPORT_GRACE_DAYS - 1)


def quarters_between(first: dt.date, last: dt.date) -> list[Quarter]:
    """Every quarter from the one of `first` to the one of `last`, both included."""
    quarters: list[Quarter] = []
    current, end = quarter_of(first), quarter_of(last)
    while current <= end:
        quarters.append(current)
        current = next_quarter(*current)
    return quarters


def reporting_quarters(task: Task) -> list[Quarter]:
    """The quarters a task is reported on: from its start to its deadline, or to the day it was done."""
    last = task.done_on if task.state == Task.State.DONE and task.done_on else task.deadline
    return quarters_between(task.starts_on, max(min(last, task.deadline), task.starts_on))


def missing_quarters(task: Task, filed: Iterable[Quarter], today: dt.date) -> list[Quarter]:
    """The quarters whose report was due before today and was not filed (none while the task is done)."""
    if task.state == Task.State.DONE:
        return []
    done = set(filed)
    return [q for q in reporting_quarters(task) if report_due(*q) < today and q not in done]


def open_quarter(task: Task, filed: Iterable[Quarter], today: dt.date) -> Quarter | None:
    """The quarter the village or unit should report on now: the earliest one not filed whose quarter has begun."""
    if task.state == Task.State.DONE:
        return None
    done = set(filed)
    started = [q for q in reporting_quarters(task) if quarter_bounds(*q)[0] <= today and q not in done]
    return started[0] if started else None


def is_overdue(task: Task, today: dt.date) -> bool:
    return task.state == Task.State.ACTIVE and task.deadline < today


class MeasureStatus(TextChoices):
    NOT_BROKEN_DOWN = "not_broken_down", _("no tasks yet")
    ON_TRACK = "on_track", _("on track")
    LATE = "late", _("late")
    DONE = "done", _("done")


STATUS_DEFINITIONS = (
    (MeasureStatus.DONE, _("every task of the measure is done: its final quarterly report was accepted")),
    (MeasureStatus.LATE, _("a task is past its deadline, or a quarterly report is missing past its due day")),
    (MeasureStatus.ON_TRACK, _("tasks in progress, none overdue, every report due so far filed")),
    (MeasureStatus.NOT_BROKEN_DOWN, _("the office has not broken the measure into tasks yet")),
)


@dataclass
class TaskProgress:
    task: Task
    filed: set[Quarter] = field(default_factory=set)
    missing: list[Quarter] = field(default_factory=list)
    overdue: bool = False

    @property
    def is_late(self) -> bool:
        return self.overdue or bool(self.missing)


def filed_quarters(tasks: QuerySet[Task]) -> dict[int, set[Quarter]]:
    """For each task, the quarters with a report filed (one query)."""
    filed: dict[int, set[Quarter]] = defaultdict(set)
    rows = ProgressReport.objects.filter(task__in=tasks.values("pk")).values_list("task_id", "year", "quarter")
    for task_id, year, quarter in rows:
        filed[task_id].add((year, quarter))
    return filed


def task_progress(tasks: QuerySet[Task], today: dt.date) -> list[TaskProgress]:
    """Every task with its filed and missing quarters (two queries)."""
    filed = filed_quarters(tasks)
    result = []
    for task in tasks:
        quarters = filed.get(task.pk, set())
        result.append(TaskProgress(task, quarters, missing_quarters(task, quarters, today), is_overdue(task, today)))
    return result


def late_task_ids(tasks: QuerySet[Task], today: dt.date) -> list[int]:
    """The tasks overdue or missing a quarterly report: the work queue's count and the list's filter agree."""
    active = tasks.filter(state=Task.State.ACTIVE).only("pk", "state", "starts_on", "deadline", "done_on")
    return [p.task.pk for p in task_progress(active, today) if p.is_late]


def measure_status(progress: Iterable[TaskProgress]) -> str:
    rows = list(progress)
    if not rows:
        return MeasureStatus.NOT_BROKEN_DOWN
    if all(p.task.state == Task.State.DONE for p in rows):
        return MeasureStatus.DONE
    if any(p.is_late for p in rows):
        return MeasureStatus.LATE
    return MeasureStatus.ON_TRACK


def to_report_ids(tasks: QuerySet[Task], today: dt.date) -> list[int]:
    """Active tasks with a quarter that has begun and has no report yet: what the village or unit is to file."""
    active = tasks.filter(state=Task.State.ACTIVE).only("pk", "state", "starts_on", "deadline", "done_on")
    return [p.task.pk for p in task_progress(active, today) if open_quarter(p.task, p.filed, today) is not None]
