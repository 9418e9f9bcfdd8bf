"""Who sees and does what with work plans and monthly reports — built on units.access.Scope.

The township's office manages (sets rounds and the monthly settings, reviews plans) and sees everything of the
township; leadership and the county bureau read it; a village officer sees and files for their villages, a
department officer for their unit. Enterprises and county departments see none of it (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from units.access import Scope, get_or_404, get_scope
from units.models import Role, Unit, Village

from .models.filing import FilingRound, MonthlyReport, PlanRole, WorkPlan, WorkPlanFile

# Who has the filing pages at all: the township's readers and those who file.
FILING_ROLES = (Role.OFFICE, Role.ADMIN, Role.LEADERSHIP, Role.COUNTY, Role.VILLAGE, Role.DEPARTMENT)


def may_see_filing(scope: Scope) -> bool:
    return bool(scope.all_townships or scope.village_ids or scope.unit_ids)


def may_file(scope: Scope) -> bool:
    """Files plans and monthly reports for some village or unit."""
    return bool(scope.village_ids or scope.unit_ids)


def target_q(scope: Scope, *, township: str = "township", prefix: str = "") -> Q:
    """Rows of a village or unit the user may read: the whole township for its readers, else their own."""
    q = scope.q(township=township)
    if scope.village_ids:
        q |= Q(**{f"{prefix}village__in": scope.village_ids})
    if scope.unit_ids:
        q |= Q(**{f"{prefix}unit__in": scope.unit_ids})
    return q


def own_target(scope: Scope, target: Village | Unit) -> bool:
    """The user files for this village or unit."""
    ids = scope.village_ids if isinstance(target, Village) else scope.unit_ids
    return target.pk in ids


# -- rounds and plans --------------------------------------------------------------------------------------------


def rounds_visible_to(user: Any) -> QuerySet[FilingRound]:
    scope = get_scope(user)
    if not may_see_filing(scope):
        return FilingRound.objects.none()
    townships = scope.all_townships | scope.township_ids if may_file(scope) else scope.all_townships
    # Those who file see the rounds of the township they act in; readers those of their townships.
    return FilingRound.objects.filter(township__in=townships)


def get_round_for_user(user: Any, pk: Any) -> FilingRound:
    return get_or_404(rounds_visible_to(user).select_related("township"), pk=pk)


def plans_visible_to(user: Any) -> QuerySet[WorkPlan]:
    return WorkPlan.objects.filter(target_q(get_scope(user), township="round__township"))


def get_plan_for_user(user: Any, pk: Any) -> WorkPlan:
    return get_or_404(plans_visible_to(user).select_related("round__township", "village", "unit"), pk=pk)


def get_plan_file_for_user(user: Any, pk: Any) -> WorkPlanFile:
    return get_or_404(
        WorkPlanFile.objects.filter(event__plan__in=plans_visible_to(user)).select_related("event"), pk=pk
    )


def plan_roles(user: Any, plan: WorkPlan) -> frozenset[str]:
    scope = get_scope(user)
    roles = set()
    if own_target(scope, plan.target):
        roles.add(PlanRole.FILER)
    if scope.is_office_for(plan.round.township_id):
        roles.add(PlanRole.REVIEWER)
    return frozenset(roles)


# -- monthly reports ---------------------------------------------------------------------------------------------


def reports_visible_to(user: Any) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.filter(target_q(get_scope(user)))


def get_report_for_user(user: Any, pk: Any) -> MonthlyReport:
    return get_or_404(reports_visible_to(user).select_related("village", "unit", "township"), pk=pk)
