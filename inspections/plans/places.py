"""Places at risk (§13 逐一登记建档): rented houses, idle factories, abandoned yards and markets, with their grid
patrols."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import local_today
from core.errors import WorkflowError
from units.models import User, Village

from ..access import may_manage_places_of
from ..models import EDITABLE_STATUSES, Inspection, Kind, PlaceAtRisk
from ..services import inspection_plan

PLACE_FIELDS = ("village", "kind", "name", "address", "grid", "keeper_name", "keeper_phone", "note")


def _check_place_village(actor: User, village: Village) -> None:
    if not may_manage_places_of(actor, village):
        raise WorkflowError(_("You may not register places at risk in this village."))
    if not village.is_active:
        raise WorkflowError(_("This village is deactivated."))


@transaction.atomic
def place_create(*, actor: User, fields: dict[str, Any]) -> PlaceAtRisk:
    village: Village = fields["village"]
    _check_place_village(actor, village)
    place = PlaceAtRisk(township_id=village.township_id, **{f: fields[f] for f in PLACE_FIELDS if f in fields})
    place._history_user = actor  # type: ignore[attr-defined]
    place.save()
    return place


@transaction.atomic
def place_update(*, place_id: int, actor: User, fields: dict[str, Any]) -> PlaceAtRisk:
    place = PlaceAtRisk.objects.select_for_update().select_related("village").get(pk=place_id)
    if not may_manage_places_of(actor, place.village):
        raise WorkflowError(_("You may not change this place at risk."))
    if "village" in fields and fields["village"].pk != place.village_id:
        _check_place_village(actor, fields["village"])
    for name in PLACE_FIELDS:
        if name in fields:
            setattr(place, name, fields[name])
    place._history_user = actor  # type: ignore[attr-defined]
    place.save()
    return place


@transaction.atomic
def place_set_active(*, place_id: int, actor: User, active: bool) -> PlaceAtRisk:
    """Deactivate (or reactivate), never delete: its patrols keep referring to it."""
    place = PlaceAtRisk.objects.select_for_update().select_related("village").get(pk=place_id)
    if not may_manage_places_of(actor, place.village):
        raise WorkflowError(_("You may not change this place at risk."))
    place.is_active = active
    place._history_user = actor  # type: ignore[attr-defined]
    place.save(update_fields=["is_active"])
    return place


@transaction.atomic
def place_patrol_start(*, place_id: int, actor: User) -> Inspection:
    """A grid patrol of the place today (§13 网格巡查); the actor's own unfinished patrol is reused, not doubled."""
    place = PlaceAtRisk.objects.select_for_update().select_related("village", "township").get(pk=place_id)
    if not may_manage_places_of(actor, place.village):
        raise WorkflowError(_("You may not record patrols of this place."))
    if not place.is_active:
        raise WorkflowError(_("This place at risk is deactivated."))
    mine = Inspection.objects.filter(place=place, kind=Kind.GRID_PATROL, status__in=EDITABLE_STATUSES, created_by=actor)
    current = mine.order_by("-pk").first()
    if current is not None:
        return current
    return inspection_plan(
        actor=actor, township=place.township, kind=Kind.GRID_PATROL, place=place, planned_on=local_today()
    )
