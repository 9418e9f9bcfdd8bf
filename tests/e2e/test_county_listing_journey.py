"""县级挂牌督办 in the browser: the county bureau lists a major hazard of the second township at county level; that
township's office sees the county's listing, rectifies, has it verified and closes it, and cannot delist it; the
county then records its acceptance and delists it, on a phone."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hazards.models import Hazard, Listing
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import HazardFactory
from tests.hazards.conftest import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)

DOC = "泗安委〔2026〕18号"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def file(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def logout(page: Page) -> None:
    page.context.clear_cookies()


def test_it_walks_a_county_listing_from_listing_to_delisting(browser, live_server, world, tmp_path):
    today = timezone.localdate()
    deadline = today + dt.timedelta(days=20)
    hazard = HazardFactory(
        village=world.other_village, sector=world.other_building_sector, enterprise=world.enterprise_other,
        title="厂房屋面钢梁锈蚀", description="三号厂房屋面钢梁锈蚀严重，存在坍塌风险", hazard_type="construction",
        level="major", status="confirmed", found_on=today - dt.timedelta(days=3), confirmed_at=timezone.now(),
    )  # fmt: skip
    url = f"/hazards/{hazard.pk}/"
    assert world.other_village_officer.username == "other_village"
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The county bureau opens the other township's hazard — read only, but for the county-level listing.
    login(page, "county")
    page.goto(url)
    for write in ("edit-hazard", "evidence-form", "escalate", "notice-issue", "notice-void", "record-refusal"):
        expect(page.get_by_test_id(write)).to_have_count(0)
    expect(page.locator("[data-testid^=form-]")).to_have_count(0)  # no workflow step
    page.get_by_test_id("list-hazard").click()
    form = page.get_by_test_id("listing-form")
    expect(form.locator("#id_level option")).to_have_count(1)
    form.locator("#id_level").select_option("county")
    form.locator("#id_document_number").fill(DOC)
    form.locator("#id_supervising_leader").fill("王建国")
    form.locator("#id_supervising_department").select_option(label="县住建局")
    form.locator("#id_supervising_phone").fill("0557-1234567")
    form.locator("#id_listed_on").fill(today.isoformat())
    form.locator("#id_required_by").fill(deadline.isoformat())
    form.locator("button[type=submit]").click()
    listing = page.get_by_test_id("listing")
    expect(listing).to_contain_text(DOC)
    expect(listing.get_by_test_id("listing-by-county")).to_contain_text("泗县")
    expect(page.get_by_test_id("list-hazard")).to_have_count(0)
    logout(page)

    # 2. The township's office sees the county's listing, on the hazard and in its ledger, and starts rectification.
    login(page, "other_office")
    page.goto("/hazards/")
    expect(page.get_by_test_id("ledger-listing")).to_contain_text(DOC)
    expect(page.get_by_test_id("ledger-listing")).to_contain_text("县住建局")
    page.goto(url)
    listing = page.get_by_test_id("listing")
    expect(listing.get_by_test_id("listing-level")).to_have_text("县级")
    expect(listing.get_by_test_id("listing-authority")).to_have_text("县住建局")
    expect(listing.get_by_test_id("listing-county-delists")).to_be_visible()
    form = page.get_by_test_id("form-start_rectification")
    form.locator("#id_measures").fill("更换锈蚀钢梁，屋面加固")
    form.locator("#id_responsible_person").fill("陈强")
    form.locator("#id_responsible_phone").fill("13912345678")
    form.locator("#id_funds").fill("50000")
    form.locator("#id_deadline").fill(deadline.isoformat())
    form.locator("#id_contingency_plan").fill("整改期间三号厂房停用，设置警戒区")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("整改中")
    screenshot(page, "county-listing-township-view")
    logout(page)

    # 3. The village officer sends the rectification photo and asks for acceptance.
    login(page, "other_village")
    page.goto(url)
    form = page.get_by_test_id("form-request_acceptance")
    form.locator("input[type=file]").set_input_files(file(tmp_path, "after.jpg", image_bytes("JPEG", (320, 240))))
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("待验收")
    logout(page)

    # 4. The office verifies and closes; the county's listing is not its to delist.
    login(page, "other_office")
    page.goto(url)
    form = page.get_by_test_id("form-verify")
    form.locator("#id_funds_spent").fill("48000")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("已验收")
    page.get_by_test_id("form-close").locator("button[type=submit]").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("已销号")
    expect(page.get_by_test_id("delist-form")).to_have_count(0)
    expect(page.get_by_test_id("listing-county-delists")).to_be_visible()
    context.close()

    # 5. On a phone, the county finds the listing among its townships', records its acceptance and delists.
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai")  # fmt: skip
    page = phone.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "county")
    page.goto("/hazards/listings/county/")
    page.locator("#id_township").select_option(label="邻镇")
    page.get_by_test_id("county-listing-filters").locator("button[type=submit]").click()
    row = page.get_by_test_id("county-listing-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("county-listing-township")).to_have_text("邻镇")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "county-listings-390")
    row.get_by_role("link", name="厂房屋面钢梁锈蚀").click()
    form = page.get_by_test_id("delist-form")
    expect(form.locator("input[name=acceptance_authority]")).to_have_value(re.compile("^泗县"))  # its bureau
    form.locator("input[name=acceptance_document]").fill("泗应急验〔2026〕9号")
    form.locator("input[name=acceptance_date]").fill(today.isoformat())
    form.locator("input[name=acceptance_upload]").set_input_files(file(tmp_path, "验收意见.pdf", PDF))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "county-listing-acceptance-390")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("delist-form")).to_have_count(0)
    expect(page.get_by_test_id("listing-acceptance")).to_contain_text("泗应急验〔2026〕9号")
    screenshot(page, "county-listing-delisted-390")
    timeline = page.get_by_test_id("timeline")
    for action in ("挂牌督办", "开始整改", "申请验收", "验收通过", "已销号", "摘牌"):
        expect(timeline).to_contain_text(action)
    phone.close()

    saved = Listing.objects.get(hazard=hazard)
    assert saved.delisted_by == world.county and saved.acceptance_extension == ".pdf"
    assert Hazard.objects.get(pk=hazard.pk).status == "closed"
