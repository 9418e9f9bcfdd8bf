"""Every write of the plan: measures, tasks, quarterly reports and their review, target figures (SPEC S9).

Every step of a report goes through `_move`: the row is locked, the step is checked against the table
(models.REPORT_TRANSITIONS) and the actor's roles on the task (access.report_roles, the same the page asks), the
report is written and an event row records who, when, from, to and what was said. Accepting a report marked final
completes its task.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import local_today, quarter_bounds, quarter_label
from core.errors import WorkflowError
from core.files import CheckedFile
from units.access import get_scope
from units.models import Unit, User, Village

from .access import is_responsible, manages, report_roles
from .models import (
    REPORT_TRANSITIONS,
    Measure,
    ProgressReport,
    ReportAttachment,
    ReportEvent,
    Target,
    TargetEntry,
    Task,
)
from .progress import reporting_quarters

State = ProgressReport.State


def _require_office(actor: User, township_id: int) -> None:
    if not manages(get_scope(actor), township_id):
        raise WorkflowError(_("Only the township's safety office manages the plan."))


# -- measures -----------------------------------------------------------------------------------------------------


@transaction.atomic
def measure_update(
    *,
    measure: Measure,
    actor: User,
    heading: str,
    text: str,
    lead_unit: Unit | None,
    participating_units: Iterable[Unit],
) -> Measure:
    """The office edits a measure's words and assigns its lead and participating units (history kept)."""
    township_id = measure.plan.township_id
    _require_office(actor, township_id)
    participants = list(participating_units)
    if any(u.township_id != township_id for u in [*participants, *([lead_unit] if lead_unit else [])]):
        raise WorkflowError(_("The units must be of the plan's township."))
    if not text.strip():
        raise WorkflowError(_("The measure's text cannot be empty."))
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    measure.heading, measure.text, measure.lead_unit = heading.strip(), text.strip(), lead_unit
    measure._history_user = actor  # type: ignore[attr-defined]
    measure.save()
    measure.participating_units.set([u for u in participants if u != lead_unit])
    return measure


# -- tasks --------------------------------------------------------------------------------------------------------


def _check_task_fields(
    township_id: int, village: Village | None, unit: Unit | None, starts_on: dt.date, deadline: dt.date
) -> None:
    if (village is None) == (unit is None):
        raise WorkflowError(_("Give the task to one village or one unit."))
    if (village or unit).township_id != township_id:  # type: ignore[union-attr]
        raise WorkflowError(_("The village or unit is not in this township."))
    if deadline < starts_on:
        raise WorkflowError(_("The deadline cannot be before the start."))


@transaction.atomic
def task_create(
    *,
    measure: Measure,
    actor: User,
    title: str,
    description: str = "",
    village: Village | None = None,
    unit: Unit | None = None,
    starts_on: dt.date,
    deadline: dt.date,
) -> Task:
    """The office gives part of a measure to one village or unit with a deadline."""
    township_id = measure.plan.township_id
    _require_office(actor, township_id)
    _check_task_fields(township_id, village, unit, starts_on, deadline)
    if deadline < local_today():
        raise WorkflowError(_("The deadline cannot be in the past."))
    if not title.strip():
        raise WorkflowError(_("Name the task."))
    task = Task(
        township_id=township_id,
        measure=measure,
        village=village,
        unit=unit,
        title=title.strip(),
        description=description.strip(),
        starts_on=starts_on,
        deadline=deadline,
        created_by=actor,
    )
    task._history_user = actor  # type: ignore[attr-defined]
    task.save()
    return task


