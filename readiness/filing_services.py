"""Every write of work plans and monthly reports (三(一) 审核备案; 月报, 零报告).

Work plans: a village or unit files (`work_plan_file`: the first filing creates the plan, a filing after a return
is the step "refile"); the office approves or returns with comments. Every step goes through `_move`: the plan's
row is locked, the step is checked against the table (models.filing.PLAN_TRANSITIONS) and the actor's roles
(filing_access.plan_roles, the same the page asks), the state is written and an event row records who, when, from,
to, why and the document. Two people at once: the second waits for the lock, then is told the plan has moved.

Monthly reports: one per village or unit and month, from the month's end on; never before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import local_today, month_bounds
from core.errors import WorkflowError
from core.files import CheckedFile
from inspections.models.workflow import Steps, allowed
from units.access import get_scope
from units.models import Township, Unit, User, Village

from .filing_access import own_target, plan_roles
from .filing_selectors import Reporters, Target, may_correct, round_filers, settings_for
from .models.filing import (
    PLAN_TRANSITIONS,
    FilingRound,
    FilingSettings,
    MonthlyReport,
    MonthlyReportEvent,
    WorkPlan,
    WorkPlanEvent,
    WorkPlanFile,
)

State = WorkPlan.State
Action = WorkPlanEvent.Action
MAX_NOTE = 2000


def plan_actions(user: Any, plan: WorkPlan) -> Steps:
    """The steps the user may take on the plan now: what its page offers and what `_move` accepts."""
    return allowed(PLAN_TRANSITIONS, plan.state, plan_roles(user, plan))


def _checked(files: list[CheckedFile]) -> list[CheckedFile]:
    """The documents of a filing, already checked by content (core.files.check_uploads, the form's field)."""
    if not files:
        raise WorkflowError(_("Attach the work plan (a PDF, or photos of its pages)."))
    return files


def _event(plan: WorkPlan, action: str, actor: User, old: str, note: str, files: list[CheckedFile]) -> WorkPlanEvent:
    event = WorkPlanEvent.objects.create(
        plan=plan, action=action, from_state=old, to_state=plan.state, actor=actor, note=note.strip()[:MAX_NOTE]
    )
    for checked in files:
        WorkPlanFile(event=event).store(checked)
    return event


# -- rounds ----------------------------------------------------------------------------------------------------


@transaction.atomic
def filing_round_create(
    *, township: Township, actor: User, title: str, deadline: dt.date, for_villages: bool, for_units: bool
) -> FilingRound:
    """The office calls for work plans: who files (villages, units or both) and by when."""
    if not get_scope(actor).is_office_for(township.pk):
        raise WorkflowError(_("Only the township's office sets filing rounds."))
    if not (for_villages or for_units):
        raise WorkflowError(_("Choose who files: villages, units or both."))
    title = title.strip()
    if not title:
        raise WorkflowError(_("Give the round a title."))
    if FilingRound.objects.filter(township=township, title=title).exists():
        raise WorkflowError(_("A round with this title exists already."))
    return FilingRound.objects.create(
        township=township, title=title, deadline=deadline, for_villages=for_villages, for_units=for_units,
        created_by=actor,
    )  # fmt: skip


# -- work plans ------------------------------------------------------------------------------------------------


@transaction.atomic
def work_plan_file(
    *, round: FilingRound, target: Village | Unit, actor: User, files: list[CheckedFile], note: str = ""
) -> WorkPlan:
    """A village or unit files its plan in a round.

    1. The actor files for this village or unit, and it is one of the round's filers.
    2. Check every document before anything is stored.
    3. Lock the round; no plan yet: create it (submitted). Returned: the step "refile" through `_move`. Otherwise
       (awaiting review, approved) it is refused.
    """
    if not own_target(get_scope(actor), target):
        raise WorkflowError(_("You do not file for %(name)s.") % {"name": target})
    if Target(target).key not in {t.key for t in round_filers(round)}:
        raise WorkflowError(_("%(name)s does not file in this round.") % {"name": target})
    checked = _checked(files)
    list(FilingRound.objects.select_for_update().filter(pk=round.pk).values_list("pk", flat=True))
    fields = Target(target).fields()
    plan = WorkPlan.objects.filter(round=round, **fields).first()
    if plan is not None:
        return _move(plan.pk, "refile", actor=actor, note=note, files=checked)
    now = timezone.now()
    try:
        with transaction.atomic():
            plan = WorkPlan.objects.create(round=round, state=State.SUBMITTED, filed_at=now, updated_at=now, **fields)
    except IntegrityError as exc:
        raise WorkflowError(_("The plan has just been filed by someone else. Please look at it again.")) from exc
    _event(plan, Action.FILE, actor, "", note, checked)
    return plan


def _move(
    plan_id: int,
    name: str,
    *,
    actor: User,
    note: str = "",
    expected: str | None = None,
    files: list[CheckedFile] | None = None,
) -> WorkPlan:
    """The one path of every step (inside the caller's transaction): lock, check, write, record."""
    step = PLAN_TRANSITIONS[name]
    plan = WorkPlan.objects.select_for_update(of=("self",)).select_related("round", "village", "unit").get(pk=plan_id)
    if (expected and plan.state != expected) or plan.state not in step.source:
        raise WorkflowError(
            _("The work plan is now “%(state)s”: “%(step)s” is not possible. Please look at it again.")
            % {"state": plan.get_state_display(), "step": step.label}
        )
    if not plan_roles(actor, plan) & step.roles:
        raise WorkflowError(_("You may not take the step “%(step)s” on this work plan.") % {"step": step.label})
    if step.needs_note and not note.strip():
        raise WorkflowError(_("Please give the reason for “%(step)s”.") % {"step": step.label})
    old = plan.state
    plan.state = step.target
    plan.updated_at = timezone.now()
    plan.save(update_fields=["state", "updated_at"])
    _event(plan, name, actor, old, note, files or [])
    return plan


@transaction.atomic
def work_plan_approve(*, plan_id: int, actor: User, note: str = "", expected: str | None = None) -> WorkPlan:
    """The office approves the plan (备案)."""
    return _move(plan_id, "approve", actor=actor, note=note, expected=expected)


@transaction.atomic
def work_plan_return(*, plan_id: int, actor: User, note: str, expected: str | None = None) -> WorkPlan:
    """The office returns the plan with its comments; the village or unit files again."""
    return _move(plan_id, "return", actor=actor, note=note, expected=expected)


# -- monthly reports -------------------------------------------------------------------------------------------


@transaction.atomic
def monthly_report_submit(
    *, target: Village | Unit, month: dt.date, actor: User, hazards_found: int, note: str = ""
) -> MonthlyReport:
    """A village or unit reports on a month: the hazards it found, 0 for a zero report (零报告).

    1. The actor files for this village or unit (in the township it acts in).
    2. Only a month that has ended; a count from 0 to 9999.
    3. Once per month: a second report is refused (the unique constraint decides a race).
    """
    if not own_target(get_scope(actor), target):
        raise WorkflowError(_("You do not report for %(name)s.") % {"name": target})
    month = month.replace(day=1)
    if month_bounds(month)[1] >= local_today():
        raise WorkflowError(_("A month is reported on once it has ended."))
    if Target(target).key not in {t.key for t in Reporters(target.township_id).for_month(month)}:
        raise WorkflowError(_("%(name)s does not report monthly (the township's settings).") % {"name": target})
    if not 0 <= hazards_found <= 9999:
        raise WorkflowError(_("The number of hazards must be between 0 and 9999."))
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(
                township_id=target.township_id, month=month, hazards_found=hazards_found, note=note.strip()[:500],
                reported_by=actor, **Target(target).fields(),
            )  # fmt: skip
    except IntegrityError as exc:
        raise WorkflowError(
            _("%(name)s has already reported on %(month)s.") % {"name": target, "month": f"{month:%Y-%m}"}
        ) from exc
    MonthlyReportEvent.objects.create(
        report=report, action=MonthlyReportEvent.Action.SEND, hazards_found=hazards_found, note=report.note,
        actor=actor, created_at=report.reported_at,
    )  # fmt: skip
    return report


@transaction.atomic
def monthly_report_correct(*, report_id: int, actor: User, hazards_found: int, note: str = "") -> MonthlyReport:
    """Its village or unit corrects a sent report, until the month's due day (inclusive); afterwards the office
    counts on it and it stands. The report keeps its first sending time (on time or late); each correction is an
    event with the new count, so the office sees the count's history.
    """
    report = MonthlyReport.objects.select_for_update(of=("self",)).select_related("village", "unit").get(pk=report_id)
    target = report.village or report.unit
    if target is None or not own_target(get_scope(actor), target):
        raise WorkflowError(_("You do not report for %(name)s.") % {"name": target})
    due = Reporters(report.township_id).due(report.month)
    if not may_correct(report, local_today(), due):
        raise WorkflowError(
            _("The report can be corrected until %(due)s; that day has passed.") % {"due": f"{due:%Y-%m-%d}"}
        )
    if not 0 <= hazards_found <= 9999:
        raise WorkflowError(_("The number of hazards must be between 0 and 9999."))
    report.hazards_found, report.note = hazards_found, note.strip()[:500]
    report.save(update_fields=["hazards_found", "note"])
    MonthlyReportEvent.objects.create(
        report=report, action=MonthlyReportEvent.Action.CORRECT, hazards_found=hazards_found, note=report.note,
        actor=actor,
    )  # fmt: skip
    return report


@transaction.atomic
def filing_settings_update(
    *, township: Township, actor: User, villages_report: bool, units_report: str, due_day: int
) -> FilingSettings:
    """The office sets who reports monthly and by which day of the following month."""
    if not get_scope(actor).is_office_for(township.pk):
        raise WorkflowError(_("Only the township's office changes these settings."))
    if not 1 <= due_day <= 28 or units_report not in FilingSettings.Units.values:
        raise WorkflowError(_("Choose a due day from 1 to 28."))
    settings = settings_for(township)
    settings.villages_report, settings.units_report, settings.due_day = villages_report, units_report, due_day
    settings.save()
    return settings
