"""Who may see and change what: the one scoping rule of the system (SPEC S6).

Every list, detail, export, chart and API query narrows its queryset through a
`Scope`. A user's scope is the union of their active assignments:

* office, leadership, admin — everything in their township; leadership only reads;
* department — records of the sectors their unit leads or takes part in;
* village — records of their villages;
* enterprise — their own enterprise;
* county (县应急管理局) — everything of every township of their county, read only;
* county department — the records of its sectors in every township of the county, read only;
* confidential-report officer (举报保密员) — nothing by itself; the reports app lets it read its township's public
  reports with the reporters' identities (reports.access).

A user acts in one township at a time (the current township, chosen in the session): their scope is built from
their assignments in that township alone, plus their county roles, so every page, list, export and figure follows
the choice without knowing of it. Objects outside the scope answer 404, so nobody learns that a hidden record exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models import (
    READING_ROLES,
    Assignment,
    CountyDepartment,
    Enterprise,
    Role,
    Sector,
    SupervisionGroup,
    Township,
    User,
    Village,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

M = TypeVar("M", bound=Model)

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    roles: frozenset[str] = frozenset()
    # Townships whose every record the user may read (office, leadership, admin; the county's townships).
    all_townships: frozenset[int] = frozenset()
    # Townships whose master data and workflow the user manages (office, admin).
    office_townships: frozenset[int] = frozenset()
    village_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    sector_ids: frozenset[int] = frozenset()
    enterprise_ids: frozenset[int] = frozenset()
    # The townships the user reads anything of (for the county, every township of the county).
    township_ids: frozenset[int] = field(default=frozenset())
    # Counties the user works for (county bureau or county department): they list hazards at county level.
    county_ids: frozenset[int] = frozenset()
    # Townships whose public reporters' identities the user keeps (举报保密员, §27); gives nothing else.
    custodian_townships: frozenset[int] = frozenset()

    # -- roles ---------------------------------------------------------------
    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_office(self) -> bool:
        return bool(self.office_townships)

    @property
    def is_read_only(self) -> bool:
        """Only reading roles (leadership, the county, a county department): sees, changes nothing of a township."""
        return bool(self.roles) and self.roles <= READING_ROLES

    @property
    def is_county(self) -> bool:
        """Works for a county (its bureau or a department): reads all its townships, lists hazards at county level."""
        return bool(self.county_ids)

    @property
    def may_list_at_county(self) -> bool:
        """挂牌督办 at county level, and its acceptance and delisting: the county bureau's own records."""
        return self.has_role(Role.COUNTY)

    def is_office_for(self, township_id: int | None) -> bool:
        return township_id in self.office_townships

    def is_custodian_for(self, township_id: int | None) -> bool:
        return township_id in self.custodian_townships

    def sees_all_of(self, township_id: int | None) -> bool:
        return township_id in self.all_townships

    # -- the rule, as a Q over any model's field paths ------------------------
    def q(
        self,
        *,
        township: str | None = "township",
        village: str | None = None,
        sector: str | None = None,
        enterprise: str | None = None,
    ) -> Q:
        """Rows the user may read, given where the model keeps its township, village, sector and enterprise."""
        q = NOTHING
        if township and self.all_townships:
            q |= Q(**{f"{township}__in": self.all_townships})
        if village and self.village_ids:
            q |= Q(**{f"{village}__in": self.village_ids})
        if sector and self.sector_ids:
            q |= Q(**{f"{sector}__in": self.sector_ids})
        if enterprise and self.enterprise_ids:
            q |= Q(**{f"{enterprise}__in": self.enterprise_ids})
        return q

    def filter_enterprises(self, qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
        q = self.q(township="township", village="village", sector="primary_sector", enterprise="pk")
        if self.sector_ids:
            # Further sectors too, without a join that would duplicate rows.
            through = Enterprise.other_sectors.through.objects.filter(sector_id__in=self.sector_ids)
            q |= Q(pk__in=through.values("enterprise_id"))
        return qs.filter(q)

    def filter_villages(self, qs: QuerySet[Village]) -> QuerySet[Village]:
        return qs.filter(self.q(township="township") | Q(pk__in=self.village_ids))

    def filter_sectors(self, qs: QuerySet[Sector]) -> QuerySet[Sector]:
        return qs.filter(self.q(township="township") | Q(pk__in=self.sector_ids))


ANONYMOUS = Scope()


def _sector_ids_for_units(unit_ids: Iterable[int]) -> frozenset[int]:
    unit_ids = list(unit_ids)
    if not unit_ids:
        return frozenset()
    led = Sector.objects.filter(lead_unit_id__in=unit_ids, is_active=True).values_list("pk", flat=True)
    joined = Sector.objects.filter(participating_units__in=unit_ids, is_active=True).values_list("pk", flat=True)
    return frozenset(led) | frozenset(joined)


def _county_sector_ids(department_ids: Iterable[int]) -> frozenset[int]:
    """The sectors of the county's townships that the county departments oversee, by name or other name."""
    department_ids = list(department_ids)
    if not department_ids:
        return frozenset()
    sector_ids: set[int] = set()
    for department in CountyDepartment.objects.filter(pk__in=department_ids, is_active=True):
        sectors = Sector.objects.filter(township__county_id=department.county_id, is_active=True)
        sector_ids.update(s.pk for s in sectors.only("pk", "name", "aliases") if department.oversees(s))
    return frozenset(sector_ids)


@dataclass(frozen=True)
class _Row:
    role: str
    township_id: int | None
    unit_id: int | None
    village_id: int | None
    enterprise_id: int | None
    county_department_id: int | None
    county_id: int | None


def _assignment_rows(user: User) -> list[_Row]:
    """The user's active assignments; a county department's county is that of the department. A request loads them
    once (current_township_id keeps them on the user object for the scope)."""
    cached: list[_Row] | None = getattr(user, ASSIGNMENTS_ATTR, None)
    if cached is not None:
        return cached
    rows = Assignment.objects.filter(user=user, is_active=True).values_list(
        "role",
        "township_id",
        "unit_id",
        "village_id",
        "enterprise_id",
        "county_department_id",
        "county_id",
        "county_department__county_id",
    )
    return [_Row(*row[:6], county_id=row[6] or row[7]) for row in rows]


def _county_township_ids(rows: list[_Row]) -> frozenset[int]:
    county_ids = {r.county_id for r in rows if r.county_id}
    if not county_ids:
        return frozenset()
    return frozenset(Township.objects.filter(county_id__in=county_ids).values_list("pk", flat=True))


def build_scope(user: User | AnonymousUser) -> Scope:
    """The user's scope: from their assignments in the township they act in (see act_in_township), plus their
    county roles; from all their assignments where no township was chosen (a job, a command, a test)."""
    if not user.is_authenticated:
        return ANONYMOUS
    rows = _assignment_rows(user)
    acting = getattr(user, ACTING_TOWNSHIP_ATTR, None)
    if acting is not None:
        rows = [r for r in rows if r.township_id in (None, acting)]
    roles = {r.role for r in rows}
    county_townships = _county_township_ids([r for r in rows if r.role == Role.COUNTY])
    all_townships = {r.township_id for r in rows if r.role in (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)}
    office_townships = {r.township_id for r in rows if r.role in (Role.OFFICE, Role.ADMIN)}
    unit_ids = frozenset(r.unit_id for r in rows if r.role == Role.DEPARTMENT and r.unit_id)
    department_ids = {r.county_department_id for r in rows if r.county_department_id}
    county_ids = frozenset(r.county_id for r in rows if r.county_id)
    return Scope(
        user_id=user.pk,
        roles=frozenset(roles),
        all_townships=frozenset(t for t in all_townships if t) | county_townships,
        office_townships=frozenset(t for t in office_townships if t),
        village_ids=frozenset(r.village_id for r in rows if r.role == Role.VILLAGE and r.village_id),
        unit_ids=unit_ids,
        sector_ids=_sector_ids_for_units(unit_ids) | _county_sector_ids(department_ids),
        enterprise_ids=frozenset(r.enterprise_id for r in rows if r.role == Role.ENTERPRISE and r.enterprise_id),
        township_ids=frozenset(r.township_id for r in rows if r.township_id) | _county_township_ids(rows),
        county_ids=county_ids,
        custodian_townships=frozenset(r.township_id for r in rows if r.role == Role.REPORT_CUSTODIAN and r.township_id),
    )


def get_scope(user: Any) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    cached = getattr(user, SCOPE_ATTR, None)
    if cached is None:
        cached = build_scope(user)
        if user.is_authenticated:
            setattr(user, SCOPE_ATTR, cached)
    return cached


def current_user(request: Any) -> User:
    """The signed-in user of a view behind @login_required, typed as our User."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    return user  # type: ignore[no-any-return]


def get_or_404(qs: QuerySet[M], **lookup: Any) -> M:
    """Fetch one row of an already scoped queryset; 'missing' and 'not yours' look the same."""
    try:
        return qs.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def require_office(scope: Scope, township_id: int | None = None) -> None:
    """Master-data changes are the office's (and the administrator's); to anyone else the page does not exist."""
    if not scope.is_office or (township_id is not None and not scope.is_office_for(township_id)):
        raise Http404


def require_any(scope: Scope, *roles: str) -> None:
    if not scope.has_role(*roles):
        raise Http404


CURRENT_TOWNSHIP_KEY = "current_township"
# Where the request's user object keeps its scope, and the township it acts in (set before the scope is built).
SCOPE_ATTR = "_liuwei_scope"
ACTING_TOWNSHIP_ATTR = "_liuwei_township"
ASSIGNMENTS_ATTR = "_liuwei_assignments"


def township_choices(user: Any) -> frozenset[int]:
    """The townships the user may act in: those of their township roles and every township of their county."""
    if not user.is_authenticated:
        return frozenset()
    rows = _assignment_rows(user)
    return frozenset(r.township_id for r in rows if r.township_id) | _county_township_ids(rows)


def resolve_township_id(user: Any, chosen: Any) -> int | None:
    """The township the user acts in: `chosen` (the session's choice) if it is still theirs, else their only
    township; None when they have none."""
    choices = township_choices(user)
    if not choices:
        return None
    if isinstance(chosen, int) and not isinstance(chosen, bool) and chosen in choices:
        return chosen
    # Several townships and no valid choice yet: a stable default until the user picks one, their office's first.
    offices = {r.township_id for r in _assignment_rows(user) if r.role in (Role.OFFICE, Role.ADMIN) and r.township_id}
    return min(offices or choices)


def act_in_township(user: Any, township_id: int | None) -> None:
    """From now on the user's scope is that of `township_id` (a request's choice, the township a job was started
    in). The scope computed before, if any, is dropped."""
    setattr(user, ACTING_TOWNSHIP_ATTR, township_id)
    if hasattr(user, SCOPE_ATTR):
        delattr(user, SCOPE_ATTR)


def current_township_id(request: Any) -> int | None:
    """The township the user acts in on this request (units.middleware.CurrentTownshipMiddleware resolves it once,
    before any scope is computed). Every page, form, export and number follows it, so no code picks "the first" of
    several townships itself."""
    user = request.user
    if not user.is_authenticated:
        return None
    if not hasattr(user, ACTING_TOWNSHIP_ATTR):
        setattr(user, ASSIGNMENTS_ATTR, _assignment_rows(user))
        chosen = request.session.get(CURRENT_TOWNSHIP_KEY) if hasattr(request, "session") else None
        act_in_township(user, resolve_township_id(user, chosen))
    township_id: int | None = getattr(user, ACTING_TOWNSHIP_ATTR)
    return township_id


def current_township(request: Any) -> Township:
    """The current township (404 when the user has none)."""
    township_id = current_township_id(request)
    if township_id is None:
        raise Http404
    return Township.objects.get(pk=township_id)


def office_township(request: Any) -> Township:
    """The current township of an office user (or administrator) who manages it; 404 to everyone else."""
    scope = get_scope(request.user)
    township_id = current_township_id(request)
    if township_id is None or not scope.is_office_for(township_id):
        raise Http404
    return Township.objects.get(pk=township_id)


def townships_visible_to(user: Any) -> QuerySet[Township]:
    """The townships the user reads anything of now: the current one, or every township of their county."""
    return Township.objects.filter(pk__in=get_scope(user).township_ids)


def townships_to_choose(user: Any) -> QuerySet[Township]:
    """The townships the user may choose to act in (the header's picker)."""
    return Township.objects.filter(pk__in=township_choices(user))


def townships_managed_by(user: Any) -> QuerySet[Township]:
    """The townships whose office the user is (or administrator): their settings, their list of stuck work."""
    return Township.objects.filter(pk__in=get_scope(user).office_townships)


def get_township_for_office(user: Any, pk: Any) -> Township:
    return get_or_404(townships_managed_by(user), pk=pk)


# -- master data ------------------------------------------------------------------------------------------

# Villages, units, sectors and supervision groups are read by those who see the whole township (the county bureau
# sees every township's); enterprises also by departments, village officers and county departments (theirs); the
# office changes them.
MASTER_DATA_READERS = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN, Role.COUNTY)
ENTERPRISE_READERS = (*MASTER_DATA_READERS, Role.DEPARTMENT, Role.VILLAGE, Role.COUNTY_DEPARTMENT)