@transaction.atomic
def tasks_per_village(
    *, measure: Measure, actor: User, title: str, description: str = "", starts_on: dt.date, deadline: dt.date
) -> list[Task]:
    """One task per active village of the township ("每个村一项"); villages that already have a task of this title
    on the measure are left as they are, so sending the form twice creates nothing twice."""
    township_id = measure.plan.township_id
    _require_office(actor, township_id)
    have = set(Task.objects.filter(measure=measure, title=title.strip()).values_list("village_id", flat=True))
    villages = Village.objects.filter(township_id=township_id, is_active=True).exclude(pk__in=have).order_by("code")
    return [
        task_create(
            measure=measure,
            actor=actor,
            title=title,
            description=description,
            village=v,
            starts_on=starts_on,
            deadline=deadline,
        )
        for v in villages
    ]


@transaction.atomic
def task_update(
    *, task: Task, actor: User, title: str, description: str, starts_on: dt.date, deadline: dt.date
) -> Task:
    """The office changes a task's words or dates (history kept); who it belongs to stays."""
    _require_office(actor, task.township_id)
    task = Task.objects.select_for_update().get(pk=task.pk)
    _check_task_fields(task.township_id, task.village, task.unit, starts_on, deadline)
    if not title.strip():
        raise WorkflowError(_("Name the task."))
    if any(q not in reporting_quarters(_dated(task, starts_on, deadline)) for q in _filed(task)):
        raise WorkflowError(_("Reports were filed for quarters outside these dates."))
    task.title, task.description, task.starts_on, task.deadline = (
        title.strip(),
        description.strip(),
        starts_on,
        deadline,
    )
    task._history_user = actor  # type: ignore[attr-defined]
    task.save()
    return task


def _dated(task: Task, starts_on: dt.date, deadline: dt.date) -> Task:
    return Task(state=task.state, done_on=task.done_on, starts_on=starts_on, deadline=deadline)


def _filed(task: Task) -> list[tuple[int, int]]:
    return list(ProgressReport.objects.filter(task=task).values_list("year", "quarter"))


# -- quarterly reports ----------------------------------------------------------------------------------------------


def _attach(report: ProgressReport, event: ReportEvent, actor: User, files: Sequence[CheckedFile]) -> None:
    for checked in files:
        ReportAttachment(report=report, event=event, uploaded_by=actor).store(checked)


def _check_report_text(work_done: str) -> None:
    if not work_done.strip():
        raise WorkflowError(_("Write what was done this quarter."))


@transaction.atomic
def report_submit(
    *,
    task_id: int,
    actor: User,
    year: int,
    quarter: int,
    work_done: str,
    figures: str = "",
    is_final: bool = False,
    files: Sequence[CheckedFile] = (),
) -> ProgressReport:
    """The village or unit files its report on a quarter: one per task and quarter, for a quarter that has begun
    and belongs to the task's time."""
    task = Task.objects.select_for_update().get(pk=task_id)
    if not is_responsible(get_scope(actor), task):
        raise WorkflowError(_("Only the task's own village or unit files its reports."))
    if task.state != Task.State.ACTIVE:
        raise WorkflowError(_("The task is done: no more reports are needed."))
    _check_report_text(work_done)
    label = quarter_label(year, quarter)
    if (year, quarter) not in reporting_quarters(task):
        raise WorkflowError(_("%(quarter)s is outside the task's time.") % {"quarter": label})
    if quarter_bounds(year, quarter)[0] > local_today():
        raise WorkflowError(_("%(quarter)s has not begun yet.") % {"quarter": label})
    if ProgressReport.objects.filter(task=task, year=year, quarter=quarter).exists():
        raise WorkflowError(_("The report on %(quarter)s was already filed.") % {"quarter": label})
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(
                task=task,
                year=year,
                quarter=quarter,
                work_done=work_done.strip(),
                figures=figures.strip(),
                is_final=is_final,
                submitted_by=actor,
            )
    except IntegrityError as exc:  # filed at the same moment by a colleague
        raise WorkflowError(_("The report on %(quarter)s was already filed.") % {"quarter": label}) from exc
    event = ReportEvent.objects.create(
        report=report, action=ReportEvent.Action.SUBMIT, to_state=report.state, actor=actor
    )
    _attach(report, event, actor, files)
    return report


