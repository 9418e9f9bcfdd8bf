"""The home page's queue (待办) leads each user to what waits for them, without typing a URL."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login
from tests.factories import HazardFactory


def test_the_village_officer_follows_the_queue_to_the_overdue_hazards_on_a_phone(phone_page: Page, world):
    today = timezone.localdate()
    for days in (3, 9):
        HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                      status="rectifying", deadline=today - dt.timedelta(days=days))  # fmt: skip
    page = phone_page
    login(page, "village_a")
    page.goto("/")
    entry = page.locator('[data-testid="queue-item"][data-key="hazards.overdue"]')
    expect(entry).to_have_attribute("data-count", "2")
    expect(page.get_by_test_id("queue-item").first).to_have_attribute("data-urgency", "overdue")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    entry.click()
    page.wait_for_url("**/hazards/?overdue=true")
    expect(page.get_by_test_id("hazard-table").locator("tbody tr")).to_have_count(2)


def test_the_office_sees_counts_and_follows_to_verify(page: Page, world):
    place = {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a}
    deadline = timezone.localdate() + dt.timedelta(days=5)
    for _ in range(3):
        HazardFactory(**place, status="pending_acceptance", deadline=deadline)
    HazardFactory(**place, status="verified")
    login(page, "office")
    page.goto("/")
    expect(page.locator('[data-testid="queue-item"][data-key="hazards.to_close"]')).to_have_attribute("data-count", "1")
    to_verify = page.locator('[data-testid="queue-item"][data-key="hazards.to_verify"]')
    expect(to_verify.get_by_test_id("queue-count")).to_have_text("3")
    to_verify.click()
    page.wait_for_url("**/hazards/?to_verify=true")
    expect(page.get_by_test_id("hazard-table").locator("tbody tr")).to_have_count(3)
