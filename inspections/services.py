"""Every write to an inspection: planning, answering item by item, photos, submitting, findings → hazards."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards import services as hazard_services
from hazards.evidence import CheckedFile, EvidenceError, check_upload, store_checked
from hazards.models import Hazard, local_today
from hazards.services import WorkflowError
from units.access import get_scope
from units.models import Enterprise, Sector, SupervisionGroup, Township, Unit, User, Village

from .access import may_log_inspection
from .models import (
    DEFAULT_CHANNEL,
    ChecklistVersion,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    Inspector,
    PlaceAtRisk,
    Status,
)

__all__ = ["WorkflowError"]


def _checklist_version(checklist: Any) -> ChecklistVersion | None:
    """A template means its current published version; a version is taken as given."""
    if checklist is None or isinstance(checklist, ChecklistVersion):
        return checklist
    version: ChecklistVersion | None = checklist.current_version()
    if version is None:
        raise WorkflowError(_("The checklist “%(name)s” has no published version yet.") % {"name": checklist})
    return version


def _target_sector(enterprise: Enterprise | None, version: ChecklistVersion | None) -> Sector | None:
    if version is not None and version.template.sector_id:
        return version.template.sector
    return enterprise.primary_sector if enterprise else None


@transaction.atomic
def inspection_plan(
    *,
    actor: User,
    township: Township,
    kind: str,
    planned_on: dt.date | None = None,
    enterprise: Enterprise | None = None,
    place: PlaceAtRisk | None = None,
    village: Village | None = None,
    unit: Unit | None = None,
    place_text: str = "",
    checklist: Any = None,
    inspectors: Iterable[Inspector] = (),
    group: SupervisionGroup | None = None,
    draw: Any = None,
    channel: str | None = None,
) -> Inspection:
    """A planned inspection of an enterprise, a place at risk, a unit's work or a place in a village.

    The village is taken from the enterprise or place (it decides who sees the inspection); the sector from the
    checklist, else from the enterprise; the hazard channel from the kind unless given.
    """
    if enterprise is not None:
        village = enterprise.village
    elif place is not None:
        village = place.village
    if not (enterprise or place or unit or village):
        raise WorkflowError(_("Choose what is inspected: an enterprise, a place at risk, a unit or a village."))
    for obj in (enterprise, place, unit, village):
        if obj is not None and obj.township_id != township.pk:
            raise WorkflowError(_("The target of the inspection is not in this township."))
    version = _checklist_version(checklist)
    inspection = Inspection.objects.create(
        township=township,
        kind=kind,
        channel=channel or DEFAULT_CHANNEL[kind],  # type: ignore[index]
        planned_on=planned_on,
        enterprise=enterprise,
        place=place,
        unit=unit,
        village=village,
        place_text=place_text,
        sector=_target_sector(enterprise, version),
        checklist=version,
        group=group,
        draw=draw,
        created_by=actor,
    )
    inspection.inspectors.set(list(inspectors))
    return inspection


def _editable(inspection_id: int, actor: User) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection_id)
    if not may_log_inspection(actor, inspection):
        raise WorkflowError(_("You may not fill in this inspection."))
    if not inspection.is_editable:
        raise WorkflowError(_("This inspection was already submitted; it can no longer be changed."))
    return inspection


def _begin(inspection: Inspection) -> None:
    if inspection.status == Status.PLANNED:
        inspection.status = Status.IN_PROGRESS
        inspection.done_on = inspection.done_on or local_today()
        inspection.save(update_fields=["status", "done_on"])


@transaction.atomic
def answer_save(
    *,
    inspection_id: int,
    actor: User,
    item_id: int,
    result: str,
    note: str = "",
    client_time: dt.datetime | None = None,
) -> InspectionAnswer:
    """Save one item's answer as it is given (the phone page calls this per item; replays are harmless)."""
    inspection = _editable(inspection_id, actor)
    if inspection.checklist_id is None or not inspection.checklist.items.filter(pk=item_id).exists():  # type: ignore[union-attr]
        raise WorkflowError(_("This item is not on the inspection's checklist."))
    if result not in InspectionAnswer.Result.values:
        raise WorkflowError(_("Choose compliant, non-compliant or not applicable."))
    _begin(inspection)
    answer, created = InspectionAnswer.objects.get_or_create(
        inspection=inspection,
        item_id=item_id,
        defaults={"result": result, "note": note, "answered_by": actor, "client_time": client_time},
    )
    # An older answer sent late from an offline phone must not overwrite a newer one.
    if not created and not (client_time and answer.client_time and client_time < answer.client_time):
        if answer.hazard_id and result != InspectionAnswer.Result.FAIL:
            raise WorkflowError(_("A hazard was already opened from this item; its answer stays non-compliant."))
        answer.result, answer.note, answer.client_time = result, note, client_time or answer.client_time
        answer.answered_by, answer.answered_at = actor, timezone.now()
        answer.save()
    return answer


@transaction.atomic
def photo_add(*, inspection_id: int, actor: User, photo: CheckedFile, item_id: int | None = None) -> InspectionPhoto:
    inspection = _editable(inspection_id, actor)
    _begin(inspection)
    stored = InspectionPhoto(inspection=inspection, item_id=item_id, uploaded_by=actor)
    store_checked(stored, photo)
    return stored


