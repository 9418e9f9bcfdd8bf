"""axe-core finds no serious or critical accessibility violation on the pages a township clerk uses most: login, home,
the hazard list and a hazard, the report form, the new inspection form, the dashboard and the overdue list; as the
office at 1280 px and as a village officer on a 390 px phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from core.dates import local_today
from hazards.models import Hazard
from tests.e2e.axe import assert_accessible, axe_violations
from tests.e2e.conftest import login
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The pages, by name: the path ("{hazard}" is the overdue hazard of village_a) and the element that shows it loaded.
PAGES = {
    "home": "/",
    "hazard-list": "/hazards/",
    "hazard-detail": "/hazards/{hazard}/",
    "report-form": "/hazards/report/",
    "inspection-form": "/inspections/new/",
    "dashboard": "/dashboard/",
    "overdue": "/hazards/overdue/",
    # Pages found failing once: filters without a label, wide tables that scroll without a keyboard.
    "enterprise-list": "/units/enterprises/",
    "monthly-report": "/dashboard/reports/monthly/",
    "statistics": "/dashboard/reports/statistics/",
}
MAIN_PAGES = ["home", "hazard-list", "hazard-detail", "report-form", "inspection-form", "dashboard", "overdue"]


def _hazards(world: Any) -> Hazard:
    """Hazards in several states, so that the list shows badges of each kind; returns the overdue major one."""
    today = local_today()
    HazardFactory(village=world.village_a, sector=world.sector_a, found_on=today - dt.timedelta(days=1))
    HazardFactory(
        village=world.village_b, sector=world.sector_b, status="pending_acceptance", channel="public",
        found_on=today - dt.timedelta(days=20), deadline=today + dt.timedelta(days=3),
    )  # fmt: skip
    month_ago = today - dt.timedelta(days=30)
    HazardFactory(village=world.village_a, sector=world.sector_a, status="closed", found_on=month_ago)
    overdue: Hazard = HazardFactory.create(
        village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a, title="液化气储罐区防火间距不足",
        level="major", status="rectifying", found_on=today - dt.timedelta(days=60),
        deadline=today - dt.timedelta(days=17),
    )  # fmt: skip
    return overdue


def _check(page: Page, username: str, names: list[str], hazard: Hazard) -> None:
    """Every page checked; the failures of all of them reported together."""
    failures: list[str] = []

    def check(label: str) -> None:
        try:
            assert_accessible(page, f"{label} ({username}, {page.viewport_size and page.viewport_size['width']} px)")
        except AssertionError as failure:
            failures.append(str(failure))

    page.goto("/accounts/login/")
    check("login")
    login(page, username)
    for name in names:
        response = page.goto(PAGES[name].format(hazard=hazard.pk))
        assert response is not None and response.status == 200, f"{name}: {response and response.status}"
        expect(page.locator("main")).to_be_visible()
        page.wait_for_load_state("networkidle")
        check(name)
        if name == "home" and page.locator(".navbar-toggler").is_visible():
            page.locator(".navbar-toggler").click()  # the phone's folded menu, opened
            expect(page.get_by_test_id("nav")).to_be_visible()
            check("home, with the menu open")
    assert not failures, "\n\n".join(failures)


def test_it_finds_no_serious_violation_on_the_offices_pages(page: Page, world):
    _check(page, "office", MAIN_PAGES, _hazards(world))


def test_it_finds_no_serious_violation_on_the_village_officers_pages_on_a_phone(phone_page: Page, world):
    _check(phone_page, "village_a", MAIN_PAGES, _hazards(world))


def test_it_finds_no_serious_violation_on_the_reports_and_the_enterprise_list_on_a_phone(phone_page: Page, world):
    _check(phone_page, "office", ["enterprise-list", "monthly-report", "statistics"], _hazards(world))


def test_it_reports_a_violation_readably(page: Page, live_server):
    """The check can fail: a page with a low-contrast, unlabelled field is caught, each rule named."""
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("beforeend", '<input type="text" id="unlabelled"><p id="faint">faint</p>');
            document.getElementById("faint").classList.add("text-warning");
        }"""
    )
    found = {v["id"]: v for v in axe_violations(page)}
    assert "label" in found and found["label"]["impact"] == "critical"
    assert "#unlabelled" in found["label"]["nodes"][0]["target"]
    assert "color-contrast" in found and found["color-contrast"]["impact"] == "serious"
    with pytest.raises(AssertionError, match=r"(?s)label \(critical\).*#unlabelled"):
        assert_accessible(page, "the broken login page")
