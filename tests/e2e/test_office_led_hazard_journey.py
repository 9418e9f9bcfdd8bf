"""The dead end of the first round, walked as people would: a hazard of a sector led by the safety office itself
(工贸 → 镇应急办) from report to closure. At every state the page says who acts next; the village officer asks
for acceptance on behalf of an enterprise without an account, and the timeline says so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hazards.models import Hazard
from tests.e2e.conftest import login, screenshot
from tests.factories import SectorFactory
from tests.hazards.conftest import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def photo(tmp_path: Path, name: str, color: str) -> str:
    path = tmp_path / name
    path.write_bytes(image_bytes("JPEG", size=(320, 240), color=color))
    return str(path)


def expect_turn(page: Page, party: str) -> None:
    expect(page.get_by_test_id("next-turn")).to_be_visible()
    expect(page.get_by_test_id("turn-party")).to_contain_text(party)


def test_it_takes_a_hazard_led_by_the_safety_office_from_report_to_closure(browser, live_server, world, tmp_path):
    SectorFactory(township=world.township, name="工贸", lead_unit=world.office_unit)
    world.enterprise_a.other_sectors.clear()
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai")  # fmt: skip
    page = phone.new_page()
    page.set_default_timeout(10_000)

    # 1. The village officer reports it on a phone; the office is named as the next to act.
    login(page, "village_a")
    page.goto("/hazards/report/")
    page.fill("#id_title", "车间配电箱无防护门")
    page.fill("#id_description", "一号车间配电箱门缺失，带电部位外露")
    page.select_option("#id_village", label="刘圩村")
    page.select_option("#id_sector", label="工贸")
    page.select_option("#id_hazard_type", value="industry")
    page.set_input_files("#id_photos", photo(tmp_path, "problem.jpg", "red"))
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("已上报")
    expect_turn(page, "安委办")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "office-led-reported-390")
    url = f"/hazards/{Hazard.objects.get(title='车间配电箱无防护门').pk}/"

    # 2. The office registers it and sets the deadline.
    desk = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    office = desk.new_page()
    office.set_default_timeout(10_000)
    login(office, "office")
    office.goto(url)
    office.get_by_test_id("form-confirm").get_by_role("button", name="登记").click()
    expect(office.get_by_test_id("hazard-status")).to_have_text("已登记")
    form = office.get_by_test_id("form-start_rectification")
    form.locator("#id_measures").fill("加装配电箱门并上锁")
    form.locator("#id_deadline").fill((timezone.localdate() + dt.timedelta(days=10)).isoformat())
    form.get_by_role("button", name="开始整改").click()
    expect(office.get_by_test_id("hazard-status")).to_have_text("整改中")
    expect_turn(office, "村干部")  # no enterprise: the village officers of the place

    # 3. The village officer sends the rectification photo and asks for acceptance.
    page.goto(url)
    form = page.get_by_test_id("form-request_acceptance")
    form.locator("input[type=file]").set_input_files(photo(tmp_path, "after.jpg", "green"))
    form.get_by_role("button", name="申请验收").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("待验收")
    expect_turn(page, "安委办")
    screenshot(page, "office-led-pending-390")
    phone.close()

    # 4. The office accepts in its own right (it is this sector's lead unit) and closes.
    office.goto(url)
    expect(office.get_by_test_id("turn-people")).to_contain_text("office")
    expect(office.get_by_test_id("capacity-note")).to_have_count(0)
    office.get_by_test_id("form-verify").get_by_role("button", name="验收通过").click()
    expect(office.get_by_test_id("hazard-status")).to_have_text("已验收")
    office.on("dialog", lambda dialog: dialog.accept())
    office.get_by_test_id("form-close").get_by_role("button", name="销号").click()
    expect(office.get_by_test_id("hazard-status")).to_have_text("已销号")
    expect(office.get_by_test_id("next-turn")).to_have_count(0)
    timeline = office.get_by_test_id("timeline")
    for action in ("已上报", "已登记", "开始整改", "申请验收", "验收通过", "已销号"):
        expect(timeline).to_contain_text(action)
    screenshot(office, "office-led-closed-1280")
    desk.close()
