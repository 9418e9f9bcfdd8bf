"""Leadership opens the dashboard: the ECharts charts render as SVG with Chinese labels under the strict CSP, a click
on one village's bar opens that village's list with the same count; the dashboard also works at 390 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from core.dates import local_today
from tests.e2e.conftest import login, screenshot
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _hazards(world: Any) -> None:
    """刘圩村: 3 open hazards; 新集村: 2 open major hazards, both overdue."""
    today = local_today()
    for i in range(3):
        HazardFactory(village=world.village_a, sector=world.sector_a, found_on=today - dt.timedelta(days=i + 1))
    for i in range(2):
        HazardFactory(
            village=world.village_b, sector=world.sector_b, level="major", status="rectifying", channel="public",
            found_on=today - dt.timedelta(days=40 + i), deadline=today - dt.timedelta(days=5),
        )  # fmt: skip


def _watch_csp(page: Page) -> list[str]:
    """Console errors and page errors about the Content Security Policy (inline styles or scripts blocked)."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def _first_bar_centre(page: Page, testid: str) -> tuple[float, float]:
    """The centre of the first bar of a chart: ECharts' SVG renderer draws each bar as a <path> filled with the
    series colour (the first colour of the default palette)."""
    box = page.evaluate(
        """(testid) => {
            const paths = [...document.querySelectorAll(`[data-testid="${testid}"] svg path`)]
                .filter((p) => (p.getAttribute("fill") || "").toLowerCase() === "#5470c6");
            const boxes = paths.map((p) => p.getBoundingClientRect()).filter((b) => b.width > 0 && b.height > 0);
            boxes.sort((a, b) => a.top - b.top);
            const b = boxes[0];
            return b ? {x: b.left + b.width / 2, y: b.top + b.height / 2} : null;
        }""",
        testid,
    )
    assert box, "no bar drawn"
    return box["x"], box["y"]


def test_it_shows_leadership_the_charts_and_opens_a_villages_list_from_its_bar(page: Page, world):
    _hazards(world)
    csp = _watch_csp(page)
    login(page, "leader")
    page.goto("/dashboard/")

    expect(page.get_by_test_id("phase-name")).not_to_be_empty()
    expect(page.get_by_test_id("tile-open_major").get_by_test_id("figure-open_major")).to_have_text("2")
    villages = page.get_by_test_id("chart-village")
    expect(villages).to_have_attribute("data-rendered", "true")
    expect(villages.locator("svg")).to_be_visible()
    # Chinese labels, drawn as SVG text: the village names on the axis, the channels in the channel chart.
    expect(villages.locator("svg text", has_text="刘圩村")).to_have_count(1)
    expect(villages.locator("svg text", has_text="新集村")).to_have_count(1)
    expect(page.get_by_test_id("chart-channel").locator("svg text", has_text="群众举报查实")).to_have_count(1)
    expect(page.get_by_test_id("chart-trend").locator("svg")).to_be_visible()
    screenshot(page, "dashboard-leadership")

    # The bars are largest first: the first is 刘圩村 with 3 open hazards.
    page.get_by_test_id("chart-village").scroll_into_view_if_needed()
    x, y = _first_bar_centre(page, "chart-village")
    page.mouse.move(x, y)  # the tooltip (drawn in the SVG: an HTML one would need inline styles)
    page.wait_for_timeout(300)
    assert csp == []
    page.mouse.click(x, y)
    page.wait_for_url(f"**/hazards/?village={world.village_a.pk}&open=true")
    expect(page.get_by_test_id("result-count")).to_contain_text("3")
    expect(page.get_by_test_id("hazard-table").locator("tbody tr")).to_have_count(3)

    # The same link is in the chart's data table, for keyboards and screen readers.
    page.go_back()
    page.get_by_test_id("chart-table-toggle-village").click()
    link = page.get_by_test_id("chart-table-village").locator(f'a[data-pk="{world.village_b.pk}"]')
    expect(link).to_have_text("2")
    link.click()
    page.wait_for_url(f"**/hazards/?village={world.village_b.pk}&open=true")
    expect(page.get_by_test_id("result-count")).to_contain_text("2")
    assert csp == []


def test_it_fits_the_dashboard_on_a_phone(phone_page: Page, world):
    page = phone_page
    _hazards(world)
    csp = _watch_csp(page)
    login(page, "leader")
    page.goto("/dashboard/")
    chart = page.get_by_test_id("chart-village")
    expect(chart).to_have_attribute("data-rendered", "true")
    expect(chart.locator("svg text", has_text="刘圩村")).to_have_count(1)
    # Nothing wider than the screen: no sideways scrolling, charts as wide as their card.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    width = chart.locator("svg").first.bounding_box()
    assert width is not None and 200 < width["width"] <= 390
    # Tiles two by two.
    first, second = (page.get_by_test_id(t).bounding_box() for t in ("tile-open_major", "tile-open_general"))
    assert first and second and first["y"] == second["y"] and second["x"] > first["x"]
    # Overdue major hazards are one tap away.
    page.get_by_test_id("tile-overdue").get_by_test_id("figure-overdue_major").click()
    page.wait_for_url("**/hazards/?overdue=true&level=major")
    expect(page.get_by_test_id("result-count")).to_contain_text("2")
    page.go_back()
    screenshot(page, "dashboard-phone")
    assert csp == []
