"""Who sees the dashboard, the reports and the accident register, and which of their rows — built on units.access.

The dashboard: office, leadership, department staff and village officers (an enterprise contact has none).
The accident register: office, leadership and the administrator read their township's accidents; village officers
those of their villages; department staff those of enterprises whose primary sector their unit leads or takes part
in; enterprise contacts none. Only the township's office (and the administrator) records and corrects them.
The reports: the same readers; each sees the rows of its villages or sectors, the whole township for those who
see all of it.
The county (issue 12): its bureau reads all of every township of the county, a county department the records of its
sectors; both read the reports and the accident register, and only they have the county dashboard and the county
monthly report (404 for everyone else).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from units.access import Scope, get_or_404, get_scope, require_any
from units.models import County, Role, Sector, Township, Village

from .models import Accident, Dimension

READER_ROLES = (
    Role.OFFICE,
    Role.LEADERSHIP,
    Role.ADMIN,
    Role.DEPARTMENT,
    Role.VILLAGE,
    Role.COUNTY,
    Role.COUNTY_DEPARTMENT,
)


def may_see_dashboard(scope: Scope) -> bool:
    """Office, leadership, department staff and village officers; an enterprise contact has no dashboard."""
    return bool(scope.all_townships or scope.village_ids or scope.unit_ids)


def require_county_reader(scope: Scope) -> None:
    """The county dashboard and the county monthly report: the county bureau and the county departments only."""
    if not scope.is_county:
        raise Http404


def county_townships(scope: Scope) -> QuerySet[Township]:
    """The townships of the user's county (every one of them), in the order of their division codes."""
    return Township.objects.filter(county_id__in=scope.county_ids).order_by("code")


def user_counties(scope: Scope) -> QuerySet[County]:
    return County.objects.filter(pk__in=scope.county_ids).order_by("code")


def require_reader(scope: Scope) -> None:
    """The reports and the accident register exist for the roles that read them; to anyone else they answer 404."""
    require_any(scope, *READER_ROLES)


# -- the accident register (SPEC S5, "双下降") --------------------------------------------------------------------


def accidents_visible_to(user: Any) -> QuerySet[Accident]:
    """The accidents the user may read (none for an enterprise contact); the pages add require_reader()."""
    scope = get_scope(user)
    return Accident.objects.filter(scope.q(township="township", village="village", sector="enterprise__primary_sector"))


def get_accident_for_user(user: Any, pk: Any) -> Accident:
    qs = accidents_visible_to(user).select_related("township", "village", "enterprise", "created_by")
    return get_or_404(qs, pk=pk)


def may_record_accidents_in(scope: Scope, township_id: int | None) -> bool:
    return scope.is_office_for(township_id)


def get_accident_for_office(user: Any, pk: Any) -> Accident:
    """An accident the user may correct; to anyone else it does not exist."""
    accident = get_accident_for_user(user, pk)
    if not may_record_accidents_in(get_scope(user), accident.township_id):
        raise Http404
    return accident


# -- the rows of the reports -------------------------------------------------------------------------------------


def report_sectors(scope: Scope, township: Township) -> list[tuple[int, str]]:
    """The monthly report's fixed rows: every active sector (department staff: theirs)."""
    qs = Sector.objects.filter(township=township, is_active=True)
    if not scope.sees_all_of(township.pk) and scope.sector_ids and not scope.village_ids:
        qs = qs.filter(pk__in=scope.sector_ids)
    return list(qs.order_by("sort_order", "name").values_list("pk", "name"))


def report_villages(scope: Scope, township: Township) -> list[tuple[int, str]]:
    """Every active village (village officers: theirs)."""
    qs = Village.objects.filter(township=township, is_active=True)
    if not scope.sees_all_of(township.pk) and scope.village_ids and not scope.sector_ids:
        qs = qs.filter(pk__in=scope.village_ids)
    return list(qs.order_by("code").values_list("pk", "name"))


def may_see_township_totals(scope: Scope, township: Township) -> bool:
    return scope.sees_all_of(township.pk)


def trend_dimensions(scope: Scope, township: Township) -> dict[str, Q]:
    """The breakdowns of the month-end snapshots the user may see, each with the rows it may read."""
    if may_see_township_totals(scope, township):
        return {d: Q() for d in (Dimension.VILLAGE, Dimension.SECTOR, Dimension.LEVEL)}
    allowed: dict[str, Q] = {}
    if scope.village_ids:
        allowed[Dimension.VILLAGE] = Q(key__in=[str(pk) for pk in scope.village_ids])
    if scope.sector_ids:
        allowed[Dimension.SECTOR] = Q(key__in=[str(pk) for pk in scope.sector_ids])
    return allowed


# -- the monthly report as filed (issue 13) -----------------------------------------------------------------------


def may_file_monthly_report(scope: Scope, township_id: int | None) -> bool:
    """The township's office (and the administrator): who may see all of the township's monthly report and manages
    the township. Leadership and the county read the filed report; nobody else files it."""
    return scope.is_office_for(township_id) and scope.sees_all_of(township_id)


def may_see_filed_report(scope: Scope, township_id: int | None) -> bool:
    """The filed report is the township's whole table: for those who see all of the township (office, leadership,
    the administrator, the county bureau). A village officer or a department sees its own part, live."""
    return scope.sees_all_of(township_id)
