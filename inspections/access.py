"""Which inspections a user may see and log — built on units.access, the one scoping rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from units.access import Scope, get_or_404, get_scope
from units.models import Unit

from .models import Inspection, Kind, Status


def inspection_scope_q(scope: Scope) -> Q:
    """Office, leadership: the township. Village officers: their villages. Departments: their sectors and the
    supervision of their own unit. Enterprises: their own inspections once done (四不两直, §28: the target learns of
    a visit only when it happens) and their self-inspections. Everyone: what they created or took part in."""
    q = scope.q(township="township", village="village", sector="sector")
    if scope.unit_ids:
        q |= Q(unit__in=scope.unit_ids)
    if scope.enterprise_ids:
        q |= Q(enterprise__in=scope.enterprise_ids) & (Q(status=Status.SUBMITTED) | Q(kind="self"))
    if scope.user_id is not None and scope.roles:
        q |= Q(created_by=scope.user_id) | Q(inspectors__user=scope.user_id)
    if scope.user_id is not None:
        # A group's leader and members see its inspections whatever else they hold (§1: they record them).
        q |= Q(group__leader=scope.user_id) | Q(group__members=scope.user_id)
    return q


def inspections_visible_to(user: Any) -> QuerySet[Inspection]:
    scope = get_scope(user)
    # The joins through inspectors and group members can repeat a row: filter by id instead.
    ids = Inspection.objects.filter(inspection_scope_q(scope)).values("pk")
    return Inspection.objects.filter(pk__in=ids)


def get_inspection_for_user(user: Any, pk: Any) -> Inspection:
    qs = inspections_visible_to(user).select_related(
        "township", "enterprise", "place", "unit", "village", "sector", "checklist__template", "group"
    )
    return get_or_404(qs, pk=pk)


def is_supervised_party(user: Any, *, township_id: int, unit: Unit | None, village_id: int | None) -> bool:
    """§1: the supervised do not supervise themselves. The party is the unit inspected (its staff; for the safety
    office's own unit, the office too) or, when a village's work is inspected, the village (its officers)."""
    scope = get_scope(user)
    if unit is not None:
        return unit.pk in scope.unit_ids or (unit.is_safety_office and scope.is_office_for(township_id))
    return village_id is not None and village_id in scope.village_ids


def in_group(user: Any, group: Any) -> bool:
    if group is None or user is None or not user.is_authenticated:
        return False
    return bool(group.leader_id == user.pk or group.members.filter(pk=user.pk).exists())


def may_record_supervision(user: Any, inspection: Inspection) -> bool:
    """§1, SPEC S3: a supervision inspection is recorded by its group — leader and members — and by the office that
    forms the groups (安委办, entering the group's record on its behalf); never by the village or unit supervised,
    even when one of its people sits in the group. A supervision inspection without a group (recorded before
    groups were required) is the office's alone."""
    supervised_village = None if inspection.enterprise_id or inspection.place_id else inspection.village_id
    if is_supervised_party(
        user, township_id=inspection.township_id, unit=inspection.unit, village_id=supervised_village
    ):
        return False
    if get_scope(user).is_office_for(inspection.township_id):
        return True
    return in_group(user, inspection.group)


def may_log_inspection(user: Any, inspection: Inspection) -> bool:
    """Who fills in and submits an inspection they can see: a supervision inspection, its group (see
    may_record_supervision); otherwise the office; village officers of its village; department staff (but never
    the inspection of their own unit); its inspectors; the enterprise for its own self-inspection only.
    Leadership reads."""
    if inspection.kind == Kind.SUPERVISION or inspection.group_id:
        return may_record_supervision(user, inspection)
    scope = get_scope(user)
    if scope.is_read_only or not scope.roles:
        return False
    if scope.is_office_for(inspection.township_id):
        return True
    if inspection.kind == "self":
        return inspection.enterprise_id in scope.enterprise_ids or inspection.village_id in scope.village_ids
    if inspection.enterprise_id in scope.enterprise_ids:
        return False
    if inspection.unit_id and inspection.unit_id in scope.unit_ids:
        return False
    if inspection.village_id in scope.village_ids or inspection.created_by_id == user.pk:
        return True
    if inspection.inspectors.filter(user=user).exists():
        return True
    return bool(scope.unit_ids) and inspection.sector_id in scope.sector_ids
