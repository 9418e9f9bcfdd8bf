"""Work problems handed over by supervision visits (交办单: 限期交办, 跟踪问效, §1).

Every step of a problem goes through `_move`: the row is locked, the step is checked against the table
(models.PROBLEM_TRANSITIONS) and the actor's roles on the problem (access.problem_roles), the problem is written and
an event row records who, when, from, to and what was said. Two people acting at once: the second waits for the
lock, then finds the problem moved and is told so; nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import local_today
from core.errors import WorkflowError
from units.models import Unit, User, Village

from ..access import may_hand_over, problem_roles
from ..models import PROBLEM_TRANSITIONS, Inspection, Kind, Steps, WorkProblem, WorkProblemEvent, allowed

State = WorkProblem.State
Action = WorkProblemEvent.Action


def problem_actions(user: Any, problem: WorkProblem) -> Steps:
    """The steps the user may take on the problem now: what its page offers, and what `_move` accepts."""
    return allowed(PROBLEM_TRANSITIONS, problem.state, problem_roles(user, problem))


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
    WorkProblemEvent.objects.create(problem=problem, action=Action.HANDED_OVER, actor=actor, to_status=problem.state)
    return problem


def _check_step(problem: WorkProblem, name: str, actor: User, expected_status: str | None) -> None:
    step = PROBLEM_TRANSITIONS[name]
    if (expected_status and problem.state != expected_status) or problem.state not in step.source:
        raise WorkflowError(
            _("The problem is now “%(state)s”: “%(step)s” is not possible. Please look at it again.")
            % {"state": problem.get_state_display(), "step": step.label}
        )
    if not problem_roles(actor, problem) & step.roles:
        raise WorkflowError(_("You may not take the step “%(step)s” on this problem.") % {"step": step.label})


def _move(
    problem_id: int,
    name: str,
    *,
    actor: User,
    note: str,
    expected_status: str | None,
    changes: dict[str, Any] | None = None,
) -> WorkProblem:
    """The one path of every step (inside the caller's transaction): lock, check, write, record."""
    step = PROBLEM_TRANSITIONS[name]
    problem = WorkProblem.objects.select_for_update().get(pk=problem_id)
    _check_step(problem, name, actor, expected_status)
    if step.needs_note and not note.strip():
        raise WorkflowError(_("Please give the reason for “%(step)s”.") % {"step": step.label})
    for attr, value in (changes or {}).items():
        setattr(problem, attr, value)
    old = problem.state
    problem.state = step.target
    problem._history_user = actor  # type: ignore[attr-defined]
    problem.save()
    WorkProblemEvent.objects.create(
        problem=problem, action=name, actor=actor, from_status=old, to_status=problem.state, note=note.strip()
    )
    return problem


@transaction.atomic
def problem_reply(*, problem_id: int, actor: User, reply: str, expected_status: str | None = None) -> WorkProblem:
    """The responsible village or unit reports what it did (open → replied)."""
    if not reply.strip():
        raise WorkflowError(_("Write the reply: what was done about the problem."))
    changes = {"reply": reply.strip(), "replied_by": actor, "replied_at": timezone.now()}
    return _move(problem_id, "reply", actor=actor, note=reply, expected_status=expected_status, changes=changes)


@transaction.atomic
def problem_accept(*, problem_id: int, actor: User, note: str = "", expected_status: str | None = None) -> WorkProblem:
    """The office or the group accepts the reply (replied → accepted): 跟踪问效 ends here."""
    changes: dict[str, Any] = {"accepted_by": actor, "accepted_at": timezone.now()}
    if note.strip():
        changes["review_note"] = note.strip()
    return _move(problem_id, "accept", actor=actor, note=note, expected_status=expected_status, changes=changes)


@transaction.atomic
def problem_return(*, problem_id: int, actor: User, note: str, expected_status: str | None = None) -> WorkProblem:
    """The reply is not enough: back to open with a note saying what is still missing (跟踪问效)."""
    if not note.strip():
        raise WorkflowError(_("Say what is still missing before returning the problem."))
    changes = {"review_note": note.strip()}
    return _move(problem_id, "return", actor=actor, note=note, expected_status=expected_status, changes=changes)
