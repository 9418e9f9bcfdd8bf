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
    # Accept the first, then back home: one fewer to accept, one more to close; close it from the queue.
    page.get_by_test_id("hazard-table").locator("tbody tr").first.locator("a").first.click()
    page.get_by_test_id("form-verify").get_by_role("button", name="验收通过").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("已验收")
    page.goto("/")
    expect(to_verify.get_by_test_id("queue-count")).to_have_text("2")
    to_close = page.locator('[data-testid="queue-item"][data-key="hazards.to_close"]')
    expect(to_close).to_have_attribute("data-count", "2")
    to_close.click()
    expect(page.get_by_test_id("hazard-table").locator("tbody tr")).to_have_count(2)
    page.get_by_test_id("hazard-table").locator("tbody tr").first.locator("a").first.click()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("form-close").get_by_role("button", name="销号").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("已销号")
    page.goto("/")
    expect(to_close).to_have_attribute("data-count", "1")


def test_the_enterprise_goes_from_its_queue_to_the_notice_and_asks_for_acceptance_on_a_phone(
    phone_page: Page, world, tmp_path
):
    from hazards.supervision_services import NoticeTerms, notice_issue
    from tests.e2e.test_hazard_journey import photo

    today = timezone.localdate()
    hazard = HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
        status="rectifying", deadline=today + dt.timedelta(days=10), title="配电箱无防护",
    )  # fmt: skip
    notice = notice_issue(hazard_id=hazard.pk, actor=world.office, issued_on=today, terms=NoticeTerms())
    page = phone_page
    login(page, "ent_a")
    page.goto("/")
    entry = page.locator('[data-testid="queue-item"][data-key="hazards.to_rectify"]')
    expect(entry).to_have_attribute("data-count", "1")
    entry.click()
    expect(page.get_by_test_id("hazard-table").locator("tbody tr")).to_have_count(1)
    page.get_by_test_id("hazard-table").get_by_role("link", name="配电箱无防护").click()
    # What it must do, and by when, comes first.
    expect(page.get_by_test_id("steps-deadline")).to_contain_text((today + dt.timedelta(days=10)).isoformat())
    with page.expect_navigation():
        page.locator(f'a[href$="/notices/{notice.pk}/print/"]').first.click()
    expect(page.get_by_test_id("notice-number")).to_have_text(notice.number)
    page.go_back()
    form = page.get_by_test_id("form-request_acceptance")
    form.locator("input[type=file]").set_input_files(photo(tmp_path, "after.jpg", "green"))
    form.get_by_role("button", name="申请验收").click()
    expect(page.get_by_test_id("hazard-status")).to_have_text("待验收")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_village_officer_goes_from_its_queue_to_the_visit_due_and_records_it_on_a_phone(phone_page: Page, world):
    from core.dates import local_today, quarter_of
    from inspections.models import SupervisionVisit
    from inspections.plans.visits import quarter_plan_create
    from tests.e2e.test_inspection_journey import sign
    from tests.factories import SupervisionGroupFactory

    # The officer of village A sits in the group that visits village B this quarter (§1: never its own village).
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第二督导组")
    group.members.add(world.village_a_officer)
    group.villages.add(world.village_b)
    year, quarter = quarter_of(local_today())
    quarter_plan_create(township=world.township, year=year, quarter=quarter, actor=world.office)
    visit = SupervisionVisit.objects.get(group=group, village=world.village_b)
    page = phone_page
    login(page, "village_a")
    page.goto("/")
    entry = page.locator('[data-testid="queue-item"][data-key="inspections.visits_to_do"]')
    expect(entry).to_have_attribute("data-count", "1")
    entry.click()
    page.locator(f'[data-testid="group-board"][data-group="{group.pk}"]').get_by_test_id("visit-inspection").click()
    page.get_by_test_id("fill-inspection").click()
    page.wait_for_load_state("load")
    page.fill("#id_conclusion", "未发现问题")
    page.fill("#id_signer_name", "村主任王五")
    if page.locator("#id_no_findings").count():
        page.check("#id_no_findings")
    sign(page, "signature-pad")
    sign(page, "leader-signature-pad")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("submit-inspection").click()
    expect(page.get_by_test_id("inspection-status")).to_have_attribute("class", "badge text-bg-success")
    visit.refresh_from_db()
    assert visit.inspection is not None and visit.inspection.status == "submitted"
    page.goto("/")
    expect(entry).to_have_count(0)  # nothing left to visit this quarter
