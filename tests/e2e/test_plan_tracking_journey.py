"""A unit files its quarterly progress report on the phone with a photo; the office returns it with a comment; the
unit sends it again as final; the office accepts and the measure is done (SPEC S9)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from core.dates import local_today, previous_quarter, quarter_bounds, quarter_of
from plan import services
from tests.e2e.conftest import login, screenshot
from tests.hazards.conftest import image_bytes
from tests.plan.builders import load_world_plan, measure

pytestmark = pytest.mark.django_db(transaction=True)


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_unit_reports_on_the_phone_and_the_office_returns_then_accepts(page: Page, phone_page: Page, world):
    plan = load_world_plan(world.township)
    start = quarter_bounds(*previous_quarter(*quarter_of(local_today())))[0]
    task = services.task_create(
        measure=measure(plan, 8), actor=world.office, title="餐饮场所液化气专项检查", unit=world.unit_a,
        starts_on=start, deadline=local_today() + dt.timedelta(days=90),
    )  # fmt: skip

    # The unit files the report at 390 px, with a photo.
    login(phone_page, "dept_a")
    phone_page.goto(f"/plan/tasks/{task.pk}/")
    form = phone_page.get_by_test_id("report-form")
    form.locator("textarea[name=work_done]").fill("检查餐饮场所12家，督促安装可燃气体探测器")
    form.locator("input[name=figures]").fill("检查12家")
    form.locator("input[name=photos]").set_input_files(
        {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}
    )
    _no_sideways_scroll(phone_page)
    screenshot(phone_page, "plan-report-form-phone")
    form.locator("button[type=submit]").click()
    expect(phone_page.get_by_test_id("quarter").first.get_by_test_id("report-state")).to_have_attribute(
        "data-state", "submitted"
    )
    report = task.reports.get()
    assert report.attachments.count() == 1

    # The office returns it with a comment.
    login(page, "office")
    page.goto(f"/plan/reports/{report.pk}/")
    expect(page.get_by_test_id("attachment")).to_have_count(1)
    page.get_by_test_id("return-form").locator("textarea").fill("请补充整改完成情况")
    page.get_by_test_id("return-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("report-state")).to_have_attribute("data-state", "returned")
    page.goto(f"/plan/measures/{task.measure_id}/")
    expect(page.get_by_test_id("measure-status").first).to_have_attribute("data-status", "on_track")

    # The unit answers and sends it again, as final.
    phone_page.goto(f"/plan/reports/{report.pk}/")
    expect(phone_page.get_by_test_id("review-note")).to_contain_text("请补充整改完成情况")
    resend = phone_page.get_by_test_id("resubmit-form")
    resend.locator("textarea[name=work_done]").fill("检查12家，整改问题5处，全部完成")
    resend.locator("input[name=is_final]").check()
    _no_sideways_scroll(phone_page)
    resend.locator("button[type=submit]").click()
    expect(phone_page.get_by_test_id("report-state")).to_have_attribute("data-state", "submitted")
    screenshot(phone_page, "plan-report-resent-phone")

    # The office accepts; the task and the measure are done.
    page.once("dialog", lambda dialog: dialog.accept())
    page.goto(f"/plan/reports/{report.pk}/")
    page.get_by_test_id("accept-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("report-state")).to_have_attribute("data-state", "accepted")
    page.goto(f"/plan/measures/{task.measure_id}/")
    expect(page.get_by_test_id("measure-status").first).to_have_attribute("data-status", "done")
    page.goto("/plan/")
    expect(
        page.locator('[data-testid="measure-row"][data-measure="8"]').get_by_test_id("measure-status")
    ).to_have_attribute("data-status", "done")
    screenshot(page, "plan-overview-office")
