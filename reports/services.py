"""The one way a public report changes (§27): filing, the check, its outcome, the reply, the look at the identity.

Every step is in STEPS (which statuses it starts from, where it leads, who takes it); `allowed_steps` is what the
report page asks to decide which buttons to show, and every service asks the same `_check` on the locked row. Each
step records a ReportEvent (who, when, why) that never carries the reporter's identity: the identity is written
once, into ReporterIdentity, when the report is filed, and read only through `open_identity`, which records the look.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import local_today
from core.errors import WorkflowError
from core.files import CheckedFile
from hazards import services as hazard_services
from hazards.access import hazards_visible_to
from hazards.models import Channel as HazardChannel
from hazards.models import Hazard
from hazards.models import Status as HazardStatus
from units.access import Scope, get_scope
from units.models import Enterprise, Township, User

from . import codes
from .access import may_handle, may_see_identity
from .models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    STAFF_CHANNELS,
    Channel,
    IdentityOpening,
    Report,
    ReporterIdentity,
    ReportEvent,
    ReportPhoto,
    Status,
    feedback_due,
)

Action = ReportEvent.Action
# What a hazard from a report names as its finder: the channel, never the person (§27; hazards.access.may_see_finder).
PUBLIC_FINDER = "群众举报"
HANDLER = "handler"  # the township's office
CUSTODIAN = "custodian"  # the township's confidential-report officer


@dataclass(frozen=True)
class Step:
    name: str
    source: tuple[str, ...]
    target: str | None  # None: the status stays
    who: str
    label: str | Promise


STEPS: dict[str, Step] = {
    s.name: s
    for s in (
        Step("start_check", (Status.RECEIVED,), Status.CHECKING, HANDLER, gettext_lazy("Start the check")),
        Step("verify", OPEN_STATUSES, Status.VERIFIED, HANDLER, gettext_lazy("Verified: register a hazard")),
        Step("merge", OPEN_STATUSES, Status.MERGED, HANDLER, gettext_lazy("Merge into an existing hazard")),
        Step("dismiss", OPEN_STATUSES, Status.DISMISSED, HANDLER, gettext_lazy("Dismiss")),
        Step("set_enterprise", OPEN_STATUSES, None, HANDLER, gettext_lazy("Identify the enterprise")),
        Step("reply", FINAL_STATUSES, None, HANDLER, gettext_lazy("Reply to the reporter")),
        Step("open_identity", tuple(Status.values), None, CUSTODIAN, gettext_lazy("Open the reporter's identity")),
    )
}


def _may(scope: Scope, step: Step, report: Report) -> bool:
    if step.who == CUSTODIAN:
        return may_see_identity(scope, report)
    return may_handle(scope, report)


def allowed_steps(scope: Scope, report: Report) -> list[Step]:
    """The steps this user may take on the report now (the page shows these buttons)."""
    return [s for s in STEPS.values() if report.status in s.source and _may(scope, s, report)]


def _check(actor: User, report: Report, name: str) -> Step:
    step = STEPS[name]
    if not _may(get_scope(actor), step, report):
        raise WorkflowError(_("You may not take this step on this report."))
    if report.status not in step.source:
        raise WorkflowError(
            _("The report is now “%(status)s”; this step is no longer possible.")
            % {"status": report.get_status_display()}
        )
    return step


def _locked(report_id: int) -> Report:
    try:
        return Report.objects.select_for_update().get(pk=report_id)
    except Report.DoesNotExist as exc:
        raise WorkflowError(_("This report does not exist.")) from exc


def _event(report: Report, action: str, actor: User | None, *, note: str = "", before: str = "") -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        action=action,
        actor=actor,
        note=note,
        from_status=before,
        to_status=report.status if before else "",
    )


# -- filing ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    name: str = ""
    phone: str = ""
    contact: str = ""


def _file(
    *, fields: dict[str, Any], identity: Identity, photos: Sequence[CheckedFile], actor: User | None
) -> tuple[Report, str]:
    code = codes.new_code()
    report = Report(**fields, tracking_code_hash=codes.code_hash(code), created_by=actor)
    if report.village is not None and report.village.township_id != report.township_id:
        raise WorkflowError(_("This village is not in the township."))
    report.save()
    ReporterIdentity.objects.create(report=report, name=identity.name, phone=identity.phone, contact=identity.contact)
    for number, checked in enumerate(photos, start=1):
        # The reporter's own file name may name them ("张三拍的.jpg"): the photo is kept under a neutral one.
        checked.original_name = f"{report.number}-{number}{checked.extension}"
        photo = ReportPhoto(report=report, width=checked.width, height=checked.height)
        photo.store(checked)
    _event(report, Action.ENTERED if actor else Action.SUBMITTED, actor)
    return report, code


@transaction.atomic
def submit_web_report(
    *, township: Township, fields: dict[str, Any], identity: Identity, photos: Sequence[CheckedFile] = ()
) -> tuple[Report, str]:
    """A report from the public form: returns the report and its tracking code (shown once, stored as a hash)."""
    fields = {**fields, "township": township, "received_via": Channel.WEB, "received_at": timezone.now()}
    return _file(fields=fields, identity=identity, photos=photos, actor=None)


@transaction.atomic
def enter_report(
    *, actor: User, fields: dict[str, Any], identity: Identity, photos: Sequence[CheckedFile] = ()
) -> tuple[Report, str]:
    """A report the office received by telephone (12345 work order, 12350), letter or visit."""
    scope = get_scope(actor)
    township = fields["township"]
    if not scope.is_office_for(township.pk):
        raise WorkflowError(_("Only the township's office enters reports."))
    if fields.get("received_via") not in STAFF_CHANNELS:
        raise WorkflowError(_("Choose how the report was received."))
    if fields["received_via"] != Channel.HOTLINE_12345:
        fields = {**fields, "work_order_number": "", "reply_due_on": None}
    return _file(fields=fields, identity=identity, photos=photos, actor=actor)


# -- the check and its outcome -----------------------------------------------------------------------------------------


def _end_check(report: Report, status: str) -> None:
    now = timezone.now()
    report.status = status
    report.check_started_at = report.check_started_at or now
    report.check_ended_at = now
    report.feedback_due_on = feedback_due(timezone.localdate(now))


@transaction.atomic
def start_check(*, actor: User, report_id: int) -> Report:
    report = _locked(report_id)
    _check(actor, report, "start_check")
    before = report.status
    report.status = Status.CHECKING
    report.check_started_at = timezone.now()
    report.save(update_fields=["status", "check_started_at"])
    _event(report, Action.CHECK_STARTED, actor, before=before)
    return report


@transaction.atomic
def dismiss(*, actor: User, report_id: int, reason: str) -> Report:
    """不予受理 / 未查实: the reason is what the reporter reads with the code."""
    report = _locked(report_id)
    _check(actor, report, "dismiss")
    if not reason.strip():
        raise WorkflowError(_("Give the reason the reporter will read."))
    before = report.status
    _end_check(report, Status.DISMISSED)
    report.outcome_note = reason.strip()
    report.save()
    _event(report, Action.DISMISSED, actor, note=report.outcome_note, before=before)
    return report


def mergeable_hazards(actor: User, report: Report) -> Any:
    """The hazards a report may join: those of its township the user sees, not dismissed."""
    return (
        hazards_visible_to(actor)
        .filter(township_id=report.township_id)
        .exclude(status=HazardStatus.DISMISSED)
        .select_related("village", "enterprise")
    )


@transaction.atomic
def merge(*, actor: User, report_id: int, hazard_id: int, note: str = "") -> Report:
    """并入已有隐患: what was reported is a hazard already in the register."""
    report = _locked(report_id)
    _check(actor, report, "merge")
    hazard = mergeable_hazards(actor, report).filter(pk=hazard_id).first()
    if hazard is None:
        raise WorkflowError(_("Choose a hazard of this township from the register."))
    before = report.status
    _end_check(report, Status.MERGED)
    report.hazard = hazard
    report.outcome_note = note.strip()
    report.save()
    _event(
        report,
        Action.MERGED,
        actor,
        note=_("Merged into hazard “%(hazard)s”.") % {"hazard": hazard.named},
        before=before,
    )
    return report


def _photos_as_evidence(report: Report) -> list[CheckedFile]:
    checked = []
    for photo in report.photos.all():
        with photo.file.open("rb") as handle:
            data = handle.read()
        checked.append(
            CheckedFile(
                ContentFile(data),
                photo.content_type,
                photo.extension,
                photo.original_name,
                len(data),
                photo.width,
                photo.height,
            )
        )
    return checked


@transaction.atomic
def verify(*, actor: User, report_id: int, hazard_fields: dict[str, Any]) -> Hazard:
    """查实: a hazard in the register (channel 群众举报查实) with the report's photos as problem evidence; the report
    names it. The hazard's finder is the channel, never the reporter."""
    report = _locked(report_id)
    _check(actor, report, "verify")
    village = hazard_fields.get("village")
    if village is None or village.township_id != report.township_id:
        raise WorkflowError(_("The hazard's village must be in the report's township."))
    fields = {**hazard_fields, "channel": HazardChannel.PUBLIC, "found_by": PUBLIC_FINDER}
    hazard = hazard_services.hazard_report(actor=actor, fields=fields, photos=_photos_as_evidence(report))
    before = report.status
    _end_check(report, Status.VERIFIED)
    report.hazard = hazard
    if report.enterprise_id is None and hazard.enterprise_id is not None:
        report.enterprise_id = hazard.enterprise_id
    report.save()
    _event(
        report,
        Action.VERIFIED,
        actor,
        note=_("Hazard “%(hazard)s” reported.") % {"hazard": hazard.named},
        before=before,
    )
    return hazard


