"""Every write to an inspection: planning, answering item by item, photos, submitting, cancelling, findings → hazards.

Every change of an inspection's status goes through `_move`: the row is locked, the step is checked against the
table (models.INSPECTION_TRANSITIONS) and the actor's roles on the inspection (access.inspection_roles), the
inspection is written and an event row records who, when, from, to and why. Two people acting at once: the second
waits for the lock, then finds the inspection moved and is told so; nothing is overwritten.
`inspection_actions` tells the pages what the same rules allow.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import local_today
from core.errors import WorkflowError
from core.files import CheckedFile, UploadError, check_upload, new_token, save_checked
from hazards import services as hazard_services
from hazards.models import Hazard, Level
from units.access import get_scope
from units.models import Enterprise, Sector, SupervisionGroup, Township, Unit, User, Village

from .access import in_group, inspection_roles, may_hand_over, may_refer, may_see_referrals
from .models import (
    DEFAULT_CHANNEL,
    INSPECTION_TRANSITIONS,
    NON_ENFORCEMENT_KINDS,
    ChecklistVersion,
    Inspection,
    InspectionAnswer,
    InspectionEvent,
    InspectionPhoto,
    InspectionRole,
    Inspector,
    Kind,
    PlaceAtRisk,
    Status,
    Steps,
    Transition,
    allowed,
)
from .models.links import InspectionHazard

Action = InspectionEvent.Action


# -- the workflow: one path for every status change ---------------------------------------------------------------


@dataclass(frozen=True)
class InspectionActions:
    """What a user may do with an inspection now, from the transition table and the role rules: the pages ask this,
    the services check the same rules."""

    roles: frozenset[str]
    steps: Steps  # the status steps open to the user now (INSPECTION_TRANSITIONS)
    record_findings: bool  # turn a non-compliant item into a hazard (also after submitting; not once cancelled)
    hand_over: bool  # hand a work problem over (交办单, §1)
    refer: bool  # refer a cadre to the discipline office (§1)
    see_referrals: bool

    @property
    def records(self) -> bool:
        """The user fills this inspection in (whether or not it is still open)."""
        return InspectionRole.RECORDER in self.roles

    @property
    def fill(self) -> bool:
        """The user may answer items, add photos and submit now."""
        return "submit" in self.steps

    @property
    def cancel(self) -> Transition | None:
        return self.steps.get("cancel")


def inspection_actions(user: Any, inspection: Inspection) -> InspectionActions:
    roles = inspection_roles(user, inspection)
    return InspectionActions(
        roles=roles,
        steps=allowed(INSPECTION_TRANSITIONS, inspection.status, roles),
        record_findings=InspectionRole.RECORDER in roles and inspection.status != Status.CANCELLED,
        hand_over=may_hand_over(user, inspection),
        refer=may_refer(user, inspection),
        see_referrals=may_see_referrals(user, inspection),
    )


def _locked(inspection_id: int) -> Inspection:
    return Inspection.objects.select_for_update(of=("self",)).select_related("group").get(pk=inspection_id)


def _check_step(inspection: Inspection, name: str, actor: User, expected_status: str | None) -> None:
    step = INSPECTION_TRANSITIONS[name]
    if (expected_status and inspection.status != expected_status) or inspection.status not in step.source:
        raise WorkflowError(
            _("The inspection is now “%(status)s”: “%(step)s” is not possible. Please look at it again.")
            % {"status": inspection.get_status_display(), "step": step.label}
        )
    if not inspection_roles(actor, inspection) & step.roles:
        raise WorkflowError(_("You may not take the step “%(step)s” on this inspection.") % {"step": step.label})


def _move(
    inspection_id: int,
    name: str,
    *,
    actor: User,
    note: str = "",
    expected_status: str | None = None,
    prepare: Callable[[Inspection], None] | None = None,
) -> Inspection:
    """The one path of every status change (inside the caller's transaction).

    1. Lock the row; check the expected status, the table's source states and the actor's roles.
    2. A step that needs a reason refuses an empty one.
    3. `prepare` checks and sets what the step itself records (the submission's answers and signatures).
    4. Write the new status and the event row.
    """
    step = INSPECTION_TRANSITIONS[name]
    inspection = _locked(inspection_id)
    _check_step(inspection, name, actor, expected_status)
    if step.needs_note and not note.strip():
        raise WorkflowError(_("Please give the reason for “%(step)s”.") % {"step": step.label})
    if prepare is not None:
        prepare(inspection)
    old = inspection.status
    inspection.status = step.target
    inspection._history_user = actor  # type: ignore[attr-defined]
    inspection.save()
    InspectionEvent.objects.create(
        inspection=inspection, action=name, actor=actor, from_status=old, to_status=step.target, note=note.strip()
    )
    return inspection


@transaction.atomic
def inspection_cancel(*, inspection_id: int, actor: User, note: str, expected_status: str | None = None) -> Inspection:
    """Call off a planned or started inspection, with the reason (the office, or whoever planned it).

    A cancelled supervision visit stays on the quarter board as not done (§1), and a cancelled self-inspection does
    not count for its period (§4); answers and photos already given are kept with it.
    """
    return _move(inspection_id, "cancel", actor=actor, note=note, expected_status=expected_status)


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


def _check_group(actor: User, township: Township, kind: str, group: SupervisionGroup | None) -> None:
    """§1: a supervision inspection (督导检查) is the work of a supervision group, planned by the office (which forms
    the groups) or by the group itself."""
    if kind == Kind.SUPERVISION and group is None:
        raise WorkflowError(_("A supervision inspection is carried out by a supervision group: choose the group."))
    if group is None:
        return
    if kind != Kind.SUPERVISION:
        raise WorkflowError(_("Only a supervision inspection belongs to a supervision group."))
    if group.township_id != township.pk:
        raise WorkflowError(_("The supervision group is not in this township."))
    if not (get_scope(actor).is_office_for(township.pk) or in_group(actor, group)):
        raise WorkflowError(_("Only the office or the group's own leader and members plan its inspections."))


def _default_inspecting_unit(actor: User, township: Township, kind: str) -> Unit | None:
    """Who carries the inspection out, unless named: the actor's own unit (department staff of one unit), the
    safety office for the office; nobody for self-inspections and the groups' supervision."""
    if kind in (Kind.SELF, Kind.SUPERVISION):
        return None
    scope = get_scope(actor)
    units = Unit.objects.filter(township=township, is_active=True)
    own = list(units.filter(pk__in=scope.unit_ids)[:2])
    if len(own) == 1:
        return own[0]
    if scope.is_office_for(township.pk):
        return units.filter(is_safety_office=True).order_by("pk").first()
    return None


def _check_inspecting_unit(actor: User, township: Township, unit: Unit) -> None:
    scope = get_scope(actor)
    if unit.township_id != township.pk:
        raise WorkflowError(_("The inspecting unit is not in this township."))
    if not (scope.is_office_for(township.pk) or unit.pk in scope.unit_ids):
        raise WorkflowError(_("You may name only your own unit as the inspecting unit."))


def check_law_enforcement(*, kind: str, enterprise: Enterprise | None, inspecting_unit: Unit | None) -> None:
    """§28 执法检查: only an inspection by a unit holding administrative enforcement power (执法权), of an
    enterprise, whatever its method (双随机, 四不两直, 明查暗访, 专项) — never a self-inspection, supervision of work,
    grid patrol or door-knocking."""
    if enterprise is None:
        raise WorkflowError(_("Only an inspection of an enterprise can be a law-enforcement inspection (执法检查)."))
    if kind in NON_ENFORCEMENT_KINDS:
        raise WorkflowError(
            _("A “%(kind)s” is never a law-enforcement inspection (执法检查).") % {"kind": Kind(kind).label}
        )
    if inspecting_unit is None or not inspecting_unit.has_enforcement_power:
        raise WorkflowError(
            _(
                "Only a unit holding administrative enforcement power (执法权) carries out law-enforcement inspections"
                " (执法检查); name such a unit as the inspecting unit."
            )
        )


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
    inspecting_unit: Unit | None = None,
    is_law_enforcement: bool = False,
) -> Inspection:
    """A planned inspection of an enterprise, a place at risk, a unit's work or a place in a village.

    1. The village is taken from the enterprise or place (it decides who sees the inspection).
    2. A supervision inspection needs its group, planned by the office or the group (§1).
    3. The inspecting unit is the one named (the actor's own, or any for the office), else the actor's default;
       a law-enforcement inspection needs an enterprise and a unit holding enforcement power (§28).
    4. The sector comes from the checklist, else from the enterprise; the hazard channel from the kind unless given.
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
    _check_group(actor, township, kind, group)
    if inspecting_unit is not None:
        _check_inspecting_unit(actor, township, inspecting_unit)
    else:
        inspecting_unit = _default_inspecting_unit(actor, township, kind)
    if is_law_enforcement:
        check_law_enforcement(kind=kind, enterprise=enterprise, inspecting_unit=inspecting_unit)
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
        inspecting_unit=inspecting_unit,
        is_law_enforcement=is_law_enforcement,
        created_by=actor,
    )
    inspection.inspectors.set(list(inspectors))
    InspectionEvent.objects.create(inspection=inspection, action=Action.PLANNED, actor=actor, to_status=Status.PLANNED)
    return inspection


def _editable(inspection_id: int, actor: User) -> Inspection:
    """The inspection, locked, while the actor may still record answers and photos in it."""
    inspection = _locked(inspection_id)
    if InspectionRole.RECORDER not in inspection_roles(actor, inspection):
        raise WorkflowError(_("You may not fill in this inspection."))
    if not inspection.is_editable:
        raise WorkflowError(closed_message(inspection))
    return inspection


def closed_message(inspection: Inspection) -> str:
    """Why a submitted or cancelled inspection takes no more answers, photos or signatures."""
    if inspection.status == Status.CANCELLED:
        return _("This inspection was cancelled; it can no longer be changed.")
    return _("This inspection was already submitted; it can no longer be changed.")


def _begin(inspection: Inspection, actor: User) -> Inspection:
    """The first answer or photo starts the recording."""
    if inspection.status != Status.PLANNED:
        return inspection
    return _start(inspection.pk, actor=actor, expected_status=Status.PLANNED)


def _start(inspection_id: int, *, actor: User, expected_status: str | None) -> Inspection:
    def visit_day(locked: Inspection) -> None:
        locked.done_on = locked.done_on or local_today()

    return _move(inspection_id, "start", actor=actor, expected_status=expected_status, prepare=visit_day)


@transaction.atomic
def inspection_start(*, inspection_id: int, actor: User, expected_status: str | None = None) -> Inspection:
    """Start recording a planned inspection (planned → in progress); the day of the visit is today unless set.
    The phone page takes this step with the first answer or photo."""
    return _start(inspection_id, actor=actor, expected_status=expected_status)


# An answer's own time orders the answers to one item (an older answer sent late from an offline phone must not
# overwrite a newer one). The phone's clock is believed only inside a window around the moment the server receives
# the answer: a phone may stay offline for days on a round of visits, so up to 30 days back is kept as given and
# anything older counts as 30 days old (still stored, still losing to any answer given since); a time ahead of the
# server counts as "now" — a phone whose clock runs fast must not block the answers given after it.
ANSWER_TIME_WINDOW = dt.timedelta(days=30)


def answer_time(client_time: dt.datetime | None, *, received: dt.datetime) -> dt.datetime:
    """The time that orders an item's answers: the phone's, held within [received − 30 days, received]."""
    if client_time is None:
        return received
    return min(max(client_time, received - ANSWER_TIME_WINDOW), received)


class AnswerSupersededError(WorkflowError):
    """The item already holds an answer given later than this one; it is kept, and this one is not stored."""

    def __init__(self, answer: InspectionAnswer) -> None:
        super().__init__(_("A newer answer to this item was already saved; it was kept."))
        self.answer = answer


class UnansweredItemsError(WorkflowError):
    """Submitting needs every item answered; these are not (their ids, in checklist order)."""

    def __init__(self, item_ids: list[int]) -> None:
        super().__init__(_("%(n)d items are not answered yet.") % {"n": len(item_ids)})
        self.item_ids = item_ids


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
    """Save one item's answer as it is given (the phone page calls this per item).

    1. The inspection is locked (answers to it are saved one at a time) and must still be open to the actor.
    2. The answer's time is the phone's, bounded to the window around now (`answer_time`).
    3. An item without an answer gets this one; an item whose answer is newer keeps it (AnswerSupersededError: the
       caller is told, never that this one was saved). Resending the same answer stores it again, harmlessly.
    """
    inspection = _editable(inspection_id, actor)
    if inspection.checklist_id is None or not inspection.checklist.items.filter(pk=item_id).exists():  # type: ignore[union-attr]
        raise WorkflowError(_("This item is not on the inspection's checklist."))
    if result not in InspectionAnswer.Result.values:
        raise WorkflowError(_("Choose compliant, non-compliant or not applicable."))
    now = timezone.now()
    at = answer_time(client_time, received=now)
    inspection = _begin(inspection, actor)
    # The stored time is compared in the database, never loaded: no stored value can break the save.
    answers = InspectionAnswer.objects.filter(inspection=inspection, item_id=item_id)
    answer, created = InspectionAnswer.objects.only("pk", "hazard_id").get_or_create(
        inspection=inspection,
        item_id=item_id,
        defaults={"result": result, "note": note, "answered_by": actor, "answered_at": now, "client_time": at},
    )
    if not created:
        if answers.filter(client_time__gt=at).exists():
            raise AnswerSupersededError(answers.only("pk", "item_id", "result", "note").get())
        if answer.hazard_id and result != InspectionAnswer.Result.FAIL:
            raise WorkflowError(_("A hazard was already opened from this item; its answer stays non-compliant."))
        answers.update(result=result, note=note, client_time=at, answered_by=actor, answered_at=now)
    return answers.select_related("hazard").defer("client_time").get()


@transaction.atomic
def photo_add(*, inspection_id: int, actor: User, photo: CheckedFile, item_id: int | None = None) -> InspectionPhoto:
    if not photo.content_type.startswith("image/"):
        raise WorkflowError(_("Only photos can be added to an inspection."))
    inspection = _begin(_editable(inspection_id, actor), actor)
    stored = InspectionPhoto(inspection=inspection, item_id=item_id, uploaded_by=actor)
    stored.store(photo)
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
        checked = check_upload(SimpleUploadedFile("signature.png", raw, content_type="image/png"), images_only=True)
    except UploadError as exc:
        raise WorkflowError(_("The signature could not be read; please sign again.")) from exc
    # The signature pad draws PNG and it is stored and served as PNG: any other content is refused.
    if checked.content_type != "image/png":
        raise WorkflowError(_("The signature could not be read; please sign again."))
    return checked


@transaction.atomic
def inspection_submit(
    *,
    inspection_id: int,
    actor: User,
    conclusion: str,
    signer_name: str,
    signature: CheckedFile | None = None,
    no_findings: bool = False,
    leader_signature: CheckedFile | None = None,
) -> Inspection:
    """Close the inspection: every item answered, the inspected party's responsible person named (and signed);
    a supervision group's inspection also signed by the group's leader (§1, SPEC S3)."""
    if any(s is not None and s.content_type != "image/png" for s in (signature, leader_signature)):
        # Signatures are drawn as PNG and served as image/png; nothing else is stored under their .png name.
        raise WorkflowError(_("The signature could not be read; please sign again."))
    _editable(inspection_id, actor)

    def complete(inspection: Inspection) -> None:
        _check_complete(inspection, signer_name=signer_name, no_findings=no_findings)
        if inspection.group_id:
            if leader_signature is None:
                raise WorkflowError(_("The group leader signs the supervision record: please have the leader sign."))
            inspection.leader_signer_name = inspection.group.leader.display_name  # type: ignore[union-attr]
            save_checked(inspection.leader_signature, leader_signature, new_token())
        if signature is not None:
            save_checked(inspection.signature, signature, new_token())
        inspection.conclusion, inspection.signer_name = conclusion, signer_name.strip()
        inspection.no_findings, inspection.submitted_by, inspection.submitted_at = no_findings, actor, timezone.now()
        inspection.done_on = inspection.done_on or local_today()

    return _move(inspection_id, "submit", actor=actor, prepare=complete)


def _check_complete(inspection: Inspection, *, signer_name: str, no_findings: bool) -> None:
    """Every item answered; "no hazard found" only without a non-compliant item; the inspected party named."""
    answers = list(inspection.answers.only("pk", "item_id", "result"))
    if inspection.checklist_id:
        missing = inspection.checklist.items.exclude(pk__in=[a.item_id for a in answers]).order_by("order", "pk")  # type: ignore[union-attr]
        missing_ids = list(missing.values_list("pk", flat=True))
        if missing_ids:
            raise UnansweredItemsError(missing_ids)
    if no_findings and any(a.result == InspectionAnswer.Result.FAIL for a in answers):
        raise WorkflowError(_("Some items are non-compliant: the inspection cannot be marked “no hazard found”."))
    if not signer_name.strip() and inspection.kind != Kind.SELF:
        raise WorkflowError(_("Name the responsible person of the inspected party who signs."))


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


# Where a checklist item's first statement ends: the rest of the item qualifies it (", or …", "; …").
_FIRST_STATEMENT = re.compile(r"[，,；;。:：]")
SHORT_TITLE_LENGTH = 40


def short_title(item_text: str) -> str:
    """A hazard's title from the checklist item it failed: the item's first statement, without the standard's
    closing 的。 (未落实粉尘清理制度，造成作业现场积尘严重的。 → 未落实粉尘清理制度); the full text goes to the
    description. A first statement still longer than the title field allows is cut at a word-neutral length with …"""
    text = " ".join(item_text.split())
    first = _FIRST_STATEMENT.split(text, maxsplit=1)[0].strip()
    if first.endswith("的") and len(first) > 1:
        first = first[:-1]
    first = first or text
    if len(first) > SHORT_TITLE_LENGTH:
        first = first[: SHORT_TITLE_LENGTH - 1] + "…"
    return first


def finding_prefill(answer: InspectionAnswer) -> dict[str, Any]:
    """What a failed item fills in: enterprise, village, the item's sector (else the checklist's, else the
    enterprise's), its clause, suggested level, hazard type and the inspection's channel."""
    inspection, item = answer.inspection, answer.item
    sector = (
        item.sector or inspection.sector or (inspection.enterprise.primary_sector if inspection.enterprise else None)
    )
    return {
        "title": short_title(item.text),
        "description": "；".join(filter(None, [item.text, answer.note])),
        "location": inspection.place.address if inspection.place else inspection.place_text,
        "village": inspection.village,
        "enterprise": inspection.enterprise,
        "sector": sector,
        "hazard_type": item.hazard_type,
        "level": item.suggested_level,
        "suggested_level": item.suggested_level,
        "channel": inspection.channel,
        "found_on": inspection.done_on or local_today(),
        "basis": item.standard,
        "clause": item.clause,
    }


def _check_finding_level(item_is_major: bool, fields: dict[str, Any], fixed_on_the_spot: bool) -> None:
    """三(二) 立查立改 is for general hazards only; the level an item suggests is lowered only at registration, by the
    office or the lead unit with a recorded reason (S6) — never by the inspector here."""
    major = item_is_major or fields.get("level") == Level.MAJOR or bool(fields.get("is_major_fire"))
    if fixed_on_the_spot and major:
        raise WorkflowError(
            _(
                "A major accident hazard cannot be fixed on the spot (立查立改): record it as a hazard and have it"
                " rectified through the procedure."
            )
        )
    if item_is_major and not fixed_on_the_spot and fields.get("level") != Level.MAJOR:
        raise WorkflowError(
            _(
                "Failing this item is a major accident hazard: the inspector cannot lower its level. The office or"
                " the lead unit may level it at registration, with a reason."
            )
        )


@transaction.atomic
def finding_to_hazard(
    *,
    answer_id: int,
    actor: User,
    fields: dict[str, Any],
    fixed_on_the_spot: bool = False,
    after: Sequence[CheckedFile] = (),
) -> Hazard:
    """A failed item becomes a hazard in one step (or 立查立改 when fixed on the spot, general hazards only), linked
    both ways; the hazard keeps the level the item suggests."""
    answer = InspectionAnswer.objects.select_for_update().select_related("inspection").get(pk=answer_id)
    inspection = answer.inspection
    if not inspection_actions(actor, inspection).record_findings:
        raise WorkflowError(_("You may not record findings of this inspection."))
    if answer.result != InspectionAnswer.Result.FAIL:
        raise WorkflowError(_("Only a non-compliant item becomes a hazard."))
    if answer.hazard_id:
        raise WorkflowError(_("A hazard was already opened from this item."))
    fields = {**fields, "suggested_level": answer.item.suggested_level}
    _check_finding_level(answer.item.is_major, fields, fixed_on_the_spot)
    photos = _stored_photos(inspection, answer.item_id)
    if fixed_on_the_spot:
        fields.pop("level", None)
        hazard = hazard_services.hazard_fix_on_the_spot(actor=actor, fields=fields, before=photos, after=after)
    else:
        hazard = hazard_services.hazard_report(actor=actor, fields=fields, photos=photos)
    answer.hazard = hazard
    answer.save(update_fields=["hazard"])
    InspectionHazard.objects.create(inspection=inspection, hazard=hazard)
    return hazard
