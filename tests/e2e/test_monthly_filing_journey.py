"""The office files November 2026's monthly report on a desktop (1280 px) and sees it filed (已报送); on a phone
(390 px) the filed report renders with its wide table scrolling inside its own box, never the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from dashboard.filing import monthly_report_file
from dashboard.models import FiledMonthlyReport
from tests.dashboard.test_monthly_form import hazards  # noqa: F401
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

NOVEMBER = "/dashboard/reports/monthly/?month=2026-11"


@pytest.fixture(autouse=True)
def december() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 12, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def test_the_office_files_november(page: Page, world, hazards):  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "office")
    page.goto(NOVEMBER)
    expect(page.get_by_test_id("monthly-report")).to_be_visible()
    expect(page.get_by_test_id("filed-status")).to_have_count(0)
    page.get_by_test_id("file-report").click()
    expect(page.get_by_test_id("filed-status")).to_be_visible()
    expect(page.get_by_test_id("filed-status")).to_have_attribute("data-version", "1")
    expect(page.get_by_test_id("file-form")).to_have_count(0)
    filed = FiledMonthlyReport.objects.get()
    assert (filed.month, filed.version, filed.filed_by) == (dt.date(2026, 11, 1), 1, world.office)
    total = page.get_by_test_id("report-total")
    expect(total.locator("td").nth(2)).to_have_text("2")  # 本月一般隐患发现数: G1 and G2
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "monthly-report-filed")


def test_the_filed_report_fits_a_phone(phone_page: Page, world, hazards):  # noqa: F811
    monthly_report_file(user=world.office, township=world.township, month=dt.date(2026, 11, 1))
    login(phone_page, "office")
    phone_page.goto(NOVEMBER)
    expect(phone_page.get_by_test_id("filed-status")).to_be_visible()
    expect(phone_page.get_by_test_id("monthly-report")).to_be_attached()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "monthly-report-filed-phone")
