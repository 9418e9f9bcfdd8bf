"""The full journey with four users: report on a phone → confirm as major → deadline and listing → rectification
photo and acceptance request → verification → closing and delisting; the timeline shows all of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hazards.models import Hazard
from tests.e2e.conftest import login, screenshot
from tests.hazards.conftest import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def photo(tmp_path: Path, name: str, color: str) -> str:
    path = tmp_path / name
    path.write_bytes(image_bytes("JPEG", size=(320, 240), color=color))
    return str(path)


def logout(page: Page) -> None:
    page.context.clear_cookies()


def test_it_walks_a_hazard_from_report_to_closing(browser, live_server, world, tmp_path):
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai")  # fmt: skip
    page = phone.new_page()
    page.set_default_timeout(10_000)

    # 1. The village officer reports a hazard with a photo, on a phone.
    login(page, "village_a")
    page.goto("/hazards/")
    page.get_by_test_id("report-hazard").click()
    page.fill("#id_title", "厂房安全出口锁闭")
    page.fill("#id_description", "二号车间东侧安全出口上锁，无法开启")
    page.select_option("#id_village", label="刘圩村")
    page.select_option("#id_enterprise", label="刘圩建筑工程有限公司（刘圩村）")
    page.select_option("#id_sector", label="建筑施工")
    page.select_option("#id_hazard_type", value="fire")
    page.set_input_files("#id_photos", photo(tmp_path, "problem.jpg", "red"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("已上报")
    screenshot(page, "hazard-reported-390")
    hazard = Hazard.objects.get(title="厂房安全出口锁闭")
    url = f"/hazards/{hazard.pk}/"
    phone.close()

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(10_000)

    # 2. Lead-department staff confirm it as major, with its clause.
    login(page, "dept_a")
    page.goto(url)
    form = page.get_by_test_id("form-confirm")
    form.locator("#id_level").select_option("major")
    form.locator("#id_basis").fill("《重大火灾隐患判定方法》GB 35181-2017")
    form.locator("#id_clause").fill("第6.3条")
    form.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("已登记")
    expect(page.get_by_test_id("hazard-clause")).to_have_text("第6.3条")
    logout(page)

    # 3. The office sets the deadline with the five implementations, and lists it.
    deadline = timezone.localdate() + dt.timedelta(days=20)
    login(page, "office")
    page.goto(url)
    form = page.get_by_test_id("form-start_rectification")
    form.locator("#id_measures").fill("拆除门锁，更换推闩式逃生门锁")
    form.locator("#id_responsible_person").fill("李四")
    form.locator("#id_responsible_phone").fill("13912345678")
    form.locator("#id_funds").fill("3000")
    form.locator("#id_deadline").fill(deadline.isoformat())
    form.locator("#id_contingency_plan").fill("整改期间安排专人值守，保持另一出口畅通")
    form.get_by_role("button", name="开始整改").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("整改中")
    expect(page.get_by_test_id("hazard-deadline")).to_have_text(deadline.isoformat())
    page.get_by_test_id("list-hazard").click()
    form = page.get_by_test_id("listing-form")
    form.locator("#id_level").select_option("township")
    form.locator("#id_document_number").fill("刘安委督〔2026〕1号")
    form.locator("#id_supervising_leader").fill("赵文华")
    form.locator("#id_supervising_phone").fill("13900000002")
    form.locator("#id_listed_on").fill(timezone.localdate().isoformat())
    form.locator("#id_required_by").fill(deadline.isoformat())
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("listing")).to_contain_text("刘安委督〔2026〕1号")
    expect(page.get_by_test_id("delist-form")).to_have_count(0)  # not before closing
    logout(page)

    # 4. The village officer uploads the rectification photo and asks for acceptance.
    login(page, "village_a")
    page.goto(url)
    form = page.get_by_test_id("form-request_acceptance")
    form.locator("input[type=file]").set_input_files(photo(tmp_path, "after.jpg", "green"))
    form.get_by_role("button", name="申请验收").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("待验收")
    logout(page)

    # 5. Lead-department staff verify.
    login(page, "dept_a")
    page.goto(url)
    form = page.get_by_test_id("form-verify")
    form.locator("#id_funds_spent").fill("2800")
    form.get_by_role("button", name="验收通过").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("已验收")
    logout(page)

    # 6. The office closes and delists.
    login(page, "office")
    page.goto(url)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("form-close").get_by_role("button", name="销号").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("已销号")
    page.get_by_test_id("delist-form").get_by_role("button").click()
    expect(page.get_by_test_id("delist-form")).to_have_count(0)
    expect(page.get_by_test_id("listing")).to_contain_text(timezone.localdate().isoformat())

    timeline = page.get_by_test_id("timeline")
    for action in ("已上报", "已登记", "开始整改", "挂牌督办", "申请验收", "验收通过", "已销号", "摘牌"):
        expect(timeline).to_contain_text(action)
    expect(timeline.get_by_test_id("evidence-problem")).to_have_count(1)
    expect(timeline.get_by_test_id("evidence-rectification")).to_have_count(1)
    screenshot(page, "hazard-closed")
    context.close()
