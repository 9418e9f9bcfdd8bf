"""Every change the township office makes to its people's accounts (issue 14: accounts without the Django admin).

Each function:
1. checks that the actor is the office (or administrator) of the township it acts in;
2. locks the township row, so two offices' changes to the same township's accounts run one after the other (the
   last-office rule counts under that lock);
3. checks the person belongs to the township and is one the office may manage (never a system administrator, nor a
   person who also works in another township or for the county: their account is not this office's alone);
4. writes, and records an AccountEvent (who, when, what); assignments keep their own history as well.

Errors are WorkflowError with a translated message.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import WorkflowError

from .access import get_scope
from .models import AccountEvent, Assignment, Enterprise, Role, Township, Unit, User, Village

# The roles a township office may give: those of its own township. Never the county's, never the administrator's.
# The confidential-report officer (举报保密员, §27) is given and taken here too, like any other township role.
GIVABLE_ROLES = (Role.OFFICE, Role.DEPARTMENT, Role.VILLAGE, Role.ENTERPRISE, Role.LEADERSHIP, Role.REPORT_CUSTODIAN)
# Letters and digits that cannot be mistaken for one another when read aloud or copied from a screen.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
TEMPORARY_PASSWORD_LENGTH = 12


def temporary_password() -> str:
    """A random password with at least one lower-case letter, one upper-case letter and one digit."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _i in range(TEMPORARY_PASSWORD_LENGTH))
        kinds = (str.islower, str.isupper, str.isdigit)
        if all(any(kind(c) for c in password) for kind in kinds):
            return password


def _lock_township(actor: Any, township: Township) -> Township:
    if not get_scope(actor).is_office_for(township.pk):
        raise WorkflowError(_("Only the township's safety office manages its people."))
    return Township.objects.select_for_update().get(pk=township.pk)


def _check_manageable(person: User, township: Township) -> None:
    """The office manages the accounts of its own township's people only."""
    if person.is_staff or person.is_superuser:
        raise WorkflowError(_("This is a system administrator's account; only the system administrator changes it."))
    rows = list(Assignment.objects.filter(user=person, is_active=True).values_list("role", "township_id"))
    if not any(township_id == township.pk for _role, township_id in rows):
        raise WorkflowError(_("This person holds no role in this township."))
    if any(role == Role.ADMIN for role, _t in rows):
        raise WorkflowError(_("This is a system administrator's account; only the system administrator changes it."))
    if any(township_id != township.pk for _role, township_id in rows):
        raise WorkflowError(
            _("This person also works in another township or for the county; ask the system administrator.")
        )


def _check_target(
    township: Township, role: str, unit: Unit | None, village: Village | None, enterprise: Enterprise | None
) -> None:
    """What each role names (the Assignment model's constraint), and that it belongs to this township."""
    if role not in GIVABLE_ROLES:
        raise WorkflowError(_("The township office cannot give this role."))
    needs: dict[str, Unit | Village | Enterprise | None] = {
        Role.DEPARTMENT: unit,
        Role.VILLAGE: village,
        Role.ENTERPRISE: enterprise,
    }
    if role in needs and needs[role] is None:
        raise WorkflowError(_("Choose the unit, village or enterprise this role covers."))
    for name, target in (("unit", unit), ("village", village), ("enterprise", enterprise)):
        if target is None:
            continue
        # A department names its unit, a village officer the village, an enterprise contact the enterprise; the
        # office, leadership and administrator may name a unit, never a village or enterprise.
        wrong = needs[role] != target if role in needs else name != "unit"
        if wrong:
            raise WorkflowError(_("This role does not cover a %(what)s.") % {"what": target._meta.verbose_name})
        if target.township_id != township.pk or not target.is_active:
            raise WorkflowError(_("Choose an active unit, village or enterprise of this township."))


def _office_count(township: Township) -> int:
    """Active office accounts of the township (counted under the township's lock)."""
    return (
        Assignment.objects.filter(township=township, role=Role.OFFICE, is_active=True, user__is_active=True)
        .values("user_id")
        .distinct()
        .count()
    )


def _holds_office(person: User, township: Township) -> bool:
    return Assignment.objects.filter(user=person, township=township, role=Role.OFFICE, is_active=True).exists()


def _record(
    *, person: User, township: Township, action: str, actor: Any, assignment: Assignment | None = None, note: str = ""
) -> None:
    AccountEvent.objects.create(
        user=person, township=township, action=action, actor=actor, assignment=assignment, note=note[:200]
    )


def _assign(
    *,
    actor: Any,
    person: User,
    township: Township,
    role: str,
    unit: Unit | None,
    village: Village | None,
    enterprise: Enterprise | None,
) -> Assignment:
    if Assignment.objects.filter(
        user=person, township=township, role=role, unit=unit, village=village, enterprise=enterprise, is_active=True
    ).exists():
        raise WorkflowError(_("This person already holds this role."))
    assignment = Assignment(
        user=person, role=role, township=township, unit=unit, village=village, enterprise=enterprise
    )
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment.save()
    _record(person=person, township=township, action=AccountEvent.Action.ROLE_GIVEN, actor=actor, assignment=assignment)
    return assignment


