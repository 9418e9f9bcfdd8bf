"""Every number on the dashboard links to the list that produces it, and that list shows the same count at the same
moment: tiles, goals, slow-progress rows and every bar of every chart, for each kind of reader."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db.models import Sum
from django.urls import reverse

from tests.dashboard.test_dashboard import NOW, build_plan_data, page
from tests.factories import HazardFactory


def numbers_with_links(board: Any) -> list[tuple[str, Any, str]]:
    """(key, value, url) of every linked number on the page."""
    found: list[tuple[str, Any, str]] = []
    figures = [f for tile in board.tiles for f in (tile.main, *tile.parts)]
    figures += [f for goal in board.goals for f in goal.figures]
    figures += [f for row in (*board.slow_villages, *board.slow_units) for f in (row.overdue_major, row.open_major)]
    found += [(f.key, f.value, f.url) for f in figures if f.url]
    for chart in board.charts:
        for series in chart.series:
            for name, item in zip(chart.categories, series["data"], strict=True):
                found.append((f"chart {chart.key} {series['name']} {name}", item["value"], item["url"]))
    return found


def count_on_list(client: Any, key: str, url: str) -> int:
    """What the linked page itself says, read from the context it renders."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    path = urlsplit(url).path
    if path == reverse("hazards:list"):
        assert context["filter"].is_valid(), (url, context["filter"].errors)
        if key in ("extension_count", "extension_days"):  # summed over the very hazards the list shows
            return int(context["page_obj"].paginator.object_list.aggregate(n=Sum(key))["n"] or 0)
        return int(context["page_obj"].paginator.count)
    if path == reverse("inspections:quarter_board"):
        return int(context["done"] if key == "visits_done" else context["total"])
    if path == reverse("dashboard:accidents"):
        assert context["form"].is_valid(), url
        return int(context["totals"]["n"] if key.startswith("accidents") else context["totals"]["deaths"] or 0)
    if path in (reverse("inspections:problems"), reverse("inspections:self_inspections")):
        assert context["form"].is_valid(), url
        return int(context["page_obj"].paginator.count)
    raise AssertionError(f"no list known for {url}")


@pytest.fixture
def data(world):
    with time_machine.travel(NOW, tick=False):
        yield _data(world)


def _data(world):
    plan = build_plan_data(world)
    # A hazard village A's officer reported in village B: the scoping rule shows it to them, so it counts for them.
    HazardFactory(title="代报", village=world.village_b, sector=world.sector_b, level="major", status="reported",
                  found_on=plan["H9"].found_on, reported_by=world.village_a_officer)  # fmt: skip
    return plan


@pytest.mark.parametrize("who", ["office", "leader", "village_a_officer", "village_b_officer", "dept_a", "dept_b"])
def test_it_shows_on_each_linked_list_the_count_of_the_dashboard(client, world, data, who):
    user = getattr(world, who)
    board = page(client, user).context["board"]
    numbers = numbers_with_links(board)
    assert len(numbers) > 40
    mismatches = []
    for key, value, url in numbers:
        listed = count_on_list(client, key, url)
        if listed != value:
            mismatches.append((key, value, listed, url))
    assert mismatches == []


def test_it_covers_every_tile(client, world, data):
    """No tile is left without a link to its list (the rates link through their two counts)."""
    board = page(client, world.office).context["board"]
    for tile in board.tiles:
        linked = [f for f in (tile.main, *tile.parts) if f.url]
        assert linked, tile.key
        if not tile.main.url:
            assert tile.key in ("rectification_rate", "on_time_rate")
            assert len(linked) == 2
