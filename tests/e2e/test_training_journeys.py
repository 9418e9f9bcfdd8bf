"""Training and certificates in the browser: the office records a session with an attendee and sees the year's
coverage rise (1280 px); the enterprise reads its own certificates as cards on a phone (390 px)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, screenshot
from tests.factories import CertificateFactory, EnterpriseFactory


def test_the_office_records_a_session_with_an_attendee_and_the_coverage_rises(page: Page, world):
    world.enterprise_a.is_lpg_business = True
    world.enterprise_a.principal_name = "王建国"
    world.enterprise_a.save()
    EnterpriseFactory(township=world.township, village=world.village_b, name="刘圩液化气站", is_lpg_user=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "office")
    page.goto("/readiness/training/coverage/?year=2024")
    lpg = page.locator('[data-testid="coverage-group"][data-group="lpg"]')
    expect(lpg.get_by_test_id("coverage-rate")).to_have_text("0.0%")
    expect(lpg.get_by_test_id("uncovered-list").locator("li")).to_have_count(2)

    page.goto("/readiness/training/")
    page.get_by_test_id("session-new").click()
    page.fill("#id_held_on", "2024-05-06")
    page.fill("#id_topic", "液化气经营使用单位主要负责人集中培训")
    page.select_option("#id_organiser", str(world.office_unit.pk))
    page.fill("#id_hours", "2.5")
    screenshot(page, "training-session-form-1280")
    page.get_by_test_id("session-save").click()
    expect(page.get_by_test_id("session-topic")).to_have_text("液化气经营使用单位主要负责人集中培训")

    page.fill("#id_attendee-name", "王建国")
    page.select_option("#id_attendee-enterprise", str(world.enterprise_a.pk))
    page.select_option("#id_attendee-role", "principal")
    page.get_by_test_id("attendee-add").click()
    expect(page.get_by_test_id("attendee-row")).to_have_count(1)
    expect(page.get_by_test_id("attendee-count")).to_have_text("1")
    screenshot(page, "training-session-1280")

    page.goto("/readiness/training/")
    page.get_by_test_id("coverage-link").click()
    page.select_option("#id_year", "2024")
    page.get_by_test_id("coverage-year").get_by_role("button").click()
    expect(lpg.get_by_test_id("coverage-rate")).to_have_text("50.0%")
    expect(lpg.get_by_test_id("coverage-count")).to_contain_text("1")
    expect(lpg.get_by_test_id("uncovered-list").locator("li")).to_have_count(1)
    expect(lpg.get_by_test_id("uncovered-list")).to_contain_text("刘圩液化气站")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "training-coverage-1280")


def test_the_enterprise_reads_its_own_certificates_as_cards_on_a_phone(phone_page: Page, world):
    today = timezone.localdate()
    mine = {"enterprise": world.enterprise_a, "created_by": world.office}
    CertificateFactory(**mine, holder="李四", issued_on=today - dt.timedelta(days=2000),
                       expires_on=today - dt.timedelta(days=5))  # fmt: skip
    CertificateFactory(**mine, holder="张伟", operation="welding", issued_on=today - dt.timedelta(days=1060),
                       expires_on=today + dt.timedelta(days=1000))  # fmt: skip
    CertificateFactory(**mine, holder="赵敏", operation="height", issued_on=today - dt.timedelta(days=30),
                       expires_on=today + dt.timedelta(days=2000))  # fmt: skip
    CertificateFactory(enterprise=world.enterprise_b, created_by=world.office, holder="别家的人")
    page = phone_page
    login(page, "ent_a")
    page.goto("/readiness/training/certificates/")
    rows = page.get_by_test_id("certificate-row")
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("certificate-table")).not_to_contain_text("别家的人")
    expect(page.locator('[data-testid="certificate-row"][data-state="overdue"]')).to_have_count(1)
    expect(page.locator('[data-testid="certificate-row"][data-state="due"]')).to_have_count(1)
    expect(page.get_by_test_id("certificate-new")).to_have_count(0)
    # Cards: the header row is hidden and each cell stands on its own line with its label.
    expect(page.get_by_test_id("certificate-table").locator("thead")).to_be_hidden()
    assert rows.first.evaluate("el => getComputedStyle(el).display") == "block"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "training-certificates-390")
    page.select_option("#id_state", "overdue")
    page.get_by_test_id("certificate-filters").get_by_role("button").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("李四")
