"""Every number on the county dashboard links to the list that produces it, narrowed to its township, and that list
shows the same count at the same moment — for every township and the county total, on generated data in two
townships (generate_hazards), for the county bureau and for a county department."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from dashboard.models import Accident
from hazards.models import Hazard, Listing, Status
from inspections import plans
from inspections.models import Inspection
from tests.dashboard.test_dashboard import NOW
from tests.dashboard.test_tiles_agree import count_on_list
from tests.factories import HazardFactory, SupervisionGroupFactory

LISTING_LEVELS = ("township", "county", "city", "province")


@pytest.fixture
def data(world):
    with time_machine.travel(NOW, tick=False):
        _generated(world)
        yield


def _generated(world: Any) -> None:
    rng = random.Random(12)
    for seed, township in enumerate((world.township, world.other_township), start=1):
        call_command("generate_hazards", 160, seed=seed, township=township.code, force=True, stdout=io.StringIO())
    _building_hazards(world)
    hazards = list(Hazard.objects.order_by("pk"))
    # Reports nobody confirmed: some entered long ago (overdue for confirmation), the rest recently.
    reported = [h.pk for h in hazards if h.status == Status.REPORTED]
    Hazard.objects.filter(pk__in=reported[::2]).update(created_at=NOW - dt.timedelta(days=20))
    for hazard in rng.sample([h for h in hazards if h.status != Status.DISMISSED], 24):
        delisted = rng.random() < 0.25
        Listing.objects.create(
            hazard=hazard, level=rng.choice(LISTING_LEVELS), document_number=f"督〔2026〕{hazard.pk}号",
            supervising_leader="王县长", listed_on=dt.date(2026, 1, 5), required_by=dt.date(2026, 6, 30),
            listed_by=world.office, delisted_on=dt.date(2026, 2, 1) if delisted else None,
            delisted_by=world.office if delisted else None,
        )  # fmt: skip
    _accidents(world, rng)
    _visits(world)


def _building_hazards(world: Any) -> None:
    """In each township's 建筑施工 (by name or other name, the county department's): hazards found this year,
    rectified on time, rectified late, and reported long ago."""
    for village, sector in ((world.village_a, world.sector_a), (world.other_village, world.other_building_sector)):
        for status, completed in (("closed", "2026-02-05"), ("verified", "2026-02-20"), ("reported", None)):
            HazardFactory(
                village=village, sector=sector, status=status, found_on=dt.date(2026, 1, 20),
                deadline=dt.date(2026, 2, 10) if completed else None,
                completed_on=dt.date.fromisoformat(completed) if completed else None,
                closed_at=NOW - dt.timedelta(days=30) if status == "closed" else None,
            )  # fmt: skip


def _accidents(world: Any, rng: random.Random) -> None:
    """Accidents of both townships this year and last, some in an enterprise of 建筑施工 (the county department's),
    some not counted as 生产安全事故."""
    places = [
        (world.township, world.village_a, world.enterprise_a),
        (world.township, world.village_b, None),
        (world.other_township, world.other_village, world.enterprise_other),
        (world.other_township, world.other_village, None),
    ]
    for i in range(16):
        township, village, enterprise = places[i % 4]
        Accident.objects.create(
            township=township, village=village, enterprise=enterprise, place="现场", kind="road",
            occurred_on=dt.date(2026 - i % 3 // 2, 1 + i % 3, 1 + i), deaths=rng.randint(0, 3),
            counts_as_work_safety=i % 5 != 0, created_by=world.office,
        )  # fmt: skip


def _visits(world: Any) -> None:
    """Each township's supervision group visits its villages this quarter; one visit of each is done."""
    groups = ((world.township, [world.village_a, world.village_b]), (world.other_township, [world.other_village]))
    for township, villages in groups:
        group = SupervisionGroupFactory(township=township, leader=world.leader)
        group.villages.add(*villages)
        plans.quarter_plan_create(township=township, year=2026, quarter=1)
        visit = group.visits.order_by("pk").first()
        Inspection.objects.filter(visit=visit).update(status="submitted", done_on=dt.date(2026, 2, 10))


@pytest.mark.parametrize("who", ["county", "county_dept"])
def test_it_shows_on_each_linked_list_the_count_of_the_county_page(client, world, data, who):
    client.force_login(getattr(world, who))
    board = client.get(reverse("dashboard:county")).context["board"]
    assert [row.name for row in board.rows] == ["刘圩镇", "邻镇"]
    numbers = [
        (row.name, cell.figure.key, cell.figure.value, cell.figure.url)
        for row in (*board.rows, board.total)
        for cell in row.cells
        if cell.figure.url
    ]
    assert len(numbers) >= 3 * 13  # two townships and the total, 13 linked counts each (the bureau: 15)
    # The data reach every figure: each is more than zero in the county total.
    assert [(key, value) for name, key, value, _url in numbers if name == board.total.name and not value] == []
    mismatches = []
    for name, key, value, url in numbers:
        listed = count_on_list(client, key, url)
        if listed != value:
            mismatches.append((name, key, value, listed, url))
    assert mismatches == []
