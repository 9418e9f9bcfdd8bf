"""core.dates: the calendar half-years (the drills' periods, §24) next to months, quarters and years."""

from __future__ import annotations

import datetime as dt

import pytest

from core.dates import half_bounds, half_key, previous_half_bounds, quarter_bounds, year_bounds

D = dt.date


@pytest.mark.parametrize(
    ("day", "bounds", "key"),
    [
        (D(2026, 1, 1), (D(2026, 1, 1), D(2026, 6, 30)), "2026H1"),
        (D(2026, 6, 30), (D(2026, 1, 1), D(2026, 6, 30)), "2026H1"),
        (D(2026, 7, 1), (D(2026, 7, 1), D(2026, 12, 31)), "2026H2"),
        (D(2026, 12, 31), (D(2026, 7, 1), D(2026, 12, 31)), "2026H2"),
        (D(2024, 2, 29), (D(2024, 1, 1), D(2024, 6, 30)), "2024H1"),
    ],
)
def test_half_bounds_and_key(day: dt.date, bounds: tuple[dt.date, dt.date], key: str) -> None:
    assert half_bounds(day) == bounds
    assert half_key(day) == key


def test_previous_half_crosses_the_year() -> None:
    assert previous_half_bounds(D(2026, 3, 15)) == (D(2025, 7, 1), D(2025, 12, 31))
    assert previous_half_bounds(D(2026, 7, 1)) == (D(2026, 1, 1), D(2026, 6, 30))
    assert previous_half_bounds(D(2026, 1, 1)) == (D(2025, 7, 1), D(2025, 12, 31))


def test_halves_tile_the_year_and_hold_two_quarters_each() -> None:
    day, seen = D(2025, 1, 1), set()
    while day.year == 2025:
        seen.add(half_bounds(day))
        day += dt.timedelta(days=1)
    first, second = sorted(seen)
    assert first[0] == year_bounds(2025)[0] and second[1] == year_bounds(2025)[1]
    assert second[0] - first[1] == dt.timedelta(days=1)
    assert first == (quarter_bounds(2025, 1)[0], quarter_bounds(2025, 2)[1])
    assert second == (quarter_bounds(2025, 3)[0], quarter_bounds(2025, 4)[1])
