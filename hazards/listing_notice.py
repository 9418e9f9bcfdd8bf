"""The names a 挂牌督办通知 is issued with, and the defaults its form offers (§7, §17).

Each township's documents are in its own name, never a fixed 镇安委办:

* a township listing is the township's 安委会's (某某镇安全生产委员会: the plan's 安委会督办交办制度, 四(六), and
  §7 镇政府挂牌督办); its office (the unit marked as the safety office, units.offices) accepts, delists and decides
  the extensions of a major hazard;
* a county listing made by the county bureau in the system is the bureau's (某某县应急管理局); one the office records
  from the county's paper is the county's 安委会's unless the office types the authority its document names;
* a city or province listing names the authority the office types from the document — nothing to derive.

The notice keeps these names as they were on the day it was listed (Listing's snapshot fields).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from units.models import Assignment, County, Role, Township, Unit, User, Village
from units.offices import safety_office_name, township_unit_name

from .models import Hazard, ListingLevel

# Joined as the county reads a 抄送 line, in Chinese.
COPY_SEPARATOR = "，"


def county_bureau_name(county: County) -> str:
    """某某县应急管理局 (the same words as Listing.county_bureau)."""
    return _("%(county)s emergency management bureau") % {"county": county.name}


def committee_name(name: str) -> str:
    """某某镇安全生产委员会, 某某县安全生产委员会."""
    return _("%(name)s work-safety committee") % {"name": name}


def derived_authority(township: Township, level: str, by_county: County | None) -> str:
    """The listing authority when the system can name it; '' when the office must type it (city, province, and a
    county listing of a township outside any county)."""
    if level == ListingLevel.TOWNSHIP:
        return committee_name(township.name)
    if level == ListingLevel.COUNTY:
        if by_county is not None:
            return county_bureau_name(by_county)
        if township.county is not None:
            return committee_name(township.county.name)
    return ""


def village_officer(village: Village) -> User | None:
    """The village's officer (包村/村干部) as recorded by its active assignment, the earliest first."""
    assignment = (
        Assignment.objects.filter(role=Role.VILLAGE, village=village, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return assignment.user if assignment is not None else None


@dataclass(frozen=True)
class Territorial:
    """属地责任: the hazard's village and its officer, as the form offers them."""

    unit: str
    person: str
    phone: str


def default_territorial(hazard: Hazard) -> Territorial:
    officer = village_officer(hazard.village)
    if officer is None:
        return Territorial(unit=hazard.village.name, person="", phone="")
    return Territorial(unit=hazard.village.name, person=officer.display_name, phone=officer.phone)


def default_copy_to(hazard: Hazard, level: str, by_county: County | None) -> str:
    """抄送: the county bureau (unless it is the listing authority), the township office (on a listing not the
    township's own), the hazard's village and its lead unit."""
    township = hazard.township
    names: list[str] = []
    if by_county is None and township.county is not None:
        names.append(county_bureau_name(township.county))
    if level != ListingLevel.TOWNSHIP:
        names.append(safety_office_name(township))
    names.append(hazard.village.name)
    lead_unit: Unit | None = hazard.lead_unit
    if lead_unit is not None:
        names.append(township_unit_name(township, lead_unit.name))
    return COPY_SEPARATOR.join(dict.fromkeys(names))


def hazard_location(hazard: Hazard) -> str:
    return " ".join(part for part in (hazard.village.name, hazard.location.strip()) if part)


def hazard_basis(hazard: Hazard) -> str:
    return " ".join(part for part in (hazard.basis.strip(), hazard.clause.strip()) if part)
