"""Monthly reports and work plans in the browser: a village officer sends last month's zero report with one tap on a
phone and it leaves their queue; the office returns a work plan with comments, the village files it again and the
office approves it (1280 px)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from core.files import check_upload
from readiness.filing_services import filing_round_create, work_plan_file
from readiness.models.filing import MonthlyReport, WorkPlan
from tests.e2e.conftest import login, screenshot
from tests.readiness.backdate import long_existing  # noqa: F401  (the villages existed last month)

PDF = b"%PDF-1.4\n% work plan\ntrailer<<>>\n%%EOF\n"
QUEUE_ENTRY = '[data-testid="queue-item"][data-key="readiness.monthly_to_file"]'


def test_the_village_officer_sends_the_zero_report_with_one_tap_on_a_phone(phone_page: Page, world):
    page = phone_page
    login(page, "village_a")
    page.goto("/")
    entry = page.locator(QUEUE_ENTRY)
    expect(entry).to_have_attribute("data-count", "1")
    entry.click()
    line = page.get_by_test_id(f"line-v:{world.village_a.pk}")
    expect(line.get_by_test_id("zero-report")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "filing-monthly-phone")
    line.get_by_test_id("zero-report").click()  # the one tap
    expect(line.get_by_test_id("report-found")).to_have_text("零报告")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "filing-monthly-phone-sent")
    report = MonthlyReport.objects.get()
    assert (report.village, report.hazards_found, report.reported_by) == (world.village_a, 0, world.village_a_officer)
    page.goto("/")
    expect(page.locator(QUEUE_ENTRY)).to_have_count(0)


def test_the_office_returns_a_plan_the_village_refiles_and_the_office_approves(page: Page, world):
    page.set_viewport_size({"width": 1280, "height": 900})
    round_ = filing_round_create(
        township=world.township, actor=world.office, title="三年行动工作计划", deadline=dt.date(2027, 3, 10),
        for_villages=True, for_units=False,
    )  # fmt: skip
    plan = work_plan_file(
        round=round_, target=world.village_a, actor=world.village_a_officer,
        files=[check_upload(SimpleUploadedFile("plan.pdf", PDF))],
    )  # fmt: skip
    login(page, "office")
    page.goto("/")
    page.locator('[data-testid="queue-item"][data-key="readiness.plans_to_review"]').click()
    page.get_by_test_id(f"round-{round_.pk}").click()
    page.get_by_test_id(f"line-v:{world.village_a.pk}").get_by_role("link", name="打开").click()
    form = page.get_by_test_id("return-form")
    form.locator("textarea").fill("请补充各季度工作安排和责任人。")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("event-return").get_by_test_id("event-note")).to_contain_text("各季度工作安排")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "filing-plan-returned")
    page.context.clear_cookies()

    login(page, "village_a")
    page.goto(plan.get_absolute_url())
    refile = page.get_by_test_id("refile-form")
    refile.locator("input[type=file]").set_input_files(
        files=[{"name": "plan-v2.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    refile.locator("button[type=submit]").click()
    expect(page.get_by_test_id("event-refile")).to_be_visible()
    expect(page.get_by_test_id("refile-form")).to_have_count(0)
    page.context.clear_cookies()

    login(page, "office")
    page.goto(plan.get_absolute_url())
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("approve-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("event-approve")).to_be_visible()
    screenshot(page, "filing-plan-approved")
    plan.refresh_from_db()
    assert plan.state == WorkPlan.State.APPROVED
    assert list(plan.events.values_list("action", flat=True)) == ["file", "return", "refile", "approve"]
