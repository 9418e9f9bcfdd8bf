"""The scoreboard (赛马): leadership opens it at 1280 px and follows one village's figure to the hazards behind it;
a village officer sees its own row and rank at 390 px, not the other villages' figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from core.dates import local_today, previous_quarter, quarter_bounds, quarter_of
from tests.e2e.conftest import login, screenshot
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_leadership_follows_a_figure_and_a_village_sees_its_own_row(page: Page, phone_page: Page, world):
    year, quarter = previous_quarter(*quarter_of(local_today()))
    start, _end = quarter_bounds(year, quarter)
    day = start + dt.timedelta(days=20)
    HazardFactory(village=world.village_a, sector=world.sector_a, title="配电箱未接地", status="closed",
                  deadline=day, completed_on=day - dt.timedelta(days=2))  # fmt: skip
    HazardFactory(village=world.village_a, sector=world.sector_a, title="灭火器过期", status="rectifying",
                  deadline=day + dt.timedelta(days=5))  # fmt: skip
    HazardFactory(village=world.village_b, sector=world.sector_b, title="通道堵塞", status="closed",
                  deadline=day, completed_on=day)  # fmt: skip
    query = f"?year={year}&quarter={quarter}"

    login(page, "leader")
    page.goto(f"/plan/scoreboard/{query}")
    villages = page.get_by_test_id("board-villages")
    expect(villages.get_by_test_id("board-row")).to_have_count(2)
    expect(page.get_by_test_id("board-frozen")).to_be_visible()
    row = villages.locator(f'[data-testid="board-row"][data-pk="{world.village_a.pk}"]')
    figure = row.locator('[data-testid="figure"][data-indicator="on_time_rate"]')
    expect(figure.get_by_test_id("figure-value")).to_have_text("50.0%")
    expect(page.get_by_test_id("board-definitions")).to_be_visible()
    screenshot(page, "scoreboard-leadership")
    figure.get_by_test_id("figure-link").first.click()
    expect(page).to_have_url(re.compile(rf"/hazards/\?village={world.village_a.pk}&"))
    expect(page.get_by_text("配电箱未接地")).to_be_visible()
    expect(page.get_by_text("灭火器过期")).to_be_visible()
    expect(page.get_by_text("通道堵塞")).to_have_count(0)
    screenshot(page, "scoreboard-figure-records")

    login(phone_page, "village_a")
    phone_page.goto(f"/plan/scoreboard/{query}")
    expect(phone_page.get_by_test_id("own-rank").first).to_contain_text(world.village_a.name)
    expect(phone_page.get_by_test_id("board-villages").get_by_test_id("board-row")).to_have_count(1)
    expect(phone_page.get_by_text(world.village_b.name)).to_have_count(0)
    _no_sideways_scroll(phone_page)
    screenshot(phone_page, "scoreboard-village-phone")
