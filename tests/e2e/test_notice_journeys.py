"""The office issues a rectification notice from its form, voids it and issues a corrected one that replaces it,
prints it (the notice on page 1, its 送达回证 on page 2 of A4), and records the service on a phone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.dates import local_today
from hazards.models import Notice
from tests.e2e.conftest import ARTIFACTS, login, screenshot
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_pages(pdf: bytes, name: str) -> int:
    """Pages of a PDF: its page objects (/Type /Page, not the /Pages tree); the PDF kept with the screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_the_office_issues_voids_reissues_prints_and_records_the_service(page: Page, phone_page: Page, world):
    world.enterprise_a.principal_name, world.enterprise_a.controller_name = "张主要", "钱实控"
    world.enterprise_a.save()
    today = local_today()
    hazard = HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a, title="二楼安全出口上锁",
        description="二楼东侧安全出口被铁链锁闭，楼梯间堆放杂物。" * 3, location="二号车间", level="general",
        status="rectifying", found_on=today - dt.timedelta(days=3), found_by="王检查",
        deadline=today + dt.timedelta(days=15),
        basis="《中华人民共和国消防法》", clause="第二十八条", measures="拆除铁链，清理楼梯间杂物，保持安全出口畅通。",
    )  # fmt: skip
    year = today.year
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "office")

    # Issue: the form proposes the hazard's values.
    page.goto(f"/hazards/{hazard.pk}/")
    page.get_by_test_id("notice-issue").click()
    expect(page.locator("#id_inspectors")).to_have_value("王检查")
    expect(page.locator("#id_requirement")).to_have_value("拆除铁链，清理楼梯间杂物，保持安全出口畅通。")
    page.fill("#id_deadline", (today - dt.timedelta(days=1)).isoformat())
    page.get_by_test_id("notice-form").locator("button[type=submit]").click()
    expect(
        page.locator("#id_deadline").locator("xpath=..").get_by_test_id("field-error")
    ).to_be_visible()  # before the date of issue
    page.fill("#id_deadline", (today + dt.timedelta(days=10)).isoformat())
    page.get_by_test_id("notice-form").locator("button[type=submit]").click()
    first = page.locator(f'[data-testid="notice"][data-number="刘圩安隐改〔{year}〕第0001号"]')
    expect(first).to_have_attribute("data-state", "current")

    # Void it (a wrong deadline) and issue the corrected one, which replaces it.
    first.get_by_test_id("notice-void").click()
    page.fill("#id_reason", "整改期限填写有误")
    page.get_by_test_id("notice-void-form").locator("button[type=submit]").click()
    expect(first).to_have_attribute("data-state", "voided")
    page.get_by_test_id("notice-issue").click()
    expect(page.get_by_test_id("notice-replaces")).to_contain_text("第0001号")
    page.fill("#id_deadline", (today + dt.timedelta(days=15)).isoformat())
    page.fill("#id_replace_reason", "更正整改期限")
    page.get_by_test_id("notice-form").locator("button[type=submit]").click()
    second = page.locator(f'[data-testid="notice"][data-number="刘圩安隐改〔{year}〕第0002号"]')
    expect(second).to_have_attribute("data-state", "current")
    expect(second.get_by_test_id("notice-replaces")).to_contain_text("第0001号")

    # Print: the notice on page 1, the 送达回证 on page 2.
    second.get_by_test_id("notice-print").click()
    doc = page.get_by_test_id("notice-doc")
    expect(doc.get_by_test_id("notice-replaces")).to_contain_text("第0001号")
    expect(doc.get_by_test_id("notice-deadline")).to_have_text((today + dt.timedelta(days=15)).isoformat())
    expect(doc.get_by_test_id("notice-judicial")).to_have_count(0)  # a general hazard
    screenshot(page, "notice-replacing-1280")
    assert pdf_pages(page.pdf(format="A4", print_background=True), "notice-replacing-a4") == 2
    page.goto(f"/hazards/notices/{Notice.objects.get(number__endswith='第0001号').pk}/print/")
    expect(page.get_by_test_id("notice-void-stamp")).to_be_visible()
    expect(page.get_by_test_id("notice-voided")).to_contain_text("整改期限填写有误")
    assert pdf_pages(page.pdf(format="A4", print_background=True), "notice-voided-a4") == 2

    # Record the service on a phone (390 px).
    login(phone_page, "office")
    phone_page.goto(f"/hazards/{hazard.pk}/")
    phone_page.locator('[data-testid="notice"][data-state="current"]').get_by_test_id("notice-service").click()
    expect(phone_page.locator("#id_serving_unit")).not_to_have_value("")
    served_at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    phone_page.fill("#id_served_at", served_at)
    phone_page.fill("#id_served_place", "企业办公室")
    phone_page.check('input[name="service_manner"][value="left"]')
    phone_page.fill("#id_signed_by", "李会计")
    phone_page.fill("#id_servers", "王检查、李检查")
    phone_page.get_by_test_id("service-form").locator("button[type=submit]").click()
    expect(
        phone_page.locator("#id_signer_relation").locator("xpath=..").get_by_test_id("field-error")
    ).to_be_visible()  # 代收
    expect(
        phone_page.locator("#id_witness").locator("xpath=..").get_by_test_id("field-error")
    ).to_be_visible()  # 留置送达
    phone_page.fill("#id_signer_relation", "企业会计")
    phone_page.fill("#id_witness", "村干部周某")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the service form scrolls sideways ({width}px)"
    screenshot(phone_page, "notice-service-390")
    phone_page.get_by_test_id("service-form").locator("button[type=submit]").click()
    served = phone_page.locator(f'[data-testid="notice"][data-number="刘圩安隐改〔{year}〕第0002号"]')
    expect(served).to_have_attribute("data-state", "served")
    expect(served.get_by_test_id("notice-served")).to_contain_text("李会计")

    # The printed receipt now shows what was recorded, still on two pages.
    page.goto(f"/hazards/notices/{Notice.objects.get(number__endswith='第0002号').pk}/print/")
    expect(page.get_by_test_id("receipt-served-at")).to_have_text(served_at.replace("T", " "))
    expect(page.get_by_test_id("receipt-witness")).to_have_text("村干部周某")
    assert pdf_pages(page.pdf(format="A4", print_background=True), "notice-served-a4") == 2
    screenshot(page, "notice-served-1280")
