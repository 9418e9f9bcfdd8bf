"""Every write of training sessions, attendees and certificates: the permission the page asks, a row lock, the
write (views, imports and the demo data all come here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import WorkflowError
from core.spreadsheets import name_key
from units.access import get_scope
from units.models import Enterprise, User

from .models import Attendee, Certificate, TrainingSession
from .models.training import AttendeeRole
from .training_access import may_edit_session, may_manage_certificates, may_record_sessions

# The name an enterprise's record gives each role, where it keeps one.
RECORD_FIELD = {
    AttendeeRole.PRINCIPAL: "principal_name",
    AttendeeRole.SAFETY_MANAGER: "safety_manager_name",
    AttendeeRole.FIRE_OFFICER: "fire_officer_name",
}


def matches_record(enterprise: Enterprise, name: str, role: str) -> bool:
    """Whether the person is the one the enterprise's record names for the role (its principal, for one)."""
    field = RECORD_FIELD.get(role)  # type: ignore[call-overload]
    recorded = getattr(enterprise, field, "") if field else ""
    return bool(recorded) and name_key(recorded) == name_key(name)


def _refuse() -> WorkflowError:
    return WorkflowError(_("You may not change this record."))


@transaction.atomic
def session_save(*, actor: User, data: dict[str, Any], session: TrainingSession | None = None) -> TrainingSession:
    """Record a new session or change one.

    1. The actor records sessions (office; a department in its sectors, as its unit).
    2. An existing session is locked and may be changed by whom may edit it.
    3. The values (already bounded by the form) are written.
    """
    scope = get_scope(actor)
    if not may_record_sessions(scope):
        raise _refuse()
    if session is not None:
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if not may_edit_session(scope, session):
            raise _refuse()
    else:
        session = TrainingSession(created_by=actor)
    for key, value in data.items():
        setattr(session, key, value)
    if not may_edit_session(scope, session):
        # A department records only the sessions of its sectors, organised by its unit.
        raise _refuse()
    session._history_user = actor  # type: ignore[attr-defined]
    session.save()
    return session


def _delete_with_reason(record: TrainingSession | Certificate, actor: User, reason: str) -> None:
    """Delete; the history keeps the last state with who deleted it and why."""
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("Give the reason for deleting."))
    record._history_user = actor  # type: ignore[union-attr]
    record._change_reason = reason  # type: ignore[union-attr]
    record.delete()


@transaction.atomic
def session_delete(*, actor: User, session: TrainingSession, reason: str) -> None:
    """Delete a session recorded in error, with its attendees (whoever may change it: the office, or the
    department that organised it in its sector)."""
    session = _locked_session(actor, session)
    _delete_with_reason(session, actor, reason)


@dataclass(frozen=True)
class NewAttendee:
    enterprise: Enterprise
    name: str
    role: str


def _locked_session(actor: User, session: TrainingSession) -> TrainingSession:
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if not may_edit_session(get_scope(actor), locked):
        raise _refuse()
    return locked


@transaction.atomic
def attendees_add(*, actor: User, session: TrainingSession, people: Iterable[NewAttendee]) -> tuple[int, int]:
    """Add attendees to a session (form or sheet); a person already listed in the role is left as is.
    Returns (added, already listed)."""
    session = _locked_session(actor, session)
    added = existing = 0
    for person in people:
        if person.enterprise.township_id != session.township_id:
            raise WorkflowError(_("The enterprise is not of this township."))
        _row, created = Attendee.objects.get_or_create(
            session=session,
            enterprise=person.enterprise,
            name=person.name.strip(),
            role=person.role,
            defaults={
                "created_by": actor,
                "matches_record": matches_record(person.enterprise, person.name, person.role),
            },
        )
        added += created
        existing += not created
    return added, existing


@transaction.atomic
def attendee_remove(*, actor: User, attendee: Attendee) -> None:
    _locked_session(actor, attendee.session)
    Attendee.objects.filter(pk=attendee.pk).delete()


# -- certificates -------------------------------------------------------------------------------------------------


def _check_dates(issued_on: dt.date, expires_on: dt.date, last_review_on: dt.date | None) -> None:
    if expires_on <= issued_on:
        raise WorkflowError(_("The expiry must be after the date of issue."))
    if last_review_on is not None and not issued_on <= last_review_on <= expires_on:
        raise WorkflowError(_("The last review lies between the date of issue and the expiry."))


@transaction.atomic
def certificate_save(*, actor: User, data: dict[str, Any], certificate: Certificate | None = None) -> Certificate:
    """Record or change a special-operation certificate (the office of its township)."""
    scope = get_scope(actor)
    enterprise: Enterprise = data["enterprise"]
    if not may_manage_certificates(scope) or not scope.is_office_for(enterprise.township_id):
        raise _refuse()
    _check_dates(data["issued_on"], data["expires_on"], data.get("last_review_on"))
    if certificate is not None:
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not scope.is_office_for(certificate.township_id):
            raise _refuse()
    else:
        certificate = Certificate(created_by=actor)
    for key, value in data.items():
        setattr(certificate, key, value)
    certificate.township_id = enterprise.township_id
    clash = Certificate.objects.filter(township_id=certificate.township_id, number=certificate.number)
    if clash.exclude(pk=certificate.pk).exists():
        raise WorkflowError(_("A certificate with this number is already recorded."))
    certificate._history_user = actor  # type: ignore[attr-defined]
    certificate.save()
    return certificate


def _locked_certificate(actor: User, certificate: Certificate) -> Certificate:
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    scope = get_scope(actor)
    if not may_manage_certificates(scope) or not scope.is_office_for(locked.township_id):
        raise _refuse()
    return locked


@transaction.atomic
def certificate_delete(*, actor: User, certificate: Certificate, reason: str) -> None:
    """Delete a certificate recorded in error or no longer held (the office of its township)."""
    certificate = _locked_certificate(actor, certificate)
    _delete_with_reason(certificate, actor, reason)


@transaction.atomic
def certificate_review(*, actor: User, certificate: Certificate, reviewed_on: dt.date) -> Certificate:
    """Record a passed review (复审): the next one falls due three years later."""
    certificate = _locked_certificate(actor, certificate)
    _check_dates(certificate.issued_on, certificate.expires_on, reviewed_on)
    if certificate.last_review_on and reviewed_on < certificate.last_review_on:
        raise WorkflowError(_("A later review is already recorded."))
    certificate.last_review_on = reviewed_on
    certificate._history_user = actor  # type: ignore[attr-defined]
    certificate.save(update_fields=["last_review_on", "updated_at"])
    return certificate
