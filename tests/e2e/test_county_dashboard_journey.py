"""The county bureau opens the county dashboard from its home page, follows a figure of the second township to the
list behind it and finds that many rows there — on a desktop (1280 px) and on a phone (390 px), where each township
is a card and nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from core.dates import local_today
from tests.e2e.conftest import login, screenshot
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _hazards(world: Any) -> None:
    """刘圩镇: 3 open hazards; 邻镇: 5 open, 2 of them major and past their deadline."""
    today = local_today()
    for i in range(3):
        HazardFactory(village=world.village_a, sector=world.sector_a, found_on=today - dt.timedelta(days=i + 1))
    for i in range(3):
        HazardFactory(village=world.other_village, sector=world.other_sector, found_on=today - dt.timedelta(days=i))
    for i in range(2):
        HazardFactory(
            village=world.other_village, sector=world.other_sector, level="major", status="rectifying",
            found_on=today - dt.timedelta(days=40 + i), deadline=today - dt.timedelta(days=5),
        )  # fmt: skip


def _open_county_dashboard(page: Page) -> None:
    login(page, "county")
    page.goto("/")
    if page.locator(".navbar-toggler").is_visible():  # the menu folds behind its button on a narrow window
        page.locator(".navbar-toggler").click()
    page.get_by_test_id("nav").locator('a[href="/dashboard/county/"]').click()
    page.wait_for_url("**/dashboard/county/")
    expect(page.get_by_test_id("county-row")).to_have_count(2)


def _row(page: Page, township: Any) -> Any:
    return page.locator(f'[data-testid="county-row"][data-township="{township.pk}"]')


def test_it_follows_a_figure_of_the_second_township_to_its_list(page: Page, world):
    _hazards(world)
    page.set_viewport_size({"width": 1280, "height": 900})
    _open_county_dashboard(page)
    neighbour = _row(page, world.other_township)
    expect(neighbour.locator("th")).to_have_text("邻镇")
    expect(neighbour.get_by_test_id("figure-open")).to_have_text("5")
    expect(_row(page, world.township).get_by_test_id("figure-open")).to_have_text("3")
    expect(page.get_by_test_id("county-total").get_by_test_id("figure-open")).to_have_text("8")
    # The table stays within the page: any width it lacks scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "county-dashboard")

    neighbour.get_by_test_id("figure-open").click()
    page.wait_for_url(f"**/hazards/?open=true&township={world.other_township.pk}")
    expect(page.get_by_test_id("result-count")).to_contain_text("5")
    expect(page.get_by_test_id("hazard-table").locator("tbody tr")).to_have_count(5)
    expect(page.locator("#id_township")).to_have_value(str(world.other_township.pk))
    screenshot(page, "county-dashboard-list")

    page.go_back()
    neighbour.get_by_test_id("figure-overdue_major").click()
    page.wait_for_url(f"**/hazards/?overdue=true&level=major&township={world.other_township.pk}")
    expect(page.get_by_test_id("hazard-table").locator("tbody tr")).to_have_count(2)


def test_it_shows_each_township_as_a_card_on_a_phone(phone_page: Page, world):
    page = phone_page
    _hazards(world)
    _open_county_dashboard(page)
    # Nothing wider than the screen: each township's row is a card of its figures, one under the other.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first, second = (_row(page, t).bounding_box() for t in (world.township, world.other_township))
    assert first and second and second["y"] > first["y"] + first["height"] - 1
    assert first["width"] <= 390
    screenshot(page, "county-dashboard-phone")
    neighbour = _row(page, world.other_township)
    neighbour.get_by_test_id("figure-open_major").click()
    page.wait_for_url(f"**/hazards/?level=major&open=true&township={world.other_township.pk}")
    expect(page.get_by_test_id("hazard-table").locator("tbody tr")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
