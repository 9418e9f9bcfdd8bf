"""Issue 10 on a 390 px phone: twenty answers tapped as fast as the page allows — some while the server fails, some
offline, some changed again — all stored with their latest values; the page counts the answers waiting and never
says "saved" before the server has stored the answer. A refused submit keeps the conclusion, the signer's name and
the drawn signature, and names the missing items with links to them."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, Route, expect

from inspections import services
from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion, Inspection, InspectionAnswer
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_inspection_journey import choose, saved, sign

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = 20


@pytest.fixture
def long_visit(world):
    template = ChecklistTemplate.objects.create(township=world.township, name="综合检查表", sector=world.sector_a)
    version = ChecklistVersion.objects.create(template=template, number=1, published_at=timezone.now())
    for n in range(1, ITEMS + 1):
        ChecklistItem.objects.create(
            version=version, order=n, text=f"检查项{n}", standard="GB 00000", clause=f"第{n}条"
        )
    return services.inspection_plan(
        actor=world.office, township=world.township, kind="special", enterprise=world.enterprise_a,
        checklist=template, planned_on=timezone.localdate(),
    )  # fmt: skip


def open_fill(page: Page, visit: Inspection) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, "village_a")
    page.goto(f"/inspections/{visit.pk}/fill/")
    page.wait_for_load_state("load")
    return errors


def waiting(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("pending-count")


def test_it_stores_twenty_fast_answers_through_failures_and_a_dropped_connection(phone_page: Page, long_visit):
    page = phone_page
    errors = open_fill(page, long_visit)
    latest: dict[int, str] = {}

    def tap(number: int, result: str) -> None:
        choose(page, number, result)
        latest[number] = result

    # The server fails the first answers it is sent: the page says they wait, and tries again by itself.
    failed = {"n": 0}

    def flaky(route: Route) -> None:
        if failed["n"] < 4:
            failed["n"] += 1
            route.fulfill(status=503, content_type="text/html", body="<h1>Service Unavailable</h1>")
        else:
            route.continue_()

    page.route("**/answer/", flaky)
    for number in range(1, 9):
        tap(number, "pass")
    expect(page.get_by_test_id("item-1").get_by_test_id("save-state")).to_have_attribute("data-save-state", "pending")
    expect(waiting(page)).to_be_visible()
    expect(waiting(page)).not_to_have_attribute("data-count", "0")
    for number in range(1, 9):
        saved(page, number)
    assert failed["n"] == 4
    page.unroute("**/answer/")

    # Offline: answers wait on the phone, counted; some earlier answers are changed.
    page.context.set_offline(True)
    for number in range(9, ITEMS + 1):
        tap(number, "na" if number % 3 else "fail")
    for number in (2, 4, 6):
        tap(number, "fail")
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    expect(waiting(page)).to_have_attribute("data-count", str(ITEMS - 8 + 3))
    expect(page.get_by_test_id("item-2").get_by_test_id("save-state")).to_have_attribute("data-save-state", "pending")
    screenshot(page, "inspection-offline-queue-390")
    assert InspectionAnswer.objects.filter(inspection=long_visit).count() == 8
    assert set(InspectionAnswer.objects.filter(inspection=long_visit).values_list("result", flat=True)) == {"pass"}

    # Back online: the queue drains while the inspector keeps changing answers as fast as the page allows.
    page.context.set_offline(False)
    for number in (2, 9, 10, 2, 15, 9):
        tap(number, {"fail": "pass", "pass": "na", "na": "pass"}[latest[number]])
    expect(waiting(page)).to_have_attribute("data-count", "0", timeout=30_000)
    expect(waiting(page)).to_be_hidden()
    for number in range(1, ITEMS + 1):
        saved(page, number)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    items = list(long_visit.checklist.items.order_by("order").values_list("pk", flat=True))
    stored = dict(InspectionAnswer.objects.filter(inspection=long_visit).values_list("item_id", "result"))
    assert stored == {items[n - 1]: latest[n] for n in range(1, ITEMS + 1)}

    page.reload()
    page.wait_for_load_state("load")
    for number in range(1, ITEMS + 1):
        checked = page.get_by_test_id(f"item-{number}").locator("input[type=radio]:checked")
        expect(checked).to_have_value(latest[number])
    assert page.evaluate("window.localStorage.length") == 1  # only the page's clock; no answer left waiting
    assert not [e for e in errors if "Content Security Policy" in e]


def test_it_keeps_everything_entered_when_the_submit_is_refused(phone_page: Page, world, long_visit):
    items = list(long_visit.checklist.items.order_by("order"))
    for item in items[:-2]:
        services.answer_save(inspection_id=long_visit.pk, actor=world.village_a_officer, item_id=item.pk, result="pass")
    page = phone_page
    errors = open_fill(page, long_visit)

    page.fill("#id_conclusion", "现场检查基本合格")
    page.fill("#id_signer_name", "企业负责人李四")
    sign(page, "signature-pad")
    page.get_by_test_id("submit-inspection").click()

    refused = page.get_by_test_id("submit-refused")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("2")
    links = refused.get_by_test_id("missing-item")
    expect(links).to_have_text([f"{ITEMS - 1}. 检查项{ITEMS - 1}", f"{ITEMS}. 检查项{ITEMS}"])
    expect(page.locator("#id_conclusion")).to_have_value("现场检查基本合格")
    expect(page.locator("#id_signer_name")).to_have_value("企业负责人李四")
    expect(page.get_by_test_id("signature-pad")).to_have_attribute("data-signed", "true")
    screenshot(page, "inspection-submit-refused-390")

    links.first.click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#item-{items[-2].pk}")
    expect(page.locator(f"#item-{items[-2].pk}")).to_be_in_viewport()
    # Offline, the last two answers wait on the phone; the submit waits for them instead of being refused again.
    page.context.set_offline(True)
    choose(page, ITEMS - 1, "pass")
    choose(page, ITEMS, "pass")
    page.get_by_test_id("submit-inspection").click()  # the kept signature is sent; nobody signs again
    expect(page.get_by_test_id("submit-waiting")).to_be_visible()
    assert Inspection.objects.get(pk=long_visit.pk).status == "in_progress"
    page.context.set_offline(False)
    expect(page.get_by_test_id("inspection-status")).to_have_attribute("class", "badge text-bg-success")
    expect(page.get_by_test_id("signature")).to_be_visible()
    done = Inspection.objects.get(pk=long_visit.pk)
    assert done.status == "submitted" and done.signature
    assert (done.conclusion, done.signer_name) == ("现场检查基本合格", "企业负责人李四")
    assert not [e for e in errors if "Content Security Policy" in e]
