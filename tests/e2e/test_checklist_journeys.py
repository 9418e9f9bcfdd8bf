"""The office edits a checklist in the browser and publishes version 2; a village officer reads it on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from inspections import checklists as services
from inspections.models import ChecklistTemplate
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _template(world) -> ChecklistTemplate:
    template = services.checklist_create(
        actor=world.office, township=world.township, name="消防安全检查表", sector=world.sector_a
    )
    draft = template.versions.get()
    for text, needs_check in (("锁闭安全出口", False), ("占堵疏散通道", True)):
        fields = {
            "text": text,
            "standard": "《中华人民共和国消防法》",
            "clause": "第二十八条",
            "needs_check": needs_check,
        }
        services.item_add(version=draft, actor=world.office, fields=fields)
    services.version_publish(version=draft, actor=world.office, note="初版")
    return template


def test_it_lets_the_office_edit_a_draft_item_and_publish_version_2(page: Page, world):
    template = _template(world)
    login(page, "office")
    page.goto("/inspections/checklists/")
    page.get_by_role("link", name="消防安全检查表").click()
    expect(page.get_by_test_id("current-version")).to_contain_text("v1")
    page.get_by_test_id("start-draft").click()
    expect(page.get_by_test_id("draft-version")).to_contain_text("2")
    page.get_by_test_id("edit-item").first.click()
    page.fill("#id_text", "锁闭、封闭安全出口")
    page.get_by_test_id("item-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("item-table")).to_contain_text("锁闭、封闭安全出口")
    expect(page.get_by_test_id("changes")).to_be_visible()
    screenshot(page, "checklist-draft")
    page.get_by_test_id("publish").click()
    page.fill("#id_note", "修改安全出口条目的表述")
    page.get_by_test_id("confirm-publish").click()
    expect(page.get_by_test_id("current-version")).to_contain_text("v2")
    expect(page.get_by_test_id("item-table")).to_contain_text("锁闭、封闭安全出口")
    expect(page.get_by_test_id("version-history")).to_contain_text("修改安全出口条目的表述")
    expect(page.get_by_test_id("version-row")).to_have_count(2)
    v1 = template.versions.get(number=1)
    assert list(v1.items.values_list("text", flat=True)) == ["锁闭安全出口", "占堵疏散通道"]


def test_it_shows_a_village_officer_the_checklist_with_its_badges_on_a_phone(phone_page: Page, world):
    template = _template(world)
    login(phone_page, "village_a")
    phone_page.goto(template.get_absolute_url())
    expect(phone_page.get_by_test_id("checklist-name")).to_have_text("消防安全检查表")
    expect(phone_page.get_by_test_id("needs-check")).to_have_count(1)
    expect(phone_page.get_by_test_id("start-draft")).to_have_count(0)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(phone_page, "checklist-detail-390")
