"""The reward of a public report in the browser: the office approves the reward the confidential-report officer
proposed, the officer records the payment, and the reporter, with the code on a phone, reads 已发放. The village
poster prints on one A4 page and fits a phone."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from reports import rewards, services
from tests.e2e.conftest import login, screenshot
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 900}


def _desk(browser: Browser, live_server) -> Page:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport=DESK, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    return context.new_page()


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_office_approves_custodian_pays_and_the_reporter_sees_it_paid(browser: Browser, live_server, world, phone_page):
    rewards.ensure_default_tiers(world.township)
    report, code = services.submit_web_report(
        township=world.township,
        fields={"village": world.village_a, "place": "村东", "enterprise_name": "", "content": "仓库住人"},
        identity=services.Identity("李四", "13900001111", ""),
    )
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a)
    services.merge(actor=world.office, report_id=report.pk, hazard_id=hazard.pk)
    tier = rewards.tiers_for(report).first()
    rewards.propose(actor=world.custodian, report_id=report.pk, tier=tier)

    office = _desk(browser, live_server)
    login(office, "office")
    office.goto(reverse("reports:detail", args=[report.pk]))
    office.get_by_test_id("reward-approve").click()
    expect(office.get_by_test_id("reward-status")).to_have_text("已批准，待发放")
    screenshot(office, "reward-approved-desk")

    custodian = _desk(browser, live_server)
    login(custodian, "custodian")
    custodian.goto(reverse("reports:detail", args=[report.pk]))
    custodian.locator("#id_method").select_option("mobile")
    custodian.get_by_test_id("reward-pay").click()
    expect(custodian.get_by_test_id("reward-status")).to_have_text("已发放")
    custodian.goto(reverse("reports:rewards"))
    expect(custodian.get_by_test_id("total-paid")).to_have_text(str(tier.amount))

    phone_page.goto(reverse("report:track"))
    phone_page.locator("#id_code").fill(code)
    phone_page.get_by_test_id("track-form").locator("button[type=submit]").click()
    expect(phone_page.get_by_test_id("track-reward-status")).to_have_text("已发放")
    assert no_sideways_scroll(phone_page)
    screenshot(phone_page, "reward-paid-reporter-phone")


def test_the_village_poster_prints_on_one_a4_page_and_fits_a_phone(browser: Browser, live_server, world, phone_page):
    rewards.ensure_default_tiers(world.township)
    office = _desk(browser, live_server)
    login(office, "office")
    office.goto(reverse("reports:poster", args=[world.village_a.pk]))
    expect(office.get_by_test_id("poster-qr").locator("svg")).to_be_visible()
    office.emulate_media(media="print")
    office.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    screenshot(office, "poster-a4-print")
    pdf = office.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    login(phone_page, "office")
    phone_page.goto(reverse("reports:poster", args=[world.village_a.pk]))
    expect(phone_page.get_by_test_id("poster-qr")).to_be_visible()
    assert no_sideways_scroll(phone_page)
    screenshot(phone_page, "poster-phone")
