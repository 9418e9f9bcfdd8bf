"""On a 390 px phone: the filters fold behind a button, open, filter, and the overdue list pages through twenty at
a time keeping the filter; a page that does not exist is the Chinese page and fits the screen (issue 14)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.e2e.conftest import login
from tests.hazards.test_overdue import overdue_hazard

pytestmark = pytest.mark.django_db(transaction=True)


def fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_office_filters_the_overdue_list_and_pages_through_it_on_a_phone(phone_page: Page, world: World):
    page = phone_page
    for n in range(23):
        overdue_hazard(world, late=40 - n)
    for n in range(2):
        overdue_hazard(world, late=5 + n, village=world.village_b, enterprise=world.enterprise_b, level="general")
    login(page, "office")
    page.goto("/hazards/overdue/")
    panel = page.get_by_test_id("filter-panel")
    expect(panel).to_be_hidden()  # folded away behind the button
    expect(page.get_by_test_id("overdue-row")).to_have_count(20)
    assert fits(page)

    page.get_by_test_id("filter-toggle").click()
    expect(panel).to_be_visible()
    expect(panel.get_by_label("村")).to_be_visible()  # a visible label, not only "---------"
    expect(panel.locator("#id_village option").first).to_have_text("全部村")
    panel.locator("#id_village").select_option(label=world.village_a.name)
    panel.get_by_test_id("filter-submit").click()
    page.wait_for_url(f"**/hazards/overdue/?village={world.village_a.pk}*")
    expect(page.get_by_test_id("filter-panel")).to_be_hidden()
    expect(page.get_by_test_id("filters-active")).to_be_visible()
    expect(page.get_by_test_id("overdue-row")).to_have_count(20)

    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**page=2")
    assert f"village={world.village_a.pk}&" in page.url  # the filter kept
    expect(page.get_by_test_id("overdue-row")).to_have_count(3)
    assert fits(page)


def test_the_hazard_list_filters_fold_on_a_phone_and_show_on_a_computer(phone_page: Page, page: Page, world: World):
    login(phone_page, "office")
    phone_page.goto("/hazards/")
    expect(phone_page.locator("#id_q")).to_be_visible()  # the search stays at hand
    expect(phone_page.get_by_test_id("filter-panel")).to_be_hidden()
    phone_page.get_by_test_id("filter-toggle").click()
    expect(phone_page.get_by_test_id("filter-panel")).to_be_visible()
    expect(phone_page.get_by_label("隐患等级", exact=True)).to_be_visible()
    expect(phone_page.locator("#id_level option").first).to_have_text("全部等级")
    assert fits(phone_page)
    login(page, "office")
    page.goto("/hazards/")
    expect(page.get_by_test_id("filter-panel")).to_be_visible()
    expect(page.get_by_test_id("filter-toggle")).to_be_hidden()


def test_a_missing_page_is_the_chinese_page_and_fits_a_phone(phone_page: Page, world: World, settings):
    settings.DEBUG = True  # the quick start
    login(phone_page, "village_a")
    response = phone_page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    expect(phone_page.locator("h1")).to_have_text("页面不存在")
    assert fits(phone_page)
