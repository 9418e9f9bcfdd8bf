"""The office plans the quarter's supervision visits from the board; a village officer registers a place at risk
on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from core.dates import local_today, quarter_of
from inspections.models import PlaceAtRisk, SupervisionVisit
from tests.e2e.conftest import login, screenshot
from tests.factories import SupervisionGroupFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_lets_the_office_create_this_quarters_plan_from_the_board(page: Page, world):
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.villages.add(world.village_a)
    group.units.add(world.unit_a)
    year, quarter = quarter_of(local_today())

    login(page, "office")
    page.goto("/inspections/plans/")
    expect(page.get_by_test_id("board-quarter")).to_have_attribute("data-quarter", str(quarter))
    expect(page.get_by_test_id("board-empty")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("create-plan").click()

    page.wait_for_url(f"**/inspections/plans/?year={year}&quarter={quarter}")
    board = page.locator(f'[data-testid="group-board"][data-group="{group.pk}"]')
    expect(board).to_have_attribute("data-total", "2")
    expect(board).to_have_attribute("data-done", "0")
    row = board.locator(f'[data-testid="visit-row"][data-target="village:{world.village_a.pk}"]')
    expect(row).to_have_attribute("data-state", "not_done")
    expect(row).to_contain_text(world.village_a.name)
    visit = SupervisionVisit.objects.get(group_id=group.pk, village=world.village_a)
    assert (visit.year, visit.quarter, visit.inspection.kind) == (year, quarter, "supervision")
    expect(row.get_by_test_id("visit-inspection")).to_have_attribute("href", f"/inspections/{visit.inspection_id}/")
    screenshot(page, "quarter-board-planned")


def test_it_lets_a_village_officer_register_a_place_at_risk_on_a_phone(phone_page: Page, world):
    page = phone_page
    login(page, "village_a")
    page.goto("/inspections/places/")
    page.get_by_test_id("place-create").click()

    expect(page.locator("#id_village")).to_have_value(str(world.village_a.pk))
    page.select_option("#id_kind", "idle_factory")
    page.fill("#id_name", "原刘圩砖瓦厂")
    page.fill("#id_address", "刘圩村5组")
    page.fill("#id_grid", "第5网格")
    page.fill("#id_keeper_name", "赵六")
    page.get_by_test_id("place-submit").click()

    place = PlaceAtRisk.objects.get()
    page.wait_for_url(f"**/inspections/places/{place.pk}/")
    expect(page.get_by_test_id("place-name")).to_have_text("原刘圩砖瓦厂")
    expect(page.get_by_test_id("record-patrol")).to_be_visible()
    assert (place.village, place.kind, place.grid, place.township) == (
        world.village_a,
        "idle_factory",
        "第5网格",
        world.township,
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the place page scrolls sideways on a phone ({width}px)"

    page.goto("/inspections/places/")
    expect(page.locator(f'[data-testid="place-row"][data-place="{place.pk}"]')).to_be_visible()
    screenshot(page, "place-registered-phone")
