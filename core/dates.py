"""The calendar every app counts by: dates of Asia/Shanghai (settings.TIME_ZONE), never the UTC date.

"Today" is local_today(); a timestamp compares with local_midnight(day), not with a date. Months, quarters,
half-years and years are those of the calendar; bounds are inclusive (first day, last day).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _


def local_today() -> dt.date:
    return timezone.localdate()


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of a local day as an aware datetime: timestamps compare with it, not with a date."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def month_end(first: dt.date) -> dt.date:
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    return first, month_end(first)


def month_starts(today: dt.date, months: int) -> list[dt.date]:
    """The first days of the last `months` months, oldest first, ending with today's month."""
    n = today.year * 12 + today.month - 1
    return [dt.date(m // 12, m % 12 + 1, 1) for m in range(n - months + 1, n + 1)]


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1–4, not {quarter}")
    return dt.date(year, 3 * quarter - 2, 1), month_end(dt.date(year, 3 * quarter, 1))


def quarter_label(year: int, quarter: int) -> str:
    return _("%(year)d Q%(quarter)d") % {"year": year, "quarter": quarter}


def half_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar half-year holding the day: 1 Jan – 30 Jun or 1 Jul – 31 Dec."""
    if day.month <= 6:
        return dt.date(day.year, 1, 1), dt.date(day.year, 6, 30)
    return dt.date(day.year, 7, 1), dt.date(day.year, 12, 31)


def previous_half_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar half-year before the one holding the day."""
    return half_bounds(half_bounds(day)[0] - dt.timedelta(days=1))


def half_key(day: dt.date) -> str:
    """The half-year holding the day as a period key (e.g. on reminders): "2026H1"."""
    return f"{day.year}H{1 if day.month <= 6 else 2}"


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
