"""The shared figure definitions (dashboard.stats) on a small data set written out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.stats import figures
from hazards.models import Hazard, Listing
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db


def test_it_counts_active_listings_in_total_and_per_group(world):
    a = HazardFactory(village=world.village_a, sector=world.sector_a, level="major", status="rectifying",
                      deadline=dt.date(2030, 1, 1))  # fmt: skip
    b = HazardFactory(village=world.village_b, sector=world.sector_b, level="major", status="rectifying",
                      deadline=dt.date(2030, 1, 1))  # fmt: skip
    for hazard, level in ((a, "township"), (b, "county")):
        Listing.objects.create(
            hazard=hazard, level=level, document_number=f"{hazard.pk}号", supervising_leader="赵",
            listed_on=dt.date(2026, 1, 1), required_by=dt.date(2026, 6, 30), listed_by=world.office,
        )  # fmt: skip
    total = figures(Hazard.objects.all())[0]
    assert (total["listed"], total["listed_county_plus"]) == (2, 1)
    by_village = {row["village__name"]: (row["listed"], row["listed_county_plus"]) for row in
                  figures(Hazard.objects.all(), group_by="village")}  # fmt: skip
    assert by_village == {"刘圩村": (1, 0), "新集村": (1, 1)}


def test_it_defines_the_rates_as_the_plan_does(world):
    """SPEC S2: 整改率 = rectified ÷ found; 按期整改率 = rectification completed (the acceptance request that then
    passed) by the last approved deadline ÷ rectified — the office's closing date does not count."""
    today = dt.date(2026, 11, 29)
    kw = {"village": world.village_a, "sector": world.sector_a, "found_on": dt.date(2026, 3, 1)}
    deadline = dt.date(2026, 4, 1)
    # Completed on time, closed by the office long after the deadline: on time.
    HazardFactory(status="closed", deadline=deadline, completed_on=dt.date(2026, 3, 20),
                  closed_at=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), **kw)  # fmt: skip
    HazardFactory(status="closed", deadline=deadline, completed_on=dt.date(2026, 4, 5), **kw)  # late
    HazardFactory(status="verified", deadline=deadline, completed_on=deadline, **kw)  # on the deadline: on time
    # Extended twice to 1 May (the deadline is the last approved one): completed 20 April is on time.
    HazardFactory(status="verified", deadline=dt.date(2026, 5, 1), completed_on=dt.date(2026, 4, 20),
                  extension_count=2, extension_days=30, **kw)  # fmt: skip
    # Acceptance requested before the deadline but not passed yet: not rectified, in neither count.
    HazardFactory(status="pending_acceptance", deadline=dt.date(2026, 12, 1), **kw)
    HazardFactory(status="rectifying", deadline=dt.date(2026, 5, 1), **kw)
    HazardFactory(status="dismissed", **kw)
    row = figures(Hazard.objects.all(), today=today)[0]
    assert row["found"] == 6  # the dismissed report is not a hazard found
    assert row["rectified"] == 4 and str(row["rectification_rate"]) == "66.7"
    assert row["rectified_on_time"] == 3 and str(row["on_time_rate"]) == "75.0"
    assert row["closed"] == 2
    assert row["overdue"] == 1 and row["open"] == 2
