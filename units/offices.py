"""The names a township's documents and messages are signed with: its safety office, the unit that fills in a form.

Nothing here knows a township by name: a county installation serves several, and each one's texts (the SMS
signature, the 填报单位 of a county form) come from its own rows — the unit the office marked as the safety office,
else the township's name with the office's usual short name (安委办).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .models import Assignment, Role, Township, Unit, User

# The kind of division a township's name ends with (某某镇, 某某乡, 某某街道); its units often repeat it (镇应急办).
_DIVISION = re.compile(r"(镇|乡|街道)$")
# The roles whose assignment names the unit a person works for, the office first.
_UNIT_ROLES = (Role.OFFICE, Role.DEPARTMENT)


def township_short_name(township_name: str) -> str:
    """The township's name without 镇/乡/街道, as its document numbers begin: 某某安隐改〔2026〕第…, 某某隐〔2026〕0001.

    A plain function of the name, so that a migration can number historical rows the same way."""
    return _DIVISION.sub("", township_name) or township_name


def township_unit_name(township: Township, unit_name: str) -> str:
    """A township unit's name as the county reads it, township first: 镇应急办 → 某某镇应急办, 住建所 → 某某镇住建所.

    A name that already starts with the township's is kept as it is.
    """
    if unit_name.startswith(township.name):
        return unit_name
    division = _DIVISION.search(township.name)
    if division and unit_name.startswith(division.group(1)):
        unit_name = unit_name[len(division.group(1)) :]
    return f"{township.name}{unit_name}"


def safety_office(township: Township) -> Unit | None:
    """The unit the office marked as the township's safety office (安委办/应急办), if any."""
    return Unit.objects.filter(township=township, is_safety_office=True, is_active=True).order_by("pk").first()


def safety_office_name(township: Township) -> str:
    """The township's safety office by name: its marked unit (某某镇应急办), else the township's 安委办."""
    office = safety_office(township)
    if office is not None:
        return township_unit_name(township, office.name)
    # Joined without a space: the name is read in Chinese (…镇 + 安委办), in texts and forms sent to the county.
    return f"{township.name}{_('safety office')}"


def filler_unit_name(user: User, township: Township) -> str:
    """填报单位 of a form the user fills in for the township: their own unit there (the unit of their office or
    department assignment), else the township's safety office."""
    assignment = (
        Assignment.objects.filter(
            user=user,
            township=township,
            is_active=True,
            role__in=_UNIT_ROLES,
            unit__township=township,
            unit__is_active=True,
        )
        .select_related("unit")
        .order_by("-role", "pk")  # "office" sorts after "department": reversed, the office comes first
        .first()
    )
    if assignment is not None and assignment.unit is not None:
        return township_unit_name(township, assignment.unit.name)
    return safety_office_name(township)
