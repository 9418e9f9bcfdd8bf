"""Who sees and records training sessions, attendees and special-operation certificates (built on units.access).

- The office of the township (and the administrator) records everything of its township.
- A department records the sessions of its sectors and sees those and the certificates of its sectors' enterprises.
- Village officers see the sessions their villages' enterprises attended and those enterprises' certificates.
- An enterprise sees only its own certificates and the sessions its people attended.
- Leadership and the county read.
Out of scope answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from units.access import Scope, enterprises_visible_to, get_or_404, get_scope
from units.models import Role

from .models import Attendee, Certificate, TrainingSession

TRAINING_READERS = (
    Role.OFFICE,
    Role.ADMIN,
    Role.LEADERSHIP,
    Role.DEPARTMENT,
    Role.VILLAGE,
    Role.ENTERPRISE,
    Role.COUNTY,
    Role.COUNTY_DEPARTMENT,
)
# The coverage of a year is about the township's enterprises, not one enterprise's own records.
COVERAGE_READERS = tuple(role for role in TRAINING_READERS if role != Role.ENTERPRISE)


def may_read_training(scope: Scope) -> bool:
    return scope.has_role(*TRAINING_READERS)


def may_read_coverage(scope: Scope) -> bool:
    return scope.has_role(*COVERAGE_READERS)


def may_record_sessions(scope: Scope) -> bool:
    """The office, and departments in their sectors (the form offers only those)."""
    return scope.is_office or (scope.has_role(Role.DEPARTMENT) and bool(scope.sector_ids))


def may_edit_session(scope: Scope, session: TrainingSession) -> bool:
    if scope.is_office_for(session.township_id):
        return True
    return session.organiser_id in scope.unit_ids and session.sector_id in scope.sector_ids


def may_manage_certificates(scope: Scope) -> bool:
    return scope.is_office


def sessions_visible_to(user: Any) -> QuerySet[TrainingSession]:
    scope = get_scope(user)
    q = scope.q(township="township", sector="sector") | Q(organiser__in=scope.unit_ids)
    if scope.village_ids or scope.enterprise_ids:
        attended = Attendee.objects.filter(session=OuterRef("pk")).filter(
            scope.q(township=None, village="enterprise__village", enterprise="enterprise")
        )
        q |= Q(Exists(attended))
    return TrainingSession.objects.filter(q)


def attendees_visible_to(user: Any, session: TrainingSession) -> QuerySet[Attendee]:
    """A session's attendees as the user may see them: all of them to those who may edit or read the township,
    otherwise only those of the enterprises in the user's scope."""
    scope = get_scope(user)
    qs = session.attendees.select_related("enterprise__village")
    if scope.sees_all_of(session.township_id) or may_edit_session(scope, session):
        return qs
    return qs.filter(enterprise__in=enterprises_visible_to(user))


def get_session_for_user(user: Any, pk: Any) -> TrainingSession:
    return get_or_404(sessions_visible_to(user).select_related("organiser", "sector", "created_by"), pk=pk)


def certificates_visible_to(user: Any) -> QuerySet[Certificate]:
    return Certificate.objects.filter(enterprise__in=enterprises_visible_to(user))


def get_certificate_for_office(user: Any, pk: Any) -> Certificate:
    scope = get_scope(user)
    certificate = get_or_404(certificates_visible_to(user).select_related("enterprise"), pk=pk)
    if not scope.is_office_for(certificate.township_id):
        raise Http404
    return certificate
