"""The periods plans are counted in: quarters (§1 supervision, §4 self-inspections) and months (§4, high-risk
sectors). Always dates of the Asia/Shanghai calendar (core.dates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.dates import month_bounds, previous_quarter, quarter_bounds, quarter_of


@dataclass(frozen=True)
class Periods:
    """The current and the previous month and quarter around one day, each as (first day, last day)."""

    month: tuple[dt.date, dt.date]
    prev_month: tuple[dt.date, dt.date]
    quarter: tuple[dt.date, dt.date]
    prev_quarter: tuple[dt.date, dt.date]


def periods_around(today: dt.date) -> Periods:
    month = month_bounds(today)
    year, quarter = quarter_of(today)
    return Periods(
        month=month,
        prev_month=month_bounds(month[0] - dt.timedelta(days=1)),
        quarter=quarter_bounds(year, quarter),
        prev_quarter=quarter_bounds(*previous_quarter(year, quarter)),
    )


def quarter_shift(year: int, quarter: int, by: int) -> tuple[int, int]:
    """The quarter `by` quarters after (before, when negative) the given one."""
    n = year * 4 + quarter - 1 + by
    return n // 4, n % 4 + 1
