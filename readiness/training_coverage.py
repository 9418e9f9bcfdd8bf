"""The yearly training focus of §4 and how far each year's focus groups are covered.

§4 names, per year, the kinds of enterprise whose principals (主要负责人) or fire-safety responsible persons
(消防安全责任人) are to be trained. The target population of a focus group is the township's active enterprises of
that kind, classified by the enterprise's own flags (LPG business or user, "三合一" place) or by its sectors
(primary or further), matched by name or other name as the township writes them; an enterprise is covered in a
year when a person of it attended a session of that year in the role the plan names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import name_key
from units.models import Enterprise, Sector

from .models import Attendee
from .models.training import AttendeeRole

FIRST_YEAR, LAST_YEAR = 2024, 2026

# §4, as the plan writes it.
PLAN_SENTENCES: dict[int, str] = {
    2024: "2024年，重点开展液化气经营使用单位主要负责人和学校、医院、养老机构消防安全责任人集中培训",
    2025: "2025年，重点开展危险化学品从业单位、工贸企业主要负责人和文博单位消防安全责任人集中培训",
    2026: "2026年，重点开展商超“三合一”场所及物流仓储场所消防安全责任人集中培训",
}


@dataclass(frozen=True)
class FocusGroup:
    key: str
    year: int
    label: str | Promise
    role: str  # the person who is to be trained (AttendeeRole)
    flags: tuple[str, ...] = ()  # Enterprise boolean fields, any of which puts an enterprise in the group
    sector_names: tuple[str, ...] = ()  # sector names or other names, any of which does

    def sector_ids(self, sectors: list[Sector]) -> set[int]:
        wanted = {name_key(name) for name in self.sector_names}
        return {s.pk for s in sectors if any(name_key(n) in wanted for n in [s.name, *s.alias_list])}

    def enterprise_q(self, sectors: list[Sector]) -> Q:
        q = Q(pk__in=[])
        for flag in self.flags:
            q |= Q(**{flag: True})
        ids = self.sector_ids(sectors)
        if ids:
            through = Enterprise.other_sectors.through.objects.filter(sector_id__in=ids)
            q |= Q(primary_sector__in=ids) | Q(pk__in=through.values("enterprise_id"))
        return q


PRINCIPAL, FIRE = AttendeeRole.PRINCIPAL, AttendeeRole.FIRE_OFFICER

FOCUS_GROUPS: tuple[FocusGroup, ...] = (
    FocusGroup(
        "lpg",
        2024,
        _("LPG businesses and users: principals"),
        PRINCIPAL,
        ("is_lpg_business", "is_lpg_user"),
        ("液化气",),
    ),
    FocusGroup(
        "school_hospital_care",
        2024,
        _("Schools, hospitals and elderly-care institutions: fire-safety responsible persons"),
        FIRE,
        sector_names=("校园", "学校", "医疗卫生托育机构", "医院", "医疗卫生", "养老服务", "养老机构"),
    ),
    FocusGroup(
        "hazchem",
        2025,
        _("Hazardous-chemical enterprises: principals"),
        PRINCIPAL,
        sector_names=("危化品", "危险化学品"),
    ),
    FocusGroup(
        "industry_trade", 2025, _("Industry and trade enterprises: principals"), PRINCIPAL, sector_names=("工贸",)
    ),
    FocusGroup(
        "heritage",
        2025,
        _("Cultural-heritage units (文博): fire-safety responsible persons"),
        FIRE,
        sector_names=("文博单位", "文博", "文物保护单位"),
    ),
    FocusGroup(
        "three_in_one", 2026, _("“Three-in-one” places: fire-safety responsible persons"), FIRE, ("is_three_in_one",)
    ),
    FocusGroup(
        "logistics",
        2026,
        _("Logistics warehouses: fire-safety responsible persons"),
        FIRE,
        sector_names=("物流仓储", "仓储物流", "物流"),
    ),
)


def groups_of(year: int) -> list[FocusGroup]:
    return [group for group in FOCUS_GROUPS if group.year == year]


@dataclass
class GroupCoverage:
    group: FocusGroup
    total: int
    covered: int
    uncovered: list[Enterprise] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        """Covered share in per cent; None when the group has no enterprise."""
        return round(100 * self.covered / self.total, 1) if self.total else None


def attended_q(*, township_id: int, year: int, role: str) -> Exists:
    return Exists(
        Attendee.objects.filter(
            enterprise=OuterRef("pk"), role=role, session__township_id=township_id, session__held_on__year=year
        )
    )


def coverage(*, enterprises: QuerySet[Enterprise], township_id: int, year: int) -> list[GroupCoverage]:
    """Each focus group of the year: its enterprises among `enterprises` (already scoped), how many are covered and
    the uncovered ones. Two queries per group, whatever the number of enterprises."""
    sectors = list(Sector.objects.filter(township_id=township_id).only("pk", "name", "aliases"))
    base = enterprises.filter(township_id=township_id, is_active=True)
    result = []
    for group in groups_of(year):
        members = Enterprise.objects.filter(pk__in=base.filter(group.enterprise_q(sectors)).values("pk"))
        rows: list[Any] = list(
            members.annotate(covered=attended_q(township_id=township_id, year=year, role=group.role))
            .select_related("village")
            .order_by("village__code", "name", "pk")
        )
        uncovered = [row for row in rows if not row.covered]
        result.append(GroupCoverage(group, total=len(rows), covered=len(rows) - len(uncovered), uncovered=uncovered))
    return result


def plan_year(year: int) -> int:
    """The plan's year nearest to `year` (before 2024: 2024; after 2026: 2026)."""
    return min(max(year, FIRST_YEAR), LAST_YEAR)
