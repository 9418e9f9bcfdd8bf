"""A village officer plans an inspection on a phone: types part of the enterprise's name, picks it, sees its sector's
checklist chosen and themself among the inspectors, and starts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from inspections.models import Inspection, Inspector
from tests.e2e.conftest import login, screenshot
from tests.factories import EnterpriseFactory
from tests.inspections.conftest import checklist  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_plans_an_inspection_by_typing_the_enterprise(phone_page: Page, world, checklist) -> None:  # noqa: F811
    own = Inspector.objects.create(township=world.township, name="村安全员", user=world.village_a_officer)
    Inspector.objects.create(township=world.township, name="专家甲", pool=Inspector.Pool.EXPERT)
    EnterpriseFactory(village=world.village_b, primary_sector=world.sector_a, name="新集建筑材料厂")
    page = phone_page
    login(page, world.village_a_officer.username)
    page.goto("/inspections/new/")

    # Only the enterprise's fields show; the long list gives way to the search.
    expect(page.get_by_test_id("target-place")).to_be_hidden()
    expect(page.locator("select[name=enterprise]")).to_be_hidden()
    page.get_by_test_id("enterprise-search").fill("建筑")
    matches = page.get_by_test_id("enterprise-match")
    expect(matches).to_have_count(1)  # the other village's 建筑 enterprise is not the officer's to inspect
    matches.first.click()
    expect(page.get_by_test_id("enterprise-picked")).to_contain_text("刘圩建筑工程有限公司")
    expect(page.locator("select[name=checklist]")).to_have_value(str(checklist.pk))
    expect(page.locator(f"input[name=inspectors][value='{own.pk}']")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "inspection-create-phone")

    # Another target shows its own fields only.
    page.locator("input[name=target][value=village]").check()
    expect(page.get_by_test_id("target-enterprise")).to_be_hidden()
    expect(page.locator("select[name=village]")).to_be_visible()
    page.locator("input[name=target][value=enterprise]").check()

    page.get_by_test_id("inspection-create-submit").click()
    page.wait_for_url("**/fill/")
    inspection = Inspection.objects.get()
    assert inspection.enterprise == world.enterprise_a and inspection.village == world.village_a
    assert inspection.checklist is not None and inspection.checklist.template == checklist
    assert list(inspection.inspectors.all()) == [own]
