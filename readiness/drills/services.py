"""Every write of drills, plans, the §24 unit mark and penalties: one function each, keyword-only, in one
transaction, refusing with a WorkflowError whose message tells the user why."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import local_today
from core.errors import WorkflowError
from core.files import CheckedFile
from units.access import get_scope
from units.models import Enterprise, User

from ..models import Drill, DrillFile, DrillKeyUnit, EmergencyPlan, Penalty, PenaltyKind
from .access import (
    deciding_units_for,
    linkable_hazards,
    linkable_inspections,
    may_mark_key_unit,
    may_record_drills,
    may_void_penalty,
)

EARLIEST = dt.date(2000, 1, 1)


def _locked(enterprise: Enterprise, actor: User) -> Enterprise:
    """The enterprise, locked (records of one enterprise are written one after another), if the actor may record."""
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if not may_record_drills(get_scope(actor), locked):
        raise WorkflowError(_("You may not record drills for this enterprise."))
    return locked


def _check_day(day: dt.date, what: str) -> None:
    if day > local_today():
        raise WorkflowError(_("%(what)s cannot lie in the future.") % {"what": what})
    if day < EARLIEST:
        raise WorkflowError(_("%(what)s is too far in the past.") % {"what": what})


@transaction.atomic
def plan_add(*, enterprise: Enterprise, actor: User, fields: dict[str, Any]) -> EmergencyPlan:
    enterprise = _locked(enterprise, actor)
    _check_day(fields["approved_on"], _("The approval date"))
    revised = fields.get("revised_on")
    if revised is not None:
        _check_day(revised, _("The revision date"))
        if revised < fields["approved_on"]:
            raise WorkflowError(_("A plan cannot be revised before it was approved."))
    return EmergencyPlan.objects.create(
        township_id=enterprise.township_id, enterprise=enterprise, created_by=actor, **fields
    )


@transaction.atomic
def drill_record(
    *,
    enterprise: Enterprise,
    actor: User,
    fields: dict[str, Any],
    files: list[CheckedFile] | None = None,
    source: str = Drill.Source.FORM,
) -> Drill:
    """1. Lock the enterprise and check the actor may record its drills.
    2. Check the date and that the plan drilled is the enterprise's own (its kind is the plan's).
    3. Save the drill and its photos or documents."""
    enterprise = _locked(enterprise, actor)
    _check_day(fields["held_on"], _("The drill date"))
    plan: EmergencyPlan | None = fields.get("plan")
    if plan is not None:
        if plan.enterprise_id != enterprise.pk:
            raise WorkflowError(_("This plan is not the enterprise's."))
        fields = {**fields, "kind": plan.kind}
    drill = Drill.objects.create(
        township_id=enterprise.township_id,
        enterprise=enterprise,
        recorded_by=actor,
        recorded_at=timezone.now(),
        source=source,
        **fields,
    )
    for checked in files or []:
        DrillFile(drill=drill, uploaded_by=actor).store(checked)
    return drill


@transaction.atomic
def key_unit_set(*, enterprise: Enterprise, actor: User, marked: bool, reason: str = "") -> None:
    """The office marks (or unmarks) an enterprise as one of §24's half-yearly drill units."""
    if not may_mark_key_unit(get_scope(actor), enterprise):
        raise WorkflowError(_("Only the township's office marks the units that drill half-yearly."))
    Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if not marked:
        DrillKeyUnit.objects.filter(enterprise=enterprise).delete()
        return
    if not reason.strip():
        raise WorkflowError(_("Please give the reason."))
    DrillKeyUnit.objects.update_or_create(
        enterprise=enterprise, defaults={"reason": reason.strip(), "marked_by": actor, "marked_at": timezone.now()}
    )


@transaction.atomic
def penalty_record(*, actor: User, township_id: int, fields: dict[str, Any]) -> Penalty:
    """A penalty (§28), decided by a unit with enforcement power the actor may record for. 罚款 needs the amount;
    一案双罚 the unit's fine and the responsible person with their fine."""
    scope = get_scope(actor)
    unit = fields["unit"]
    if not deciding_units_for(scope, township_id).filter(pk=unit.pk).exists():
        raise WorkflowError(_("You may not record penalties decided by this unit."))
    enterprise: Enterprise = fields["enterprise"]
    if enterprise.township_id != township_id:
        raise WorkflowError(_("The enterprise is not in this township."))
    _check_day(fields["decided_on"], _("The decision date"))
    kind = fields["kind"]
    if kind in (PenaltyKind.FINE, PenaltyKind.DOUBLE) and not fields.get("amount"):
        raise WorkflowError(_("A fine needs its amount in yuan."))
    if kind == PenaltyKind.DOUBLE and (not fields.get("person_name") or not fields.get("person_amount")):
        raise WorkflowError(_("A double penalty punishes the responsible person too: give their name and fine."))
    if kind != PenaltyKind.DOUBLE:
        fields = {**fields, "person_name": "", "person_amount": None}
    for link in ("hazard", "inspection"):
        linked = fields.get(link)
        if linked is not None and linked.enterprise_id != enterprise.pk:
            raise WorkflowError(_("The linked hazard or inspection is not of this enterprise."))
    hazard, inspection = fields.get("hazard"), fields.get("inspection")
    if hazard is not None and not linkable_hazards(actor, enterprise).filter(pk=hazard.pk).exists():
        raise WorkflowError(_("The linked hazard or inspection is not of this enterprise."))
    if inspection is not None and not linkable_inspections(actor, enterprise).filter(pk=inspection.pk).exists():
        raise WorkflowError(_("The linked hazard or inspection is not of this enterprise."))
    return Penalty.objects.create(township_id=township_id, recorded_by=actor, recorded_at=timezone.now(), **fields)


@transaction.atomic
def penalty_void(*, penalty: Penalty, actor: User, reason: str) -> Penalty:
    """The office voids a penalty recorded in error: who, when and why are kept on the record, which stays (listed
    when asked for); a voided penalty no longer counts anywhere (零处罚 included)."""
    locked = Penalty.objects.select_for_update().get(pk=penalty.pk)
    if locked.voided_at is not None:
        raise WorkflowError(_("This penalty is already voided."))
    if not may_void_penalty(get_scope(actor), locked):
        raise WorkflowError(_("Only the township's office voids a penalty."))
    if not reason.strip():
        raise WorkflowError(_("Please give the reason."))
    locked.voided_at, locked.voided_by, locked.void_reason = timezone.now(), actor, reason.strip()
    locked.save(update_fields=["voided_at", "voided_by", "void_reason"])
    return locked
