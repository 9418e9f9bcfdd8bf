"""Who may see and do what in inspections — built on units.access.Scope, the one scoping rule.

Visibility (`*_visible_to`) answers querysets, so "missing" and "not yours" stay alike (get_or_404). Roles
(`inspection_roles`, `problem_roles`) are what the transition tables (models.INSPECTION_TRANSITIONS and
PROBLEM_TRANSITIONS) are checked against — by the services when a step is taken and by the pages when they offer it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from units.access import Scope, get_or_404, get_scope
from units.models import Enterprise, Role, Sector, SupervisionGroup, Township, Unit, Village

from .models import (
    ChecklistTemplate,
    DisciplineReferral,
    Inspection,
    InspectionRole,
    Inspector,
    Kind,
    PlaceAtRisk,
    ProblemRole,
    RandomDraw,
    Status,
    SupervisionVisit,
    WorkProblem,
)

CHECKLIST_READERS = (Role.OFFICE, Role.ADMIN, Role.LEADERSHIP, Role.DEPARTMENT, Role.VILLAGE)


def _distinct(model: Any, q: Q) -> QuerySet[Any]:
    # Joins through group members or inspectors can repeat a row: filter by id instead.
    return model.objects.filter(pk__in=model.objects.filter(q).values("pk"))  # type: ignore[no-any-return]


# -- inspections ---------------------------------------------------------------------------------------------------


def inspection_scope_q(scope: Scope) -> Q:
    """Office, leadership: the township. Village officers: their villages. Departments: their sectors and the
    supervision of their own unit. Enterprises: their own inspections once done (四不两直, §28: the target learns of
    a visit only when it happens) and their self-inspections. Everyone: what they created or took part in."""
    q = scope.q(township="township", village="village", sector="sector")
    if scope.unit_ids:
        q |= Q(unit__in=scope.unit_ids)
    if scope.enterprise_ids:
        q |= Q(enterprise__in=scope.enterprise_ids) & (Q(status=Status.SUBMITTED) | Q(kind=Kind.SELF))
    if scope.user_id is not None and scope.roles:
        q |= Q(created_by=scope.user_id) | Q(inspectors__user=scope.user_id)
    if scope.user_id is not None:
        # A group's leader and members see its inspections whatever else they hold (§1: they record them).
        q |= Q(group__leader=scope.user_id) | Q(group__members=scope.user_id)
    return q


def inspections_visible_to(user: Any) -> QuerySet[Inspection]:
    return _distinct(Inspection, inspection_scope_q(get_scope(user)))


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


def _is_supervision(inspection: Inspection) -> bool:
    return inspection.kind == Kind.SUPERVISION or inspection.group_id is not None


def _supervised(user: Any, inspection: Inspection) -> bool:
    supervised_village = None if inspection.enterprise_id or inspection.place_id else inspection.village_id
    return is_supervised_party(
        user, township_id=inspection.township_id, unit=inspection.unit, village_id=supervised_village
    )


def may_record_supervision(user: Any, inspection: Inspection) -> bool:
    """§1, SPEC S3: a supervision inspection is recorded by its group — leader and members — and by the office that
    forms the groups (安委办, entering the group's record on its behalf); never by the village or unit supervised,
    even when one of its people sits in the group. A supervision inspection without a group (recorded before
    groups were required) is the office's alone."""
    if _supervised(user, inspection):
        return False
    if get_scope(user).is_office_for(inspection.township_id):
        return True
    return in_group(user, inspection.group)


def may_log_inspection(user: Any, inspection: Inspection) -> bool:
    """Who fills in and submits an inspection they can see: a supervision inspection, its group (see
    may_record_supervision); otherwise the office; village officers of its village; department staff (but never
    the inspection of their own unit); its inspectors; the enterprise for its own self-inspection only.
    Leadership reads."""
    if _is_supervision(inspection):
        return may_record_supervision(user, inspection)
    scope = get_scope(user)
    if scope.is_read_only or not scope.roles:
        return False
    if scope.is_office_for(inspection.township_id):
        return True
    if inspection.kind == Kind.SELF:
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


def inspection_roles(user: Any, inspection: Inspection) -> frozenset[str]:
    """The roles the user holds on this inspection (see InspectionRole).

    The village or unit supervised holds none on its own supervision (§1): not even the office cancels the
    supervision of its own unit. The author is whoever planned the inspection, while they may still record it.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    if _is_supervision(inspection) and _supervised(user, inspection):
        return frozenset()
    roles = set()
    if get_scope(user).is_office_for(inspection.township_id):
        roles.add(InspectionRole.OFFICE)
    if may_log_inspection(user, inspection):
        roles.add(InspectionRole.RECORDER)
        if inspection.created_by_id == user.pk:
            roles.add(InspectionRole.AUTHOR)
    return frozenset(roles)


def may_hand_over(user: Any, inspection: Inspection) -> bool:
    """Problems come from a supervision inspection and are handed over by those who record it: its group, or the
    office on the group's behalf — never the village or unit supervised (§1). Not from a cancelled visit."""
    if inspection.kind != Kind.SUPERVISION or inspection.status == Status.CANCELLED:
        return False
    return may_record_supervision(user, inspection)


def may_refer(user: Any, inspection: Inspection) -> bool:
    """§1: the group's leader (or the office) refers a cadre to the discipline office — never the party supervised."""
    if inspection.kind != Kind.SUPERVISION or not may_record_supervision(user, inspection):
        return False
    group = inspection.group
    return get_scope(user).is_office_for(inspection.township_id) or (group is not None and group.leader_id == user.pk)


def may_see_referrals(user: Any, inspection: Inspection) -> bool:
    """Referrals name cadres: office, leadership and the group itself — not the village or unit inspected."""
    return get_scope(user).sees_all_of(inspection.township_id) or in_group(user, inspection.group)


def may_plan_inspections(user: Any) -> bool:
    """Everyone with a working role plans inspections, except enterprise contacts (they file self-inspections);
    a group's leader or member who otherwise only reads plans the group's own supervision inspections (§1)."""
    scope = get_scope(user)
    if scope.roles == {Role.ENTERPRISE}:
        return False
    if scope.roles and not scope.is_read_only:
        return True
    return groups_plannable_by(user).exists()


# -- supervision groups and their visits (§1) ---------------------------------------------------------------------


def groups_visible_to(user: Any) -> QuerySet[SupervisionGroup]:
    """Office and leadership: their townships' groups; anyone else: the groups they lead or belong to."""
    scope = get_scope(user)
    q = scope.q(township="township")
    if scope.user_id is not None:
        q |= Q(leader=scope.user_id) | Q(members=scope.user_id)
    return _distinct(SupervisionGroup, q)


def groups_plannable_by(user: Any) -> QuerySet[SupervisionGroup]:
    """The active groups whose inspections the user may plan: the office's township groups, else their own."""
    scope = get_scope(user)
    q = Q(township__in=scope.office_townships)
    if scope.user_id is not None:
        q |= Q(leader=scope.user_id) | Q(members=scope.user_id)
    return _distinct(SupervisionGroup, q & Q(is_active=True))


def visits_visible_to(user: Any) -> QuerySet[SupervisionVisit]:
    """Office and leadership: all; a group's leader and members: the group's; a village or unit: its own visits."""
    scope = get_scope(user)
    q = scope.q(township="township", village="village")
    if scope.unit_ids:
        q |= Q(unit__in=scope.unit_ids)
    if scope.user_id is not None:
        q |= Q(group__leader=scope.user_id) | Q(group__members=scope.user_id)
    return _distinct(SupervisionVisit, q)


# -- handed-over problems (交办单) and referrals -------------------------------------------------------------------


def problems_visible_to(user: Any) -> QuerySet[WorkProblem]:
    """Office and leadership: all; a village: its villages'; a unit: its own; the group and the author: theirs."""
    scope = get_scope(user)
    q = scope.q(township="township", village="village")
    if scope.unit_ids:
        q |= Q(unit__in=scope.unit_ids)
    if scope.user_id is not None:
        uid = scope.user_id
        q |= Q(created_by=uid) | Q(inspection__group__leader=uid) | Q(inspection__group__members=uid)
    return _distinct(WorkProblem, q)


def get_problem_for_user(user: Any, pk: Any) -> WorkProblem:
    qs = problems_visible_to(user).select_related(
        "township", "village", "unit", "inspection__group", "created_by", "replied_by", "accepted_by"
    )
    return get_or_404(qs, pk=pk)


def problem_roles(user: Any, problem: WorkProblem) -> frozenset[str]:
    """The roles the user holds on this problem (see ProblemRole). The responsible village's officers or unit's
    staff reply; the office or the group follows the reply up (跟踪问效) — never the village or unit that replied."""
    if user is None or not user.is_authenticated:
        return frozenset()
    scope = get_scope(user)
    roles = set()
    if (problem.village_id is not None and problem.village_id in scope.village_ids) or (
        problem.unit_id is not None and problem.unit_id in scope.unit_ids
    ):
        roles.add(ProblemRole.RESPONSIBLE)
    supervised = is_supervised_party(
        user, township_id=problem.township_id, unit=problem.unit, village_id=problem.village_id
    )
    if not supervised and (scope.is_office_for(problem.township_id) or in_group(user, problem.inspection.group)):
        roles.add(ProblemRole.REVIEWER)
    return frozenset(roles)


def referrals_visible_to(user: Any) -> QuerySet[DisciplineReferral]:
    """Referrals name cadres: office, leadership and the groups that made them."""
    scope = get_scope(user)
    q = scope.q(township="township")
    if scope.user_id is not None:
        q |= Q(inspection__group__leader=scope.user_id) | Q(inspection__group__members=scope.user_id)
    return _distinct(DisciplineReferral, q)


# -- places at risk (§13) -----------------------------------------------------------------------------------------


def places_visible_to(user: Any) -> QuerySet[PlaceAtRisk]:
    """Office and leadership: their townships' places; a village officer: the places of their villages."""
    return PlaceAtRisk.objects.filter(get_scope(user).q(township="township", village="village"))


def may_see_places(user: Any) -> bool:
    """The list of places at risk is the office's, leadership's and the village officers' (§13); a department has
    no places of its own, so neither the page nor its menu entry is theirs."""
    scope = get_scope(user)
    return bool(scope.all_townships or scope.village_ids)


def may_manage_places_of(user: Any, village: Village) -> bool:
    """The office registers places anywhere in its township, a village officer in their own villages."""
    scope = get_scope(user)
    return scope.is_office_for(village.township_id) or village.pk in scope.village_ids


def may_register_places(user: Any) -> bool:
    scope = get_scope(user)
    return scope.is_office or bool(scope.village_ids)


# -- inspection histories of villages, units and enterprises -------------------------------------------------------


def villages_visible_to(user: Any) -> QuerySet[Village]:
    return get_scope(user).filter_villages(Village.objects.all())


def units_visible_to(user: Any) -> QuerySet[Unit]:
    """Office and leadership: their townships' units; department staff: their own unit."""
    scope = get_scope(user)
    return Unit.objects.filter(scope.q(township="township") | Q(pk__in=scope.unit_ids))


def own_enterprises(user: Any) -> QuerySet[Enterprise]:
    """The enterprises the user is a contact of: those whose self-inspections they file (§4)."""
    return Enterprise.objects.filter(pk__in=get_scope(user).enterprise_ids)


# -- double-random draws (§28) and checklists ---------------------------------------------------------------------


def draws_visible_to(user: Any) -> QuerySet[RandomDraw]:
    """Draws are read by the office, leadership and administrators of their township(s)."""
    return RandomDraw.objects.filter(township_id__in=get_scope(user).all_townships)


def get_draw_for_user(user: Any, pk: Any) -> RandomDraw:
    return get_or_404(draws_visible_to(user).select_related("township", "created_by", "inspecting_unit"), pk=pk)


def inspectors_visible_to(user: Any) -> QuerySet[Inspector]:
    """The inspector pool (§30) is read by the office, leadership and administrators of their township(s)."""
    return Inspector.objects.filter(township_id__in=get_scope(user).all_townships)


def draw_townships_visible_to(user: Any) -> QuerySet[Township]:
    """The townships whose draws and random share the user reads."""
    return Township.objects.filter(pk__in=get_scope(user).all_townships)


def checklists_visible_to(user: Any) -> QuerySet[ChecklistTemplate]:
    """Templates of the townships the user works in, to the office, leadership, departments and village officers;
    enterprises and the public see none."""
    scope = get_scope(user)
    if not scope.has_role(*CHECKLIST_READERS):
        return ChecklistTemplate.objects.none()
    return ChecklistTemplate.objects.filter(township_id__in=scope.township_ids)


def checklist_sectors_visible_to(user: Any) -> QuerySet[Sector]:
    """The active sectors the checklists the user reads may belong to (the list's sector filter)."""
    return Sector.objects.filter(township_id__in=get_scope(user).township_ids, is_active=True)
