"""The office works the overdue list up the escalation ladder, and prints a rectification notice."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from core.dates import local_today
from hazards.models import Notice
from tests.e2e.conftest import login, screenshot
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_lets_the_office_take_the_next_rung_from_the_overdue_list(page: Page, world):
    hazard = HazardFactory(
        village=world.village_a,
        sector=world.sector_a,
        enterprise=world.enterprise_a,
        title="液化气储罐区防火间距不足",
        level="major",
        status="rectifying",
        found_on=local_today() - dt.timedelta(days=60),
        deadline=local_today() - dt.timedelta(days=17),
    )
    login(page, "office")
    page.goto("/hazards/overdue/")
    row = page.locator(f'[data-testid="overdue-row"][data-hazard="{hazard.pk}"]')
    expect(row).to_contain_text("液化气储罐区防火间距不足")
    expect(row.get_by_test_id("days-overdue")).to_have_text("17")
    expect(row.get_by_test_id("proposed-rung")).to_have_attribute("data-rung", "letter")

    row.get_by_test_id(f"escalate-{hazard.pk}").click()
    page.fill("#id_document_number", "刘安委办函〔2026〕12号")
    expect(page.locator("#id_rung")).to_have_value("letter")
    page.get_by_test_id("escalation-submit").click()

    page.wait_for_url("**/hazards/overdue/**")
    row = page.locator(f'[data-testid="overdue-row"][data-hazard="{hazard.pk}"]')
    expect(row.get_by_test_id("rung-reached")).to_have_attribute("data-rung", "letter")
    expect(row.get_by_test_id("proposed-rung")).to_have_attribute("data-rung", "circular")
    assert hazard.escalations.get().document_number == "刘安委办函〔2026〕12号"
    screenshot(page, "overdue-after-letter")


def test_it_prints_a_rectification_notice_addressed_to_the_principal_and_controller(page: Page, world):
    world.enterprise_a.principal_name = "张主要"
    world.enterprise_a.controller_name = "钱实控"
    world.enterprise_a.save()
    hazard = HazardFactory(
        village=world.village_a,
        sector=world.sector_a,
        enterprise=world.enterprise_a,
        title="二楼安全出口上锁",
        description="二楼东侧安全出口被铁链锁闭",
        level="major",
        status="rectifying",
        found_on=local_today() - dt.timedelta(days=3),
        deadline=local_today() + dt.timedelta(days=15),
        clause="第5.1.3条",
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "office")
    page.goto(f"/hazards/{hazard.pk}/")
    page.get_by_test_id("notice-issue").click()
    page.fill("#id_requirement", "拆除铁链，保持安全出口畅通")
    page.get_by_test_id("notice-form").locator("button[type=submit]").click()
    notice = page.get_by_test_id("notice").first
    expect(notice).to_have_attribute("data-number", f"刘圩安隐改〔{local_today().year}〕第0001号")
    notice.get_by_test_id("notice-print").click()

    doc = page.get_by_test_id("notice-doc")
    expect(doc.get_by_test_id("notice-number")).to_have_text(Notice.objects.get().number)
    expect(doc.get_by_test_id("notice-principal")).to_have_text("张主要")
    expect(doc.get_by_test_id("notice-controller")).to_have_text("钱实控")
    expect(doc.get_by_test_id("notice-description")).to_contain_text("二楼东侧安全出口被铁链锁闭")
    expect(doc.get_by_test_id("notice-receipt")).to_be_visible()
    expect(doc.get_by_test_id("receipt-signed-by").locator(".fill-line")).to_have_count(1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"the notice scrolls sideways ({width}px)"
    screenshot(page, "rectification-notice-1280")

    page.emulate_media(media="print")
    expect(page.get_by_test_id("nav")).to_be_hidden()
    expect(doc.get_by_test_id("notice-receipt")).to_be_visible()
