"""Each role logs in and sees its navigation; the office registers an enterprise; the list on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, screenshot
from units.credit_code import make_credit_code

pytestmark = pytest.mark.django_db(transaction=True)

NAVIGATION = {
    "office": ["企业", "村", "单位", "行业领域", "督导组", "导入企业"],
    "leader": ["企业", "村", "单位", "行业领域", "督导组"],
    "dept_a": ["企业"],
    "village_a": ["企业"],
    "ent_a": ["本企业"],
}


@pytest.mark.parametrize(("username", "expected"), NAVIGATION.items())
def test_it_shows_each_role_its_navigation(page: Page, world, username, expected):
    login(page, username)
    page.goto("/")
    links = page.get_by_test_id("nav")  # the grouped menu: its drop-down entries are in the page, folded
    for label in expected:
        expect(links.get_by_role("link", name=label, exact=True, include_hidden=True)).to_be_attached()
    if username != "office":
        expect(links.get_by_role("link", name="导入企业", exact=True, include_hidden=True)).to_have_count(0)
    # The navigation bar groups the same entries in menus.
    expect(page.get_by_test_id("nav").locator("a.nav-link")).not_to_have_count(0)


def test_it_lets_the_office_fix_a_wrong_check_digit_and_find_the_enterprise(page: Page, world):
    good = make_credit_code("91341324MA2TEXT01")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    login(page, "office")
    page.goto("/units/enterprises/new/")
    page.fill("#id_name", "泗县刘圩浏览器测试有限公司")
    page.fill("#id_credit_code", wrong.lower())
    page.select_option("#id_village", label="刘圩村")
    page.select_option("#id_primary_sector", label="建筑施工")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("field-error")).to_contain_text("校验码")
    page.fill("#id_credit_code", f" {good} ")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("enterprise-name")).to_have_text("泗县刘圩浏览器测试有限公司")
    page.goto("/units/enterprises/")
    page.fill("input[name=q]", good)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("enterprise-table")).to_contain_text("泗县刘圩浏览器测试有限公司")
    expect(page.get_by_test_id("result-count")).to_contain_text("1")


def test_it_shows_the_enterprise_list_in_chinese_on_a_phone(phone_page: Page, world):
    login(phone_page, "office")
    phone_page.goto("/units/enterprises/")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("企业和场所")
    expect(phone_page.get_by_test_id("enterprise-table")).to_contain_text("刘圩建筑工程有限公司")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    path = screenshot(phone_page, "enterprise-list-390")
    assert path.stat().st_size > 10_000