def signature_from_data_url(data_url: str) -> CheckedFile | None:
    """The signature drawn on the phone arrives as a PNG data URL; it is checked like any other image."""
    if not data_url:
        return None
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise WorkflowError(_("The signature could not be read; please sign again."))
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WorkflowError(_("The signature could not be read; please sign again.")) from exc
    try:
        return check_upload(SimpleUploadedFile("signature.png", raw, content_type="image/png"))
    except EvidenceError as exc:
        raise WorkflowError(_("The signature could not be read; please sign again.")) from exc


@transaction.atomic
def inspection_submit(
    *,
    inspection_id: int,
    actor: User,
    conclusion: str,
    signer_name: str,
    signature: CheckedFile | None = None,
    no_findings: bool = False,
) -> Inspection:
    """Close the inspection: every item answered, the inspected party's responsible person named (and signed)."""
    inspection = _editable(inspection_id, actor)
    answers = list(inspection.answers.all())
    if inspection.checklist_id:
        missing = inspection.checklist.items.exclude(pk__in=[a.item_id for a in answers]).count()  # type: ignore[union-attr]
        if missing:
            raise WorkflowError(_("%(n)d items are not answered yet.") % {"n": missing})
    if no_findings and any(a.result == InspectionAnswer.Result.FAIL for a in answers):
        raise WorkflowError(_("Some items are non-compliant: the inspection cannot be marked “no hazard found”."))
    if not signer_name.strip() and inspection.kind != "self":
        raise WorkflowError(_("Name the responsible person of the inspected party who signs."))
    if signature is not None:
        inspection.signature.save(f"{signature.token}.png", signature.content, save=False)
    inspection.conclusion, inspection.signer_name, inspection.no_findings = conclusion, signer_name.strip(), no_findings
    inspection.status, inspection.submitted_by, inspection.submitted_at = Status.SUBMITTED, actor, timezone.now()
    inspection.done_on = inspection.done_on or local_today()
    inspection._history_user = actor  # type: ignore[attr-defined]
    inspection.save()
    return inspection


def _stored_photos(inspection: Inspection, item_id: int | None) -> list[CheckedFile]:
    """The inspection's photos of one item, handed on to the hazard as its problem photos."""
    photos = []
    for photo in inspection.photos.filter(item_id=item_id):
        with photo.file.open("rb") as f:
            data = f.read()
        photos.append(
            CheckedFile(ContentFile(data), photo.content_type, photo.extension, photo.original_name, len(data))
        )
    return photos


def finding_prefill(answer: InspectionAnswer) -> dict[str, Any]:
    """What a failed item fills in: enterprise, village, the item's sector (else the checklist's, else the
    enterprise's), its clause, suggested level, hazard type and the inspection's channel."""
    inspection, item = answer.inspection, answer.item
    sector = (
        item.sector or inspection.sector or (inspection.enterprise.primary_sector if inspection.enterprise else None)
    )
    return {
        "title": item.text[:60],
        "description": "；".join(filter(None, [item.text, answer.note])),
        "location": inspection.place.address if inspection.place else inspection.place_text,
        "village": inspection.village,
        "enterprise": inspection.enterprise,
        "sector": sector,
        "hazard_type": item.hazard_type,
        "level": item.suggested_level,
        "channel": inspection.channel,
        "found_on": inspection.done_on or local_today(),
        "basis": item.standard,
        "clause": item.clause,
    }


@transaction.atomic
def finding_to_hazard(
    *,
    answer_id: int,
    actor: User,
    fields: dict[str, Any],
    fixed_on_the_spot: bool = False,
    after: Sequence[CheckedFile] = (),
) -> Hazard:
    """A failed item becomes a hazard in one step (or 立查立改 when fixed on the spot), linked both ways."""
    answer = InspectionAnswer.objects.select_for_update().select_related("inspection").get(pk=answer_id)
    inspection = answer.inspection
    if not may_log_inspection(actor, inspection):
        raise WorkflowError(_("You may not record findings of this inspection."))
    if answer.result != InspectionAnswer.Result.FAIL:
        raise WorkflowError(_("Only a non-compliant item becomes a hazard."))
    if answer.hazard_id:
        raise WorkflowError(_("A hazard was already opened from this item."))
    photos = _stored_photos(inspection, answer.item_id)
    fields = {**fields, "inspection": inspection}
    if fixed_on_the_spot:
        fields.pop("level", None)
        hazard = hazard_services.hazard_fix_on_the_spot(actor=actor, fields=fields, before=photos, after=after)
    else:
        hazard = hazard_services.hazard_report(actor=actor, fields=fields, photos=photos)
    answer.hazard = hazard
    answer.save(update_fields=["hazard"])
    return hazard


def inspection_scope_for_planning(actor: User) -> set[int]:
    """The townships in which the user may plan inspections."""
    scope = get_scope(actor)
    return set(scope.township_ids) if scope.roles and not scope.is_read_only else set()
