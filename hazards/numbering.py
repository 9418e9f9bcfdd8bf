"""The hazard number (隐患编号): 某某隐〔2026〕0001 — the township's short name, 隐, the year, a four-digit serial.

Given when a hazard is registered (hazard_confirm), or when it is created registered already (立查立改, a ledger
import, generated data); never to a report not yet registered nor to a dismissed one. The year is that of the local
date of registration. Serials run per township and year; the township row is the counter and is locked while a
number is taken, as the rectification notices' numbering does, so two registrations at once get consecutive numbers.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models.functions import Length
from django.utils import timezone

from units.models import Township
from units.offices import township_short_name

from .models import Hazard, Status

# The statuses of a hazard that was never registered: no number.
UNNUMBERED_STATUSES = (Status.REPORTED, Status.DISMISSED)


def number_prefix(township_name: str, year: int) -> str:
    return f"{township_short_name(township_name)}隐〔{year}〕"


def format_number(township_name: str, year: int, serial: int) -> str:
    return f"{number_prefix(township_name, year)}{serial:04d}"


def registration_year(confirmed_at: dt.datetime | None, found_on: dt.date) -> int:
    """The year of the local date of registration; a hazard recorded without that moment: the year it was found."""
    return timezone.localdate(confirmed_at).year if confirmed_at is not None else found_on.year


def is_numbered_status(status: str) -> bool:
    return status not in UNNUMBERED_STATUSES


class NumberBook:
    """The numbers of one township, handed out inside the caller's transaction with the township row locked.

    `take(year)` gives the next free serial of the year; `keep(number)` claims a number that came with the hazard
    (a ledger import) when it is in this township's form and nobody holds it.
    """

    def __init__(self, township_id: int) -> None:
        self.township = Township.objects.select_for_update().get(pk=township_id)
        self._next: dict[int, int] = {}
        self._claimed: set[str] = set()
        self._form = re.compile(re.escape(township_short_name(self.township.name)) + r"隐〔(\d{4})〕(\d{4,})")

    def _last_serial(self, year: int) -> int:
        prefix = number_prefix(self.township.name, year)
        # Same prefix, so the longest and then greatest number holds the highest serial (0999 < 1000 < 10000).
        last = (
            Hazard.objects.filter(township_id=self.township.pk, number__startswith=prefix)
            .order_by(Length("number").desc(), "-number")
            .values_list("number", flat=True)
            .first()
        )
        match = self._form.fullmatch(last or "")
        return int(match.group(2)) if match else 0

    def take(self, year: int) -> str:
        serial = self._next.get(year) or self._last_serial(year) + 1
        number = format_number(self.township.name, year, serial)
        while number in self._claimed:
            serial += 1
            number = format_number(self.township.name, year, serial)
        self._next[year] = serial + 1
        self._claimed.add(number)
        return number

    def keep(self, number: str) -> bool:
        """Claim `number` if it is this township's (short name, 隐, a year, a serial from 0001) and free."""
        match = self._form.fullmatch(number)
        if match is None or int(match.group(2)) < 1 or f"{int(match.group(2)):04d}" != match.group(2):
            return False
        if number in self._claimed or self._taken(number):
            return False
        self._claimed.add(number)
        year = int(match.group(1))
        self._next[year] = max(self._next.get(year) or self._last_serial(year) + 1, int(match.group(2)) + 1)
        return True

    def _taken(self, number: str) -> bool:
        return Hazard.objects.filter(township_id=self.township.pk, number=number).exists()


def next_number(hazard: Hazard) -> str:
    """The next number of the hazard's township and year of registration; the caller's transaction holds the
    township's lock until the hazard is saved."""
    return NumberBook(hazard.township_id).take(registration_year(hazard.confirmed_at, hazard.found_on))


def number_for(hazard: Hazard) -> str:
    """The number of a hazard being created: its own if it has one, a new one if it is created registered, none
    for a report or a dismissed one."""
    if hazard.number or not is_numbered_status(hazard.status):
        return hazard.number
    return next_number(hazard)
