"""An enterprise records a drill on its phone and its overdue mark disappears; the office reads the 零处罚 list."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from core.dates import local_today
from inspections.models import Inspection, Kind, Status
from readiness.models import Drill, EmergencyPlan, PlanKind
from tests.e2e.conftest import login, screenshot
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_enterprise_records_a_drill_on_its_phone(phone_page: Page, world):  # type: ignore[no-untyped-def]
    EmergencyPlan.objects.create(
        township=world.township, enterprise=world.enterprise_a, kind=PlanKind.ONSITE, title="基坑坍塌现场处置方案",
        approved_on=dt.date(2024, 1, 10), created_by=world.ent_a,
    )  # fmt: skip
    page = phone_page
    login(page, world.ent_a.username)
    page.goto(f"/readiness/drills/enterprise/{world.enterprise_a.pk}/")
    expect(page.get_by_test_id("drill-overdue-mark")).to_be_visible()
    screenshot(page, "drills-enterprise-overdue-390")
    page.get_by_test_id("record-drill").click()
    page.fill("#id_held_on", local_today().isoformat())
    page.select_option("#id_plan", label=f"{PlanKind.ONSITE.label} · 基坑坍塌现场处置方案")
    page.fill("#id_scenario", "基坑坍塌人员疏散")
    page.fill("#id_participants", "15")
    page.fill("#id_evaluation", "疏散及时，处置得当")
    screenshot(page, "drills-form-390")
    page.get_by_test_id("drill-submit").click()
    page.wait_for_url(f"**/readiness/drills/enterprise/{world.enterprise_a.pk}/")
    expect(page.get_by_test_id("drill-overdue-mark")).to_have_count(0)
    expect(page.get_by_test_id("drill-status")).to_have_attribute("data-state", "done")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "drills-enterprise-done-390")
    assert Drill.objects.get().enterprise_id == world.enterprise_a.pk


def test_the_office_sees_the_zero_penalty_units(page: Page, world):  # type: ignore[no-untyped-def]
    police = UnitFactory(township=world.township, name="派出所", has_enforcement_power=True)
    Inspection.objects.create(
        township=world.township, kind=Kind.RANDOM, channel="law_enforcement", status=Status.SUBMITTED,
        done_on=local_today(), enterprise=world.enterprise_b, inspecting_unit=police, is_law_enforcement=True,
        created_by=world.office,
    )  # fmt: skip
    login(page, "office")
    page.goto("/readiness/drills/zero-penalty/")
    rows = page.get_by_test_id("zero-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("派出所")
    screenshot(page, "zero-penalty-1280")
