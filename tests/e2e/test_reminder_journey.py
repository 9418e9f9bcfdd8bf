"""A village officer, on a phone, sees the bell's count, opens the reminder and lands on the hazard (SPEC S7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hazards.models import Status
from reminders import engine
from reminders.models import Reminder
from tests.e2e.conftest import login, screenshot
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db(transaction=True)


def open_menu_if_collapsed(page: Page) -> None:
    """On a phone the navigation bar is collapsed behind its toggler; open it as the user would."""
    bell = page.get_by_test_id("bell")
    toggler = page.locator(".navbar-toggler")
    if not bell.is_visible() and toggler.is_visible():
        toggler.click()
    expect(bell).to_be_visible()


def test_a_village_officer_sees_the_bell_opens_the_reminder_and_lands_on_the_hazard(phone_page: Page, world):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                           status=Status.RECTIFYING, title="厂房安全出口锁闭",
                           deadline=timezone.localdate() + dt.timedelta(days=3),
                           responsible_phone="13912345678")  # fmt: skip
    engine.scan()
    mine = Reminder.objects.filter(user=world.village_a_officer)
    assert list(mine.values_list("rule", "object_key")) == [("rectification_deadline", f"hazard:{hazard.pk}")]

    page = phone_page
    login(page, "village_a")
    open_menu_if_collapsed(page)
    expect(page.get_by_test_id("bell-count")).to_have_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "reminder-bell-390")

    page.get_by_test_id("bell").click()
    inbox = page.get_by_test_id("inbox")
    expect(inbox).to_be_visible()
    reminder = inbox.get_by_test_id("reminder")
    expect(reminder).to_have_count(1)
    expect(reminder).to_contain_text("厂房安全出口锁闭")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "reminder-inbox-390")

    reminder.click()
    page.wait_for_url(f"**{hazard.get_absolute_url()}")
    expect(page.get_by_test_id("hazard-title")).to_have_text("厂房安全出口锁闭")
    expect(page.get_by_test_id("bell-count")).to_have_count(0)
    assert mine.get().read_at is not None
    screenshot(page, "reminder-hazard-390")