def _move(
    report_id: int,
    name: str,
    *,
    actor: User,
    note: str,
    expected_state: str | None,
    changes: dict[str, Any] | None = None,
) -> tuple[ProgressReport, ReportEvent]:
    """The one path of every review step (inside the caller's transaction): lock, check, write, record."""
    step = REPORT_TRANSITIONS[name]
    report = ProgressReport.objects.select_for_update().select_related("task").get(pk=report_id)
    if (expected_state and report.state != expected_state) or report.state not in step.source:
        raise WorkflowError(
            _("The report is now “%(state)s”: “%(step)s” is not possible. Please look at it again.")
            % {"state": report.get_state_display(), "step": step.label}
        )
    if not report_roles(actor, report.task) & step.roles:
        raise WorkflowError(_("You may not take the step “%(step)s” on this report.") % {"step": step.label})
    if step.needs_note and not note.strip():
        raise WorkflowError(_("Please write your comments for “%(step)s”.") % {"step": step.label})
    for attr, value in (changes or {}).items():
        setattr(report, attr, value)
    old = report.state
    report.state = step.target
    report.save()
    event = ReportEvent.objects.create(
        report=report, action=name, actor=actor, from_state=old, to_state=report.state, note=note.strip()
    )
    return report, event


@transaction.atomic
def report_accept(*, report_id: int, actor: User, note: str = "", expected_state: str | None = None) -> ProgressReport:
    """The office accepts the report; a final report completes the task (its measure may then be done)."""
    changes: dict[str, Any] = {"reviewed_by": actor, "reviewed_at": timezone.now()}
    if note.strip():
        changes["review_note"] = note.strip()
    report, _event = _move(report_id, "accept", actor=actor, note=note, expected_state=expected_state, changes=changes)
    if report.is_final:
        task = Task.objects.select_for_update().get(pk=report.task_id)
        task.state, task.done_on = Task.State.DONE, local_today()
        task._history_user = actor  # type: ignore[attr-defined]
        task.save()
    return report


@transaction.atomic
def report_return(*, report_id: int, actor: User, note: str, expected_state: str | None = None) -> ProgressReport:
    """The office returns the report with comments: what is missing or wrong."""
    changes = {"review_note": note.strip(), "reviewed_by": actor, "reviewed_at": timezone.now()}
    return _move(report_id, "return", actor=actor, note=note, expected_state=expected_state, changes=changes)[0]


@transaction.atomic
def report_resubmit(
    *,
    report_id: int,
    actor: User,
    work_done: str,
    figures: str = "",
    is_final: bool = False,
    files: Sequence[CheckedFile] = (),
    expected_state: str | None = None,
) -> ProgressReport:
    """The village or unit answers the comments and sends the report again (its earlier files stay)."""
    _check_report_text(work_done)
    changes = {
        "work_done": work_done.strip(),
        "figures": figures.strip(),
        "is_final": is_final,
        "submitted_at": timezone.now(),
    }
    report, event = _move(report_id, "resubmit", actor=actor, note="", expected_state=expected_state, changes=changes)
    _attach(report, event, actor, files)
    return report


# -- targets ----------------------------------------------------------------------------------------------------


@transaction.atomic
def target_enter(*, target: Target, actor: User, value: Decimal, as_of: dt.date, source_note: str) -> TargetEntry:
    """The office records a target's figure as of a day, with its source; earlier figures are kept."""
    _require_office(actor, target.plan.township_id)
    if target.is_computed:
        raise WorkflowError(_("This figure is computed from the system's records; it is not typed."))
    if as_of > local_today():
        raise WorkflowError(_("The figure cannot be as of a day in the future."))
    if not source_note.strip():
        raise WorkflowError(_("Say where the figure comes from."))
    if value < 0:
        raise WorkflowError(_("The figure cannot be negative."))
    return TargetEntry.objects.create(
        target=target, value=value, as_of=as_of, source_note=source_note.strip(), entered_by=actor
    )
