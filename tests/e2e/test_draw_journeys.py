"""The office fills its inspector pool with enforcement credentials and makes a double-random draw (§28, §30):
every team has two credential holders, the drawn inspections are law-enforcement inspections, the replay matches."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from inspections import draws
from inspections.models import Inspection, Inspector, RandomDraw
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _add_inspector(page: Page, name: str, pool: str, credential: str = "") -> Inspector:
    page.goto("/inspections/inspectors/")
    page.get_by_test_id("inspector-add").click()
    page.fill("#id_name", name)
    page.select_option("#id_pool", pool)
    if credential:
        page.fill("#id_credential_number", credential)
    page.get_by_test_id("inspector-submit").click()
    page.wait_for_url("**/inspections/inspectors/")
    inspector = Inspector.objects.get(name=name)
    expect(page.locator(f'[data-testid="inspector-row"][data-inspector="{inspector.pk}"]')).to_be_visible()
    return inspector


def test_it_lets_the_office_draw_a_target_and_a_team_and_see_the_replay_match(page: Page, world):
    world.office_unit.has_enforcement_power = True
    world.office_unit.save()
    login(page, "office")
    first = _add_inspector(page, "赵执法", "staff", credential="皖执0001")
    second = _add_inspector(page, "李干事", "staff", credential="皖执0002")
    expert = _add_inspector(page, "王专家", "contractor")  # may only accompany

    page.goto("/inspections/draws/")
    page.get_by_test_id("new-draw").click()
    expect(page.get_by_test_id("share-definition")).to_contain_text("执法")
    expect(page.get_by_test_id("pool-preview")).to_have_attribute("data-size", "2")
    page.check(f'input[name="villages"][value="{world.village_b.pk}"]')
    expect(page.get_by_test_id("pool-preview")).to_have_attribute("data-size", "1")
    page.uncheck(f'input[name="villages"][value="{world.village_b.pk}"]')
    expect(page.get_by_test_id("pool-preview")).to_have_attribute("data-size", "2")
    page.fill("#id_name", "六月双随机抽查")
    page.check(f'input[name="inspectors"][value="{first.pk}"]')
    page.check(f'input[name="inspectors"][value="{second.pk}"]')
    page.check(f'input[name="inspectors"][value="{expert.pk}"]')
    page.fill("#id_n", "1")
    page.fill("#id_k", "2")
    page.fill("#id_planned_on", "2025-06-10")
    page.fill("#id_seed", "liuwei-2025-06")
    screenshot(page, "draw-form")
    page.get_by_test_id("draw-submit").click()

    draw = RandomDraw.objects.get()
    page.wait_for_url(f"**/inspections/draws/{draw.pk}/")
    expected = draws.draw_random(
        seed="liuwei-2025-06",
        targets=sorted([world.enterprise_a.pk, world.enterprise_b.pk]),
        weights=[1.0, 1.0],
        inspectors=sorted([first.pk, second.pk, expert.pk]),
        n=1,
        k=2,
        avoid_pairs=set(),
        certified=sorted([first.pk, second.pk]),
    )
    assert draw.result == expected
    expect(page.get_by_test_id("draw-seed")).to_have_text("liuwei-2025-06")
    expect(page.get_by_test_id("replay")).to_have_attribute("data-matches", "yes")
    row = page.get_by_test_id("draw-result-row")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-target", str(expected[0]["target"]))
    members = row.get_by_test_id("team-member")
    expect(members).to_have_count(2)
    assert sorted(int(members.nth(i).get_attribute("data-inspector") or 0) for i in range(2)) == sorted(
        [first.pk, second.pk]
    )
    expect(row.locator('[data-testid="team-member"][data-credential="yes"]')).to_have_count(2)
    inspection = Inspection.objects.get(draw=draw)
    assert inspection.is_law_enforcement and inspection.inspecting_unit == world.office_unit
    expect(row.get_by_test_id("planned-inspection")).to_have_attribute("data-inspection", str(inspection.pk))
    screenshot(page, "draw-detail")

    # The share counts law-enforcement inspections done: the drawn one is only planned so far.
    page.goto("/inspections/draws/?year=2025")
    expect(page.get_by_test_id("share-drawn")).to_have_text("0")
    expect(page.get_by_test_id("share-total")).to_have_text("0")
    expect(page.get_by_test_id("share-definition")).to_be_visible()
    expect(page.get_by_test_id("share-target")).to_have_text("70")
    screenshot(page, "draw-list")