def require_master_data_reader(scope: Scope) -> None:
    require_any(scope, *MASTER_DATA_READERS)


def may_see_master_history(scope: Scope) -> bool:
    """Who changed a record and when: for those who read the township's master data."""
    return scope.has_role(*MASTER_DATA_READERS)


def master_records_visible_to(user: Any, model: type[M]) -> QuerySet[M]:
    """A township's villages, units, sectors or supervision groups (any model with a `township`)."""
    return model._default_manager.filter(get_scope(user).q(township="township"))


def supervision_groups_visible_to(user: Any) -> QuerySet[SupervisionGroup]:
    return master_records_visible_to(user, SupervisionGroup)


def require_enterprise_reader(scope: Scope) -> None:
    require_any(scope, *ENTERPRISE_READERS)


def enterprises_visible_to(user: Any) -> QuerySet[Enterprise]:
    return get_scope(user).filter_enterprises(Enterprise.objects.all())


def get_enterprise_for_user(user: Any, pk: Any) -> Enterprise:
    qs = enterprises_visible_to(user).select_related("village", "primary_sector__lead_unit", "township", "operated_by")
    return get_or_404(qs, pk=pk)


def get_enterprise_for_office(user: Any, pk: Any) -> Enterprise:
    enterprise = get_enterprise_for_user(user, pk)
    require_office(get_scope(user), enterprise.township_id)
    return enterprise
