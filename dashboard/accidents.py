"""The accident register (SPEC S5, "双下降"): every write. Who sees which accidents, and who records them, is
dashboard.access."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import local_today
from units.access import get_scope
from units.models import Township, User

from .access import may_record_accidents_in
from .models import MAX_DIRECT_LOSS, Accident, accident_level

FIELDS = (
    "occurred_on",
    "place",
    "village",
    "enterprise",
    "kind",
    "deaths",
    "injuries",
    "serious_injuries",
    "direct_loss",
    "counts_as_work_safety",
    "source_document",
    "description",
)


def _check_writer(actor: User, township_id: int) -> None:
    if not may_record_accidents_in(get_scope(actor), township_id):
        raise PermissionDenied(_("Only the township safety office records accidents."))


def _validate(accident: Accident) -> None:
    """The rules of a plausible record; every problem is named at its field."""
    errors: dict[str, str] = {}
    if accident.occurred_on and accident.occurred_on > local_today():
        errors["occurred_on"] = _("The date of the accident cannot lie in the future.")
    for field in ("deaths", "injuries", "serious_injuries"):
        value = getattr(accident, field)
        if value is None or value < 0:
            errors[field] = _("Enter a number of people, 0 or more.")
    if not {"injuries", "serious_injuries"} & errors.keys() and accident.serious_injuries > accident.injuries:
        errors["serious_injuries"] = _("More people seriously injured than injured in total.")
    loss = accident.direct_loss
    if loss is None or Decimal(loss) < 0:
        errors["direct_loss"] = _("The loss cannot be negative.")
    elif Decimal(loss) > MAX_DIRECT_LOSS:
        errors["direct_loss"] = _(
            "The loss is given in 万元 and cannot exceed 1,000,000 万元 (100亿元); was it typed in yuan?"
        )
    if not (accident.place or "").strip():
        errors["place"] = _("Say where the accident happened.")
    village, enterprise = accident.village, accident.enterprise
    if village is not None and village.township_id != accident.township_id:
        errors["village"] = _("This village belongs to another township.")
    if enterprise is not None and enterprise.township_id != accident.township_id:
        errors["enterprise"] = _("This enterprise belongs to another township.")
    elif enterprise is not None and village is not None and enterprise.village_id != village.pk:
        errors["enterprise"] = _("The enterprise “%(name)s” is not in the village “%(village)s”.") % {
            "name": enterprise.name,
            "village": village.name,
        }
    if errors:
        raise ValidationError(errors)


def _apply(accident: Accident, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in FIELDS:
            raise ValueError(f"{name} is not a field of the accident register")
        setattr(accident, name, value)
    # An enterprise's accident happened in its village unless the office says otherwise.
    if accident.enterprise is not None and accident.village is None:
        accident.village = accident.enterprise.village
    accident.place = (accident.place or "").strip()


def _set_level(accident: Accident) -> None:
    """The level follows the figures (国务院令第493号 第三条), so it is recomputed on every save, never typed."""
    accident.level = accident_level(accident.deaths, accident.serious_injuries, Decimal(accident.direct_loss))


@transaction.atomic
def accident_create(*, actor: User, township: Township, fields: dict[str, Any]) -> Accident:
    """Record an accident.

    1. Only the township's office may.
    2. Fill in the village from the enterprise when only the enterprise is given.
    3. Validate (date not in the future, numbers not negative, 重伤 within the injured, loss within its bound,
       enterprise in the village).
    4. Compute the level from deaths, 重伤 and loss (第493号令 第三条) and save with history.
    """
    _check_writer(actor, township.pk)
    accident = Accident(township=township, created_by=actor)
    _apply(accident, fields)
    _validate(accident)
    _set_level(accident)
    accident._history_user = actor  # type: ignore[attr-defined]
    accident.save()
    return accident


@transaction.atomic
def accident_update(*, accident_id: int, actor: User, changes: dict[str, Any]) -> Accident:
    """Correct an accident record (the change history keeps who changed what)."""
    accident = Accident.objects.select_for_update().get(pk=accident_id)
    _check_writer(actor, accident.township_id)
    _apply(accident, changes)
    _validate(accident)
    _set_level(accident)
    accident._history_user = actor  # type: ignore[attr-defined]
    accident.save()
    return accident
