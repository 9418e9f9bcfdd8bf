"""Each township's own stock cutoff (存量/增量): a figure over several townships counts each hazard by its own
township's date, on the dashboard's figures, the hazard list's filter, the month-end snapshots and the hazard page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dashboard.models import Dimension
from dashboard.snapshots import count_month
from dashboard.stats import figures, open_breakdown
from hazards.models import Hazard
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

FOUND = dt.date(2024, 6, 1)


@pytest.fixture
def found_mid_2024(world):
    """A major open hazard found on 1 June 2024 in each township; the township moved its cutoff to 2025."""
    world.township.stock_cutoff = dt.date(2025, 1, 1)
    world.township.save()
    here = HazardFactory(village=world.village_a, sector=world.sector_a, found_on=FOUND, level="major", title="甲")
    there = HazardFactory(
        village=world.other_village, sector=world.other_sector, found_on=FOUND, level="major", title="乙"
    )
    return here, there


def test_it_counts_each_hazard_by_its_own_townships_cutoff(world, found_mid_2024):
    here, there = found_mid_2024
    assert list(Hazard.objects.stock()) == [here]
    assert list(Hazard.objects.increment()) == [there]
    assert figures(Hazard.objects.all())[0]["stock_open_major"] == 1
    assert sum(row["stock"] for row in open_breakdown(Hazard.objects.all())) == 1
    assert Hazard.objects.get(pk=here.pk).is_stock and not Hazard.objects.get(pk=there.pk).is_stock


def test_it_filters_the_hazard_list_by_each_townships_cutoff(world, found_mid_2024, client_for):
    client = client_for(world.county)
    stock = client.get(reverse("hazards:list"), {"stock": "stock"}).content.decode()
    increment = client.get(reverse("hazards:list"), {"stock": "increment"}).content.decode()
    here, there = found_mid_2024
    assert here.get_absolute_url() in stock and there.get_absolute_url() not in stock
    assert there.get_absolute_url() in increment and here.get_absolute_url() not in increment


def test_it_takes_the_townships_cutoff_into_its_month_end_snapshot(world, found_mid_2024):
    here_counts = count_month(world.township, dt.date(2024, 6, 1))
    there_counts = count_month(world.other_township, dt.date(2024, 6, 1))
    assert here_counts[(Dimension.TOTAL, "")]["stock_open_major"] == 1
    assert there_counts[(Dimension.TOTAL, "")]["stock_open_major"] == 0
