"""The office fills its inspector pool and makes a double-random draw (§28, §30), then checks the replay."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from inspections import draws
from inspections.models import Inspection, Inspector, RandomDraw
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _add_inspector(page: Page, name: str, pool: str) -> Inspector:
    page.goto("/inspections/inspectors/")
    page.get_by_test_id("inspector-add").click()
    page.fill("#id_name", name)
    page.select_option("#id_pool", pool)
    page.get_by_test_id("inspector-submit").click()
    page.wait_for_url("**/inspections/inspectors/")
    inspector = Inspector.objects.get(name=name)
    expect(page.locator(f'[data-testid="inspector-row"][data-inspector="{inspector.pk}"]')).to_be_visible()
    return inspector


def test_it_lets_the_office_draw_a_target_and_a_team_and_see_the_replay_match(page: Page, world):
    login(page, "office")
    first = _add_inspector(page, "王专家", "expert")
    second = _add_inspector(page, "李干事", "staff")

    page.goto("/inspections/draws/")
    page.get_by_test_id("new-draw").click()
    expect(page.get_by_test_id("pool-preview")).to_have_attribute("data-size", "2")
    page.check(f'input[name="villages"][value="{world.village_b.pk}"]')
    expect(page.get_by_test_id("pool-preview")).to_have_attribute("data-size", "1")
    page.uncheck(f'input[name="villages"][value="{world.village_b.pk}"]')
    expect(page.get_by_test_id("pool-preview")).to_have_attribute("data-size", "2")
    page.fill("#id_name", "六月双随机抽查")
    page.check(f'input[name="inspectors"][value="{first.pk}"]')
    page.check(f'input[name="inspectors"][value="{second.pk}"]')
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
        inspectors=sorted([first.pk, second.pk]),
        n=1,
        k=2,
        avoid_pairs=set(),
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
    inspection = Inspection.objects.get(draw=draw)
    expect(row.get_by_test_id("planned-inspection")).to_have_attribute("data-inspection", str(inspection.pk))
    screenshot(page, "draw-detail")

    page.goto("/inspections/draws/?year=2025")
    expect(page.get_by_test_id("share-drawn")).to_have_text("1")
    expect(page.get_by_test_id("share-planned")).to_have_text("1")
    expect(page.get_by_test_id("share-target")).to_have_text("70")
    screenshot(page, "draw-list")
