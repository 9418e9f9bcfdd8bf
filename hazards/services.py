"""Every write to a hazard goes through here: reporting, each workflow step, evidence, deadline extensions.

Each step locks the hazard row, checks the transition table (models.TRANSITIONS) and the actor's right for this
hazard (access.HazardRights, the rules the pages ask too), writes, and records an event with its evidence. Two
people acting at once: the second one waits for the lock, then finds the hazard already moved and gets a clear
message; nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import local_today
from core.errors import WorkflowError
from core.files import CheckedFile
from units.access import Scope, get_scope
from units.models import Enterprise, Sector, SupervisionGroup, Unit, User, Village
from units.offices import filler_unit_name, township_unit_name

from .access import (
    HazardRights,
    may_fix_on_the_spot,
    may_judge_major_fire,
    may_see_source,
    step_capacity,
    verifiers_for,
)
from .listeners import hazard_changed
from .models import (
    DEADLINE_STATUSES,
    TRANSITIONS,
    Channel,
    DeadlineExtension,
    Evidence,
    Hazard,
    HazardEvent,
    Level,
    Status,
)
from .numbering import next_number, number_for

Action = HazardEvent.Action


# -- helpers ------------------------------------------------------------------------------------------


def _locked(hazard_id: int) -> Hazard:
    return Hazard.objects.select_for_update().get(pk=hazard_id)


def _record(
    hazard: Hazard,
    *,
    action: str,
    actor: User | None,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    files: Sequence[tuple[str, CheckedFile]] = (),
    capacity: str = "",
    on_behalf_of: str = "",
) -> HazardEvent:
    event = HazardEvent.objects.create(
        hazard=hazard,
        action=action,
        actor=actor,
        note=note,
        from_status=from_status,
        to_status=to_status,
        capacity=capacity,
        on_behalf_of=on_behalf_of,
    )
    for kind, checked in files:
        _store_evidence(hazard, event, kind, checked, actor)
    return event


def _store_evidence(hazard: Hazard, event: HazardEvent, kind: str, checked: CheckedFile, actor: User | None) -> None:
    evidence = Evidence(
        hazard=hazard, event=event, kind=kind, width=checked.width, height=checked.height, uploaded_by=actor
    )
    evidence.store(checked)


def _check_step(hazard: Hazard, name: str, scope: Scope, expected_status: str | None) -> None:
    if expected_status and hazard.status != expected_status:
        raise WorkflowError(
            _(
                "Someone else has just acted on this hazard: it is now “%(status)s”. "
                "Your change was not saved; please look at the hazard again."
            )
            % {"status": hazard.get_status_display()}
        )
    HazardRights(scope, hazard).check_step(name)


def _move(
    hazard_id: int,
    name: str,
    *,
    actor: User,
    note: str,
    expected_status: str | None,
    files: Sequence[tuple[str, CheckedFile]] = (),
    changes: dict[str, Any] | None = None,
    validate: Any = None,
) -> Hazard:
    """The one path of every workflow step (inside the caller's transaction)."""
    hazard = _locked(hazard_id)
    scope = get_scope(actor)
    _check_step(hazard, name, scope, expected_status)
    transition = TRANSITIONS[name]
    if transition.needs_note and not note.strip():
        raise WorkflowError(_("Please give the reason for “%(step)s”.") % {"step": transition.label})
    for field, value in (changes or {}).items():
        setattr(hazard, field, value)
    if validate is not None:
        validate(hazard)
    capacity, on_behalf_of = step_capacity(scope, hazard, name)
    old = hazard.status
    hazard.status = transition.target
    hazard._history_user = actor  # type: ignore[attr-defined]
    hazard.save()
    _record(
        hazard,
        action=name,
        actor=actor,
        note=note,
        from_status=old,
        to_status=hazard.status,
        files=files,
        capacity=capacity,
        on_behalf_of=on_behalf_of,
    )
    hazard_changed(hazard.pk)
    return hazard


def acceptance_names(actor: User, hazard: Hazard) -> tuple[str, str]:
    """Who accepts the rectification, for the ledger (验收单位, 验收人): the actor's unit among the hazard's
    verifiers, else their own unit in the township (the office standing in, an inspector fixing on the spot)."""
    unit_ids = get_scope(actor).unit_ids & verifiers_for(hazard).unit_ids
    unit = Unit.objects.filter(pk__in=unit_ids).order_by("pk").first() if unit_ids else None
    township = hazard.township
    unit_name = township_unit_name(township, unit.name) if unit is not None else filler_unit_name(actor, township)
    return unit_name, actor.display_name


# -- reporting ----------------------------------------------------------------------------------------


def _in_group_covering(scope: Scope, village: Village) -> bool:
    """§1: a supervision group records the physical hazards its visit finds, even when its leader only reads."""
    if scope.user_id is None:
        return False
    groups = SupervisionGroup.objects.filter(is_active=True, township_id=village.township_id)
    mine = groups.filter(Q(leader_id=scope.user_id) | Q(members=scope.user_id))
    return mine.filter(Q(villages=village) | Q(units__isnull=False)).exists()


def _check_report_scope(scope: Scope, *, village: Village, enterprise: Enterprise | None, sector: Sector) -> None:
    if (scope.is_read_only or not scope.roles) and not _in_group_covering(scope, village):
        raise WorkflowError(_("Your role does not report hazards."))
    if scope.is_read_only:
        return
    if scope.is_office_for(village.township_id):
        return
    if enterprise is not None and enterprise.pk in scope.enterprise_ids:
        return
    if village.pk in scope.village_ids:
        return
    # Department staff inspect across the township and find hazards of other sectors too (a fire hazard on a
    # building site); the hazard is routed to its own sector's lead unit.
    if scope.unit_ids and village.township_id in scope.township_ids:
        return
    raise WorkflowError(_("This village, sector or enterprise is outside your responsibility."))


def _check_place(*, village: Village, enterprise: Enterprise | None) -> None:
    if enterprise is not None and enterprise.village_id != village.pk:
        raise WorkflowError(_("The enterprise “%(name)s” is not in this village.") % {"name": enterprise.name})


def _report_level(fields: dict[str, Any]) -> None:
    """The level a report starts at: the reporter's, never below what a checklist item suggests (§6)."""
    suggested = fields.get("suggested_level") or ""
    if suggested not in ("", *Level.values):
        raise WorkflowError(_("Unknown suggested level."))
    fields["suggested_level"] = suggested
    fields["level"] = fields.get("level") or suggested or Level.GENERAL
    if suggested == Level.MAJOR and fields["level"] != Level.MAJOR:
        raise WorkflowError(
            _(
                "The checklist item suggests a major hazard, so it is reported as major. The township safety office "
                "or the hazard's lead unit may lower the level, with a reason, when registering it."
            )
        )


FIRE_FIELDS = ("is_major_fire", "fire_judged_by", "fire_judgement_document", "fire_judged_on")


def _fire_snapshot(hazard: Hazard) -> tuple[Any, ...]:
    return tuple(getattr(hazard, f) for f in FIRE_FIELDS)


def _check_major_fire(scope: Scope, hazard: Hazard, *, before: tuple[Any, ...] | None) -> None:
    """重大火灾隐患 (§7, GB 35181): judged by the fire-rescue authority, recorded by those who receive its documents.

    1. Any change of the flag or the judgement: only the office or the 消防 lead unit (access.may_judge_major_fire).
    2. The flag needs the authority and the document number; the date, when given, lies between the day the
       hazard was found and today. Clearing the flag clears the judgement (the field history keeps it).
    3. The flag makes the hazard major, in every path (the database refuses anything else).
    """
    unchanged = _fire_snapshot(hazard) == (before or (False, "", "", None))
    if not unchanged and not may_judge_major_fire(scope, hazard):
        raise WorkflowError(
            _(
                "Only the township safety office or the lead unit of 消防 records or clears a major fire hazard "
                "judged by the fire-rescue authority."
            )
        )
    if not hazard.is_major_fire:
        hazard.fire_judged_by, hazard.fire_judgement_document, hazard.fire_judged_on = "", "", None
        return
    hazard.fire_judged_by = (hazard.fire_judged_by or "").strip()
    hazard.fire_judgement_document = (hazard.fire_judgement_document or "").strip()
    if not unchanged and not (hazard.fire_judged_by and hazard.fire_judgement_document):
        raise WorkflowError(
            _(
                "A major fire hazard is judged by the fire-rescue authority (消防救援机构): record the authority "
                "and the number of its judgement document."
            )
        )
    judged_on = hazard.fire_judged_on
    if judged_on is not None and not (hazard.found_on <= judged_on <= local_today()):
        raise WorkflowError(_("The date of the fire judgement lies between the day the hazard was found and today."))
    hazard.level = Level.MAJOR


@transaction.atomic
def hazard_report(*, actor: User, fields: dict[str, Any], photos: Sequence[CheckedFile] = ()) -> Hazard:
    """A new hazard in `reported`, with its problem photos.

    1. Check the reporter's scope over the village, sector or enterprise.
    2. The level: never below the level a checklist item suggests (`suggested_level`, §6); a 重大火灾隐患 is major.
    3. Record the sector's lead unit on the hazard (routing changes later do not rewrite it).
    4. Create the hazard and its first event with the photos.
    """
    scope = get_scope(actor)
    fields = dict(fields)
    village, enterprise, sector = fields["village"], fields.get("enterprise"), fields["sector"]
    _check_report_scope(scope, village=village, enterprise=enterprise, sector=sector)
    _check_place(village=village, enterprise=enterprise)
    _report_level(fields)
    hazard = Hazard(township_id=village.township_id, lead_unit=sector.lead_unit, reported_by=actor, **fields)
    if not may_see_source(scope, hazard):
        # An enterprise reports its own findings; it neither sees nor chooses channels (§27).
        hazard.channel = Channel.SELF_REPORT
    _check_major_fire(scope, hazard, before=None)
    if not hazard.found_by:
        hazard.found_by = actor.display_name
    hazard._history_user = actor  # type: ignore[attr-defined]
    hazard.save()
    _record(
        hazard,
        action=Action.REPORTED,
        actor=actor,
        to_status=hazard.status,
        files=[(Evidence.Kind.PROBLEM, p) for p in photos],
    )
    return hazard


@transaction.atomic
def hazard_fix_on_the_spot(
    *, actor: User, fields: dict[str, Any], before: Sequence[CheckedFile], after: Sequence[CheckedFile]
) -> Hazard:
    """立查立改 (三(二)): a general hazard found and fixed during the inspection, closed in one step.

    It counts in every statistic like any other hazard: found, rectified, closed on time (the same day).
    """
    scope = get_scope(actor)
    if not may_fix_on_the_spot(scope):
        raise WorkflowError(_("Only inspectors record hazards fixed on the spot."))
    fields = dict(fields)
    if Level.MAJOR in (fields.pop("level", None), fields.get("suggested_level")) or fields.get("is_major_fire"):
        # 三(二): only a general hazard is fixed on the spot; a major one is registered, rectified with its 五落实,
        # verified and closed (and may be listed), so that it stays in every count.
        raise WorkflowError(
            _(
                "A major hazard cannot be fixed on the spot (立查立改 is for general hazards only). "
                "Report it instead: it is registered, rectified with the five implementations and verified."
            )
        )
    if not before or not after:
        raise WorkflowError(_("A hazard fixed on the spot needs at least one photo before and one after."))
    village, enterprise, sector = fields["village"], fields.get("enterprise"), fields["sector"]
    _check_report_scope(scope, village=village, enterprise=enterprise, sector=sector)
    _check_place(village=village, enterprise=enterprise)
    now = timezone.now()
    found_on = fields["found_on"]
    hazard = Hazard(
        township_id=village.township_id,
        lead_unit=sector.lead_unit,
        reported_by=actor,
        level=Level.GENERAL,
        status=Status.CLOSED,
        is_fixed_on_the_spot=True,
        deadline=found_on,
        completed_on=found_on,
        confirmed_at=now,
        verified_at=now,
        closed_at=now,
        **fields,
    )
    hazard.found_by = hazard.found_by or actor.display_name
    hazard.accepted_by_unit, hazard.accepted_by_person = acceptance_names(actor, hazard)
    hazard.accepted_on = found_on
    # Registered in the same step: numbered like any registration (the township's counter is locked till commit).
    hazard.number = number_for(hazard)
    hazard._history_user = actor  # type: ignore[attr-defined]
    hazard.save()
    files = [(Evidence.Kind.PROBLEM, p) for p in before] + [(Evidence.Kind.RECTIFICATION, p) for p in after]
    _record(hazard, action=Action.FIXED_ON_THE_SPOT, actor=actor, to_status=Status.CLOSED, files=files)
    return hazard


# -- the workflow steps -------------------------------------------------------------------------------


@transaction.atomic
def hazard_confirm(
    *, hazard_id: int, actor: User, expected_status: str | None = None, note: str = "", **classification: Any
) -> Hazard:
    """登记/判定: level, type, sector, standard and clause; the lead unit follows the (possibly corrected) sector.

    A level below the one a checklist item suggested needs a reason, given by the office or staff of the hazard's
    lead unit (S6: the lead department confirms and levels) — never by a participating unit, nor by the inspector
    who reported it (三(二): the one on site does not downgrade alone).
    A 重大火灾隐患 is major whatever level is chosen (§7).
    """
    before = _locked(hazard_id)
    fire_before = _fire_snapshot(before)
    lead_unit_id, suggested, reporter_id = before.lead_unit_id, before.suggested_level, before.reported_by_id
    changes = dict(classification)
    if "sector" in changes:
        changes["lead_unit"] = changes["sector"].lead_unit
    changes["confirmed_at"] = timezone.now()

    def check_level(hazard: Hazard) -> None:
        scope = get_scope(actor)
        _check_major_fire(scope, hazard, before=fire_before)
        if suggested == Level.MAJOR and hazard.level != Level.MAJOR:
            if not (scope.is_office_for(hazard.township_id) or lead_unit_id in scope.unit_ids):
                raise WorkflowError(
                    _(
                        "The checklist item suggests a major hazard. Only the township safety office or the "
                        "hazard's lead unit may register it at a lower level."
                    )
                )
            if reporter_id == actor.pk:
                raise WorkflowError(
                    _(
                        "The checklist item suggests a major hazard: whoever reported it cannot also lower its "
                        "level; another member of the office or the lead unit registers it."
                    )
                )
            if not note.strip():
                raise WorkflowError(
                    _("The checklist item suggests a major hazard: give the reason for the lower level in the note.")
                )

    def check_level_and_number(hazard: Hazard) -> None:
        check_level(hazard)
        # Last, once the step is allowed: the township row stays locked until the registration commits.
        hazard.number = hazard.number or next_number(hazard)

    return _move(
        hazard_id,
        "confirm",
        actor=actor,
        note=note,
        expected_status=expected_status,
        changes=changes,
        validate=check_level_and_number,
    )


@transaction.atomic
def hazard_dismiss(*, hazard_id: int, actor: User, note: str, expected_status: str | None = None) -> Hazard:
    return _move(hazard_id, "dismiss", actor=actor, note=note, expected_status=expected_status)


def _require_five(hazard: Hazard) -> None:
    if hazard.deadline is None:
        raise WorkflowError(_("Set the rectification deadline first."))
    if hazard.deadline < local_today():
        raise WorkflowError(_("The deadline cannot lie in the past."))
    missing = hazard.missing_five() if hazard.level == Level.MAJOR else []
    if missing:
        raise WorkflowError(
            _("A major hazard enters rectification only with all five implementations recorded; missing: %(items)s.")
            % {"items": "、".join(missing)}
        )


@transaction.atomic
def hazard_start_rectification(
    *, hazard_id: int, actor: User, expected_status: str | None = None, note: str = "", **five: Any
) -> Hazard:
    """整改: the five implementations (措施, 责任, 资金, 时限, 预案); the deadline is set here, once."""
    return _move(
        hazard_id,
        "start_rectification",
        actor=actor,
        note=note,
        expected_status=expected_status,
        changes=five,
        validate=_require_five,
    )


@transaction.atomic
def hazard_request_acceptance(
    *,
    hazard_id: int,
    actor: User,
    note: str = "",
    expected_status: str | None = None,
    photos: Sequence[CheckedFile] = (),
) -> Hazard:
    """申请验收: needs at least one rectification photo or document, uploaded now or before."""

    def has_rectification_evidence(hazard: Hazard) -> None:
        if not photos and not hazard.evidence.filter(kind=Evidence.Kind.RECTIFICATION).exists():
            raise WorkflowError(_("Add at least one rectification photo or document before asking for acceptance."))

    return _move(
        hazard_id,
        "request_acceptance",
        actor=actor,
        note=note,
        expected_status=expected_status,
        files=[(Evidence.Kind.RECTIFICATION, p) for p in photos],
        validate=has_rectification_evidence,
    )


def _last_request(hazard: Hazard) -> HazardEvent | None:
    return hazard.events.filter(action=Action.REQUEST_ACCEPTANCE).order_by("-created_at", "-pk").first()


@transaction.atomic
def hazard_verify(
    *,
    hazard_id: int,
    actor: User,
    note: str = "",
    funds_spent: Decimal | None = None,
    expected_status: str | None = None,
    photos: Sequence[CheckedFile] = (),
) -> Hazard:
    """验收 by a unit with supervision duties for the sector (else the office); never by the one who asked."""

    def completed_when_asked(hazard: Hazard) -> None:
        # Whoever asked may not also accept: access.HazardRights.check_step. S2 按期整改率: rectification was
        # completed when the acceptance that now passes was asked for.
        request = _last_request(hazard)
        hazard.completed_on = timezone.localdate(request.created_at) if request else local_today()
        # The acceptance as the ledger names it: the names as they are today, not as they may be renamed later.
        hazard.accepted_by_unit, hazard.accepted_by_person = acceptance_names(actor, hazard)
        hazard.accepted_on = timezone.localdate(hazard.verified_at) if hazard.verified_at else local_today()

    return _move(
        hazard_id,
        "verify",
        actor=actor,
        note=note,
        expected_status=expected_status,
        files=[(Evidence.Kind.REVIEW, p) for p in photos],
        changes={"verified_at": timezone.now(), **({"funds_spent": funds_spent} if funds_spent is not None else {})},
        validate=completed_when_asked,
    )


@transaction.atomic
def hazard_refuse_acceptance(
    *, hazard_id: int, actor: User, note: str, expected_status: str | None = None, photos: Sequence[CheckedFile] = ()
) -> Hazard:
    return _move(
        hazard_id,
        "refuse_acceptance",
        actor=actor,
        note=note,
        expected_status=expected_status,
        files=[(Evidence.Kind.REVIEW, p) for p in photos],
    )


@transaction.atomic
def hazard_close(*, hazard_id: int, actor: User, note: str = "", expected_status: str | None = None) -> Hazard:
    """销号, by the office only. The closing date does not count against the village or unit (S2): the on-time
    rate reads `completed_on`, set when the acceptance passed."""
    changes = {"closed_at": timezone.now()}
    return _move(hazard_id, "close", actor=actor, note=note, expected_status=expected_status, changes=changes)


# -- evidence and edits outside the steps -------------------------------------------------------------


@transaction.atomic
def hazard_add_evidence(
    *, hazard_id: int, actor: User, kind: str, photos: Sequence[CheckedFile], note: str = ""
) -> Hazard:
    hazard = _locked(hazard_id)
    HazardRights(get_scope(actor), hazard).check_add_evidence()
    if not photos:
        raise WorkflowError(_("Choose at least one file."))
    _record(hazard, action=Action.EVIDENCE, actor=actor, note=note, files=[(kind, p) for p in photos])
    return hazard


EDITABLE_FIELDS = ("title", "description", "location", "basis", "clause", "measures", "responsible_person",
                   "responsible_phone", "funds", "contingency_plan", "hazard_type", *FIRE_FIELDS,
                   "production_stopped", "progress_note", "remarks")  # fmt: skip
# A hazard turned major here must have its 五落实 when it is already being rectified (_require_five's rule).
FIVE_REQUIRED_STATUSES = (Status.RECTIFYING, Status.PENDING_ACCEPTANCE)


@transaction.atomic
def hazard_update(*, hazard_id: int, actor: User, changes: dict[str, Any]) -> Hazard:
    """Corrections to an open hazard by the office or its lead department; kept in the field history.

    A 重大火灾隐患 recorded here makes the hazard major (§7); while it is being rectified, the same edit must then
    complete its five implementations (五落实), or nothing is saved.
    """
    hazard = _locked(hazard_id)
    scope = get_scope(actor)
    fire_before, was_major = _fire_snapshot(hazard), hazard.is_major
    HazardRights(scope, hazard).check_edit()
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise WorkflowError(
            _("These fields cannot be edited here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    for field, value in changes.items():
        setattr(hazard, field, value)
    _check_major_fire(scope, hazard, before=fire_before)
    turned_major = hazard.is_major and not was_major
    missing = hazard.missing_five() if turned_major and hazard.status in FIVE_REQUIRED_STATUSES else []
    if missing:
        raise WorkflowError(
            _(
                "This hazard is now major and is being rectified: record its five implementations in the same "
                "edit; missing: %(items)s."
            )
            % {"items": "、".join(missing)}
        )
    hazard._history_user = actor  # type: ignore[attr-defined]
    hazard.save()
    return hazard


# -- deadline extensions ------------------------------------------------------------------------------


@transaction.atomic
def extension_request(*, hazard_id: int, actor: User, new_deadline: dt.date, reason: str) -> DeadlineExtension:
    hazard = _locked(hazard_id)
    HazardRights(get_scope(actor), hazard).check_request_extension()
    if hazard.deadline is None or new_deadline <= hazard.deadline:
        raise WorkflowError(_("The new deadline must be later than the current one (%(d)s).") % {"d": hazard.deadline})
    if not reason.strip():
        raise WorkflowError(_("Please give the reason for the extension."))
    extension = DeadlineExtension.objects.create(
        hazard=hazard, old_deadline=hazard.deadline, new_deadline=new_deadline, reason=reason, requested_by=actor
    )
    _record(
        hazard,
        action=Action.EXTENSION_REQUESTED,
        actor=actor,
        note=_("%(old)s → %(new)s: %(reason)s") % {"old": hazard.deadline, "new": new_deadline, "reason": reason},
    )
    return extension


@transaction.atomic
def extension_decide(*, extension_id: int, actor: User, approve: bool, note: str = "") -> DeadlineExtension:
    """The office or the lead department decides; an approved request is the only way a deadline moves."""
    extension = DeadlineExtension.objects.select_for_update().get(pk=extension_id)
    hazard = _locked(extension.hazard_id)
    HazardRights(get_scope(actor), hazard).check_decide_extension(extension)
    if not approve and not note.strip():
        raise WorkflowError(_("Please give the reason for refusing the extension."))
    extension.decision = DeadlineExtension.Decision.APPROVED if approve else DeadlineExtension.Decision.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, timezone.now(), note
    extension.save()
    if approve and hazard.status in DEADLINE_STATUSES:
        hazard.extension_count += 1
        hazard.extension_days += max(0, (extension.new_deadline - extension.old_deadline).days)
        hazard.deadline = extension.new_deadline
        hazard._history_user = actor  # type: ignore[attr-defined]
        hazard.save()
        hazard_changed(hazard.pk)
    _record(
        hazard, action=Action.EXTENSION_DECIDED, actor=actor, note=f"{extension.get_decision_display()} {note}".strip()
    )
    return extension