@transaction.atomic
def person_create(
    *,
    actor: Any,
    township: Township,
    username: str,
    full_name: str,
    phone: str,
    role: str,
    unit: Unit | None = None,
    village: Village | None = None,
    enterprise: Enterprise | None = None,
) -> tuple[User, str]:
    """Create an account with its first role in this township and a temporary password it must change at first
    login. Returns the person and the temporary password (shown once, never stored in clear)."""
    township = _lock_township(actor, township)
    _check_target(township, role, unit, village, enterprise)
    if User.objects.filter(username__iexact=username).exists():
        raise WorkflowError(_("This user name is taken; choose another."))
    password = temporary_password()
    person = User(username=username, full_name=full_name, phone=phone, must_change_password=True)
    person.set_password(password)
    person.save()
    _record(person=person, township=township, action=AccountEvent.Action.CREATED, actor=actor)
    _assign(actor=actor, person=person, township=township, role=role, unit=unit, village=village, enterprise=enterprise)
    return person, password


@transaction.atomic
def person_role_give(
    *,
    actor: Any,
    township: Township,
    person: User,
    role: str,
    unit: Unit | None = None,
    village: Village | None = None,
    enterprise: Enterprise | None = None,
) -> Assignment:
    """Give the person one more role (with its unit, village or enterprise) in this township."""
    township = _lock_township(actor, township)
    _check_manageable(person, township)
    _check_target(township, role, unit, village, enterprise)
    return _assign(
        actor=actor, person=person, township=township, role=role, unit=unit, village=village, enterprise=enterprise
    )


@transaction.atomic
def person_role_take(*, actor: Any, township: Township, assignment: Assignment) -> None:
    """End one of the person's roles in this township. The last office account stays; the person keeps at least one
    role here (to stop them working, deactivate the account)."""
    township = _lock_township(actor, township)
    assignment = Assignment.objects.select_for_update().select_related("user").get(pk=assignment.pk)
    person = assignment.user
    if assignment.township_id != township.pk or not assignment.is_active:
        raise WorkflowError(_("This role has already been taken away."))
    _check_manageable(person, township)
    if assignment.role == Role.OFFICE:
        if person.pk == actor.pk:
            raise WorkflowError(_("You cannot take away your own office role; another office account must do it."))
        if person.is_active and _office_count(township) <= 1:
            raise WorkflowError(
                _("This is the township's last active office account; give the office role to someone else first.")
            )
    others = Assignment.objects.filter(user=person, township=township, is_active=True).exclude(pk=assignment.pk)
    if not others.exists():
        raise WorkflowError(_("This is the person's last role here; to stop them working, deactivate the account."))
    assignment.is_active = False
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment.save(update_fields=["is_active"])
    _record(person=person, township=township, action=AccountEvent.Action.ROLE_TAKEN, actor=actor, assignment=assignment)


@transaction.atomic
def person_set_active(*, actor: Any, township: Township, person: User, active: bool, reason: str = "") -> bool:
    """Deactivate (they can no longer log in; their open work shows as having nobody to act) or reactivate an account.
    Returns False when nothing changed."""
    township = _lock_township(actor, township)
    person = User.objects.select_for_update().get(pk=person.pk)
    _check_manageable(person, township)
    if person.is_active == active:
        return False
    if not active:
        if person.pk == actor.pk:
            raise WorkflowError(_("You cannot deactivate your own account."))
        if _holds_office(person, township) and _office_count(township) <= 1:
            raise WorkflowError(_("This is the township's last active office account; it cannot be deactivated."))
    person.is_active = active
    person.save(update_fields=["is_active"])
    action = AccountEvent.Action.REACTIVATED if active else AccountEvent.Action.DEACTIVATED
    _record(person=person, township=township, action=action, actor=actor, note=reason)
    return True


@transaction.atomic
def person_password_reset(*, actor: Any, township: Township, person: User) -> str:
    """Give the person a temporary password they must change at their next login; their open sessions end (the
    session carries the old password's hash). Returns the password, to be shown once."""
    township = _lock_township(actor, township)
    person = User.objects.select_for_update().get(pk=person.pk)
    _check_manageable(person, township)
    if person.pk == actor.pk:
        raise WorkflowError(_("Change your own password on the password page."))
    password = temporary_password()
    person.set_password(password)
    person.must_change_password = True
    person.save(update_fields=["password", "must_change_password"])
    _record(person=person, township=township, action=AccountEvent.Action.PASSWORD_RESET, actor=actor)
    return password


def password_changed(user: User) -> None:
    """The person chose their own password: the temporary one's restriction ends."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
