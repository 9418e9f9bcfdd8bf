"""Who may see and change what: the one scoping rule of the system (SPEC S6).

Every list, detail, export, chart and API query narrows its queryset through a
`Scope`. A user's scope is the union of their active assignments:

* office, leadership, admin — everything in their township(s); leadership only reads;
* department — records of the sectors their unit leads or takes part in;
* village — records of their villages;
* enterprise — their own enterprise.

Objects outside the scope answer 404, so nobody learns that a hidden record exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models import Assignment, Enterprise, Role, Sector, SupervisionGroup, Township, User, Village

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

M = TypeVar("M", bound=Model)

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    roles: frozenset[str] = frozenset()
    # Townships whose every record the user may read (office, leadership, admin).
    all_townships: frozenset[int] = frozenset()
    # Townships whose master data and workflow the user manages (office, admin).
    office_townships: frozenset[int] = frozenset()
    village_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    sector_ids: frozenset[int] = frozenset()
    enterprise_ids: frozenset[int] = frozenset()
    township_ids: frozenset[int] = field(default=frozenset())

    # -- roles ---------------------------------------------------------------
    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_office(self) -> bool:
        return bool(self.office_townships)

    @property
    def is_read_only(self) -> bool:
        """Leadership alone: sees everything, changes nothing."""
        return self.roles == {Role.LEADERSHIP}

    def is_office_for(self, township_id: int | None) -> bool:
        return township_id in self.office_townships

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


def build_scope(user: User | AnonymousUser) -> Scope:
    if not user.is_authenticated:
        return ANONYMOUS
    rows = list(
        Assignment.objects.filter(user=user, is_active=True).values_list(
            "role", "township_id", "unit_id", "village_id", "enterprise_id"
        )
    )
    roles = {r[0] for r in rows}
    all_townships = {r[1] for r in rows if r[0] in (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)}
    office_townships = {r[1] for r in rows if r[0] in (Role.OFFICE, Role.ADMIN)}
    unit_ids = frozenset(r[2] for r in rows if r[0] == Role.DEPARTMENT)
    return Scope(
        user_id=user.pk,
        roles=frozenset(roles),
        all_townships=frozenset(all_townships),
        office_townships=frozenset(office_townships),
        village_ids=frozenset(r[3] for r in rows if r[0] == Role.VILLAGE),
        unit_ids=unit_ids,
        sector_ids=_sector_ids_for_units(unit_ids),
        enterprise_ids=frozenset(r[4] for r in rows if r[0] == Role.ENTERPRISE),
        township_ids=frozenset(r[1] for r in rows),
    )


def get_scope(user: Any) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    cached = getattr(user, "_liuwei_scope", None)
    if cached is None:
        cached = build_scope(user)
        if user.is_authenticated:
            user._liuwei_scope = cached
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


def current_township_id(request: Any) -> int | None:
    """The township the user acts in on this request: the one chosen in the session if it is still theirs, else
    their only township; None when they have none. Every page, form, export and number follows it, so no code picks
    "the first" of several townships itself."""
    scope = get_scope(request.user)
    if not scope.township_ids:
        return None
    chosen = request.session.get(CURRENT_TOWNSHIP_KEY) if hasattr(request, "session") else None
    if isinstance(chosen, int) and chosen in scope.township_ids:
        return chosen
    # Several townships and no valid choice yet: a stable default until the user picks one, their office's first.
    return min(scope.office_townships or scope.township_ids)


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
    """The townships the user holds any role in: those they may choose as the current one, or report on."""
    return Township.objects.filter(pk__in=get_scope(user).township_ids)


def townships_managed_by(user: Any) -> QuerySet[Township]:
    """The townships whose office the user is (or administrator): their settings, their list of stuck work."""
    return Township.objects.filter(pk__in=get_scope(user).office_townships)


def get_township_for_office(user: Any, pk: Any) -> Township:
    return get_or_404(townships_managed_by(user), pk=pk)


# -- master data ------------------------------------------------------------------------------------------

# Villages, units, sectors and supervision groups are read by those who see the whole township; enterprises also
# by departments and village officers (theirs); the office changes them.
MASTER_DATA_READERS = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)
ENTERPRISE_READERS = (*MASTER_DATA_READERS, Role.DEPARTMENT, Role.VILLAGE)


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
