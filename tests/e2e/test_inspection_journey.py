"""A supervision group's member records the group's visit of a village on a phone (§1: not the village's own
officer): answers are saved as they go, survive a dropped connection and a reload; a failed major item becomes a
hazard at its level; the visit is submitted signed by the village's responsible person and the group's leader."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hazards.models import Hazard
from inspections import services
from inspections.models import Inspection, InspectionAnswer
from tests.e2e.conftest import login, screenshot
from tests.factories import AssignmentFactory, SupervisionGroupFactory, UnitFactory, UserFactory
from tests.inspections.conftest import checklist  # noqa: F401  (fixture)
from units.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page: Page, number: int, result: str) -> None:
    index = {"pass": 0, "fail": 1, "na": 2}[result]
    page.get_by_test_id(f"item-{number}").locator("label.btn").nth(index).click()


def saved(page: Page, number: int) -> None:
    expect(page.get_by_test_id(f"item-{number}").get_by_test_id("save-state")).to_have_attribute(
        "data-save-state", "saved"
    )


def sign(page: Page, test_id: str) -> None:
    pad = page.get_by_test_id(test_id)
    pad.scroll_into_view_if_needed()
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


def test_it_keeps_every_answer_through_a_dropped_connection(phone_page: Page, world, checklist):  # noqa: F811
    # The discipline office's cadre sits in the group (§1); the village's own officer is only present.
    member = UserFactory(username="jiwei", full_name="马丽")
    jiwei = UnitFactory(township=world.township, name="镇纪委", duty_kind="other")
    AssignmentFactory(user=member, role=Role.DEPARTMENT, township=world.township, unit=jiwei)
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.members.add(member)
    group.villages.add(world.village_a)
    visit = services.inspection_plan(
        actor=world.office, township=world.township, kind="supervision", village=world.village_a,
        place_text="村委会安全生产工作", group=group, checklist=checklist, planned_on=timezone.localdate(),
    )  # fmt: skip
    page = phone_page
    login(page, "jiwei")
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
    # A major item: its level is fixed and 立查立改 is not offered (三(二)).
    expect(form.locator("#id_level")).to_be_disabled()
    expect(form.locator("#id_fixed_on_the_spot")).to_have_count(0)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("item-1").get_by_test_id("item-hazard")).to_be_visible()

    page.fill("#id_conclusion", "发现1处隐患，已登记")
    page.fill("#id_signer_name", "村主任王五")
    sign(page, "signature-pad")
    sign(page, "leader-signature-pad")  # the group's leader signs the record too (SPEC S3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("submit-inspection").click()
    expect(page.get_by_test_id("inspection-status")).to_have_attribute("class", "badge text-bg-success")
    expect(page.get_by_test_id("signature")).to_be_visible()
    expect(page.get_by_test_id("leader-signature")).to_be_visible()
    expect(page.get_by_test_id("leader-signer")).to_contain_text(world.leader.display_name)

    hazard = Hazard.objects.get(inspection_link__inspection=visit)
    assert hazard.channel == "supervision" and hazard.level == "major" and hazard.suggested_level == "major"
    done = Inspection.objects.get(pk=visit.pk)
    assert done.status == "submitted" and done.submitted_by == member and done.leader_signature
    page.goto("/hazards/")
    expect(page.get_by_test_id("hazard-table")).to_contain_text("安全出口锁闭")


def test_it_shows_the_village_officer_its_visit_but_lets_it_record_nothing(phone_page: Page, world):
    """§1: the supervised do not supervise themselves — the village officer sees the visit, and is offered
    nothing; the page to fill it in does not exist for them."""
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.villages.add(world.village_a)
    visit = services.inspection_plan(
        actor=world.office, township=world.township, kind="supervision", village=world.village_a, group=group,
        planned_on=timezone.localdate(),
    )  # fmt: skip
    page = phone_page
    login(page, "village_a")
    page.goto(f"/inspections/{visit.pk}/")
    expect(page.get_by_test_id("inspection-target")).to_be_visible()
    expect(page.get_by_test_id("fill-inspection")).to_have_count(0)
    expect(page.get_by_test_id("problem-create")).to_have_count(0)
    assert page.goto(f"/inspections/{visit.pk}/fill/").status == 404
