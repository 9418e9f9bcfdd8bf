"""The 挂牌督办通知 in the browser: the office lists a major hazard at its desk and prints the notice on one A4 page;
the county bureau opens its own listing's notice on a phone without scrolling sideways."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from hazards import supervision_services as services
from tests.e2e.conftest import login, screenshot
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 900}


def pdf_pages(pdf: bytes) -> int:
    """Page objects in the PDF (not the /Pages tree)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def major(world, **kw):
    today = timezone.localdate()
    place = {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a}
    return HazardFactory(
        **{**place, **kw}, level="major", status="rectifying", title="液化气储罐区与厂房防火间距不足",
        description="厂区东侧液化气储罐区与三号厂房的防火间距不足十米，储罐区未设置可燃气体报警装置，"
        "周边堆放木托盘等可燃物，一旦泄漏遇明火可能引发火灾爆炸事故。",
        location="三号厂房东侧储罐区", basis="《建筑设计防火规范》GB 50016-2014", clause="第4.4.1条",
        found_on=today - dt.timedelta(days=5), deadline=today + dt.timedelta(days=60),
    )  # fmt: skip


def test_it_lets_the_office_list_a_major_hazard_and_print_it_on_one_a4_page(browser: Browser, live_server, world):
    hazard = major(world)
    today = timezone.localdate()
    context = browser.new_context(base_url=live_server.url, viewport=DESK, locale="zh-CN", timezone_id="Asia/Shanghai")
    page: Page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, "office")
    page.goto(hazard.get_absolute_url())
    page.get_by_test_id("list-hazard").click()
    form = page.get_by_test_id("listing-form")
    expect(form.locator("#id_territorial_unit")).to_have_value("刘圩村")
    expect(form.locator("#id_copy_to")).to_have_value("泗县应急管理局，刘圩村，刘圩镇住建所")
    form.locator("#id_level").select_option("township")
    form.locator("#id_document_number").fill("刘安委督〔2026〕3号")
    form.locator("#id_supervising_leader").fill("赵文华")
    form.locator("#id_supervising_unit").select_option(label="住建所")
    form.locator("#id_supervising_contact").fill("王干事")
    form.locator("#id_supervising_phone").fill("13900000002")
    form.locator("#id_listed_on").fill(today.isoformat())
    form.locator("#id_required_by").fill((today + dt.timedelta(days=45)).isoformat())
    form.locator("input[name=production][value=safeguarded]").check()
    form.locator("button[type=submit]").click()
    expect(form.locator("#id_safeguards")).to_have_attribute("aria-invalid", "true")  # required when production goes on
    form.locator("#id_safeguards").fill("储罐区停止充装，清除周边可燃物，设置警戒区并安排专人每日巡查")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("listing")).to_contain_text("刘安委督〔2026〕3号")

    page.get_by_test_id("listing-print").click()
    doc = page.get_by_test_id("listing-doc")
    expect(doc.get_by_test_id("notice-authority")).to_have_text("刘圩镇安全生产委员会")
    expect(doc.get_by_test_id("notice-principal")).to_have_text("张三 · 13800000001")
    expect(doc.get_by_test_id("notice-contact")).to_have_text("王干事 · 13900000002")
    expect(doc.get_by_test_id("notice-safeguards")).to_contain_text("储罐区停止充装")
    expect(doc.get_by_test_id("notice-copy-to")).to_contain_text("泗县应急管理局")
    screenshot(page, "listing-notice-1280")
    pdf = page.pdf(format="A4")
    assert pdf_pages(pdf) == 1
    context.close()


def test_it_shows_the_county_bureau_its_notice_on_a_phone_without_sideways_scroll(phone_page: Page, world):
    hazard = major(world, village=world.other_village, sector=world.other_building_sector,
                   enterprise=world.enterprise_other)  # fmt: skip
    today = timezone.localdate()
    listing = services.listing_create(
        hazard_id=hazard.pk, actor=world.county, level="county", document_number="泗安委〔2026〕41号",
        supervising_leader="王建国", supervising_unit=None, supervising_department=world.county_department,
        listed_on=today, required_by=today + dt.timedelta(days=30),
        terms=services.ListingTerms(supervising_contact="赵科长", supervising_phone="0557-1234567"),
    )  # fmt: skip
    login(phone_page, "county")
    phone_page.goto(reverse("hazards:listing_print", args=[listing.pk]))
    doc = phone_page.get_by_test_id("listing-doc")
    expect(doc.get_by_test_id("notice-authority")).to_have_text("泗县应急管理局")
    expect(doc.get_by_test_id("notice-supervising-unit")).to_have_text("县住建局")
    widths = phone_page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    screenshot(phone_page, "listing-notice-county-390")
    box = doc.bounding_box()
    assert box is not None and box["width"] <= 390
