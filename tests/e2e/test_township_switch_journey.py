"""A person who works in two townships picks one in the header and sees that township's hazards alone, on a desk
screen and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, screenshot
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("screen", ["page", "phone_page"])
def test_it_switches_township_and_shows_only_the_chosen_ones_hazards(request, world, screen):
    page: Page = request.getfixturevalue(screen)
    HazardFactory(village=world.village_a, sector=world.sector_a, title="刘圩镇的隐患")
    HazardFactory(village=world.other_village, sector=world.other_sector, title="邻镇的隐患")
    world.two_townships  # noqa: B018 - the person of both townships exists once named
    login(page, "two_townships")
    page.goto("/hazards/")
    picker = page.get_by_test_id("current-township")
    expect(picker).to_have_text(world.township.name)
    expect(page.get_by_text("刘圩镇的隐患")).to_be_visible()
    expect(page.get_by_text("邻镇的隐患")).to_have_count(0)

    picker.click()
    page.get_by_test_id("township-picker").get_by_role("button", name=world.other_township.name).click()
    page.wait_for_url("**/hazards/")
    expect(page.get_by_test_id("current-township")).to_have_text(world.other_township.name)
    expect(page.get_by_text("邻镇的隐患")).to_be_visible()
    expect(page.get_by_text("刘圩镇的隐患")).to_have_count(0)
    # The header fits the phone: nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"township-switch-{screen}")

    page.get_by_test_id("current-township").click()
    page.get_by_test_id("township-picker").get_by_role("button", name=world.township.name).click()
    expect(page.get_by_test_id("current-township")).to_have_text(world.township.name)
    expect(page.get_by_text("刘圩镇的隐患")).to_be_visible()
