"""On a phone: the office calls a planned inspection off with its reason (after confirming), and a village officer
answers a handed-over problem; both pages show their timeline without sideways scrolling."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from core.dates import local_today, quarter_of
from inspections import plans, services
from inspections.models import Inspection, Status, WorkProblem
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import SupervisionGroupFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"


def test_it_lets_the_office_cancel_a_planned_inspection_on_a_phone(phone_page: Page, world):
    page = phone_page
    inspection = services.inspection_plan(
        actor=world.dept_a, township=world.township, kind="special", enterprise=world.enterprise_a
    )
    login(page, "office")
    page.goto(f"/inspections/{inspection.pk}/")
    expect(page.get_by_test_id("inspection-status")).to_have_attribute("data-status", "planned")
    expect(page.get_by_test_id("timeline-event")).to_have_count(1)

    page.get_by_test_id("cancel-toggle").click()
    page.get_by_test_id("cancel-form").locator("textarea[name=note]").fill("企业停产整顿，改期检查")
    _fits(page)
    screenshot(page, "inspection-cancel-form-phone")
    # The page asks first: saying no keeps the inspection as it was.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_test_id("cancel-submit").click()
    expect(page.get_by_test_id("inspection-status")).to_have_attribute("data-status", "planned")
    assert Inspection.objects.get(pk=inspection.pk).status == Status.PLANNED

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("cancel-submit").click()
    expect(page.get_by_test_id("inspection-status")).to_have_attribute("data-status", "cancelled")
    cancelled = page.locator('[data-testid="timeline-event"][data-action="cancel"]')
    expect(cancelled.get_by_test_id("event-note")).to_have_text("企业停产整顿，改期检查")
    expect(cancelled.get_by_test_id("event-actor")).to_have_text("office")
    expect(page.get_by_test_id("cancel-inspection")).to_have_count(0)
    expect(page.get_by_test_id("fill-inspection")).to_have_count(0)
    assert Inspection.objects.get(pk=inspection.pk).status == Status.CANCELLED
    _fits(page)
    screenshot(page, "inspection-cancelled-phone")


def test_it_shows_a_problems_timeline_as_the_village_replies_on_a_phone(phone_page: Page, world):
    page = phone_page
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.villages.add(world.village_a)
    year, quarter = quarter_of(local_today())
    plans.quarter_plan_create(township=world.township, year=year, quarter=quarter)
    problem = plans.problem_create(
        inspection=group.visits.get().inspection,
        actor=world.office,
        description="安全生产例会未按月召开，会议记录缺失，需补充整改情况说明",
        deadline=local_today() + dt.timedelta(days=10),
    )

    login(page, "village_a")
    page.goto(f"/inspections/problems/{problem.pk}/")
    page.get_by_test_id("reply-form").locator("textarea[name=reply]").fill("已于本月召开例会并补齐会议记录")
    page.get_by_test_id("reply-form").locator("button[type=submit]").click()

    replied = page.locator('[data-testid="timeline-event"][data-action="reply"]')
    expect(replied.get_by_test_id("event-note")).to_have_text("已于本月召开例会并补齐会议记录")
    expect(page.locator('[data-testid="timeline-event"][data-action="handed_over"]')).to_be_visible()
    expect(page.get_by_test_id("reply-form")).to_have_count(0)
    assert WorkProblem.objects.get(pk=problem.pk).state == WorkProblem.State.REPLIED
    _fits(page)
    screenshot(page, "problem-timeline-phone")
