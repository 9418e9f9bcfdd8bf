"""A village officer inspects on a phone: answers are saved as they go, survive a dropped connection and a
reload; a failed item becomes a hazard; the inspection is submitted with a signature."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hazards.models import Hazard
from inspections import services
from inspections.models import Inspection, InspectionAnswer
from tests.e2e.conftest import login, screenshot
from tests.factories import SupervisionGroupFactory
from tests.inspections.conftest import checklist  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page: Page, number: int, result: str) -> None:
    index = {"pass": 0, "fail": 1, "na": 2}[result]
    page.get_by_test_id(f"item-{number}").locator("label.btn").nth(index).click()


def saved(page: Page, number: int) -> None:
    expect(page.get_by_test_id(f"item-{number}").get_by_test_id("save-state")).to_have_attribute(
        "data-save-state", "saved"
    )


def test_it_keeps_every_answer_through_a_dropped_connection(phone_page: Page, world, checklist):  # noqa: F811
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.villages.add(world.village_a)
    visit = services.inspection_plan(
        actor=world.office, township=world.township, kind="supervision", village=world.village_a,
        place_text="村委会安全生产工作", group=group, checklist=checklist, planned_on=timezone.localdate(),
    )  # fmt: skip
    page = phone_page
    login(page, "village_a")
    page.goto("/inspections/")
    page.get_by_role("link", name=visit.target_label).click()
    page.get_by_test_id("fill-inspection").click()
    page.wait_for_load_state("load")

    choose(page, 1, "pass")
    saved(page, 1)
    choose(page, 2, "pass")
    saved(page, 2)

    page.context.set_offline(True)
    choose(page, 3, "na")
    expect(page.get_by_test_id("item-3").get_by_test_id("save-state")).to_have_attribute("data-save-state", "pending")
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    assert InspectionAnswer.objects.filter(inspection=visit).count() == 2
    screenshot(page, "inspection-offline-390")

    page.context.set_offline(False)
    saved(page, 3)
    page.reload()
    page.wait_for_load_state("load")
    for number, result in ((1, "pass"), (2, "pass"), (3, "na")):
        checked = page.get_by_test_id(f"item-{number}").locator("input[type=radio]:checked")
        expect(checked).to_have_value(result)
    assert InspectionAnswer.objects.filter(inspection=visit).count() == 3

    choose(page, 1, "fail")
    saved(page, 1)
    page.get_by_test_id("item-1").get_by_test_id("record-finding").click()
    form = page.get_by_test_id("finding-form")
    expect(form.locator("#id_title")).to_have_value("安全出口锁闭")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("item-1").get_by_test_id("item-hazard")).to_be_visible()

    page.fill("#id_conclusion", "发现1处隐患，已登记")
    page.fill("#id_signer_name", "村主任王五")
    pad = page.locator("[data-signature-pad]")
    box = pad.bounding_box()
    assert box is not None
    # A finger stroke across the pad.
    x, y = box["x"], box["y"]
    pad.dispatch_event("pointerdown", {"pointerId": 1, "pointerType": "touch", "clientX": x + 20, "clientY": y + 40})
    for step in range(1, 9):
        pad.dispatch_event(
            "pointermove",
            {"pointerId": 1, "pointerType": "touch", "clientX": x + 20 + 25 * step, "clientY": y + 40 + 5 * step},
        )
    pad.dispatch_event("pointerup", {"pointerId": 1, "pointerType": "touch"})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("submit-inspection").click()
    expect(page.get_by_test_id("inspection-status")).to_have_attribute("class", "badge text-bg-success")
    expect(page.get_by_test_id("signature")).to_be_visible()

    hazard = Hazard.objects.get(inspection=visit)
    assert hazard.channel == "supervision" and hazard.level == "major"
    assert Inspection.objects.get(pk=visit.pk).status == "submitted"
    page.goto("/hazards/")
    expect(page.get_by_test_id("hazard-table")).to_contain_text("安全出口锁闭")