@transaction.atomic
def set_enterprise(*, actor: User, report_id: int, enterprise: Enterprise | None) -> Report:
    report = _locked(report_id)
    _check(actor, report, "set_enterprise")
    if enterprise is not None and enterprise.township_id != report.township_id:
        raise WorkflowError(_("This enterprise is not in the report's township."))
    report.enterprise = enterprise
    report.save(update_fields=["enterprise"])
    _event(report, Action.ENTERPRISE_SET, actor, note=enterprise.name if enterprise else "")
    return report


@transaction.atomic
def reply(*, actor: User, report_id: int, text: str) -> Report:
    """The reply the reporter reads with the code (答复); it stops the feedback clock."""
    report = _locked(report_id)
    _check(actor, report, "reply")
    if not text.strip():
        raise WorkflowError(_("Write the reply."))
    report.reply = text.strip()
    report.replied_at = timezone.now()
    report.save(update_fields=["reply", "replied_at"])
    _event(report, Action.REPLIED, actor)
    return report


# -- the identity ------------------------------------------------------------------------------------------------------


@transaction.atomic
def open_identity(*, actor: User, report_id: int, reason: str) -> ReporterIdentity:
    """The custodian's look at who reported: recorded (who, when, why); the timeline says only that it happened."""
    report = _locked(report_id)
    _check(actor, report, "open_identity")
    if not reason.strip():
        raise WorkflowError(_("Give the reason for opening the identity."))
    IdentityOpening.objects.create(report=report, user=actor, reason=reason.strip()[:200])
    _event(report, Action.IDENTITY_OPENED, actor)
    identity, _created = ReporterIdentity.objects.get_or_create(report=report)
    return identity


# -- the clocks --------------------------------------------------------------------------------------------------------


def reply_overdue_q(today: dt.date | None = None) -> Q:
    """Reports whose reply to the reporter is late: ten days after the check, or a 12345 work order's 办结时限."""
    today = today or local_today()
    return Q(replied_at__isnull=True) & (Q(feedback_due_on__lt=today) | Q(reply_due_on__lt=today))
