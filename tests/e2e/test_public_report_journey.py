"""Issue 15 in the browser: a member of the public reports a hazard with a photo on a phone and keeps the code; the
office verifies it into a hazard; the reporter reads the outcome with the code; the custodian opens the identity."""

from __future__ import annotations

from django.core.cache import cache

from hazards.models import Channel, Hazard
from reports.models import Report, Status
from tests.e2e.conftest import PHONE, login, screenshot
from tests.hazards.conftest import image_bytes

NAME, PHONE_NUMBER = "路人甲", "13811112222"


def no_horizontal_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_public_reports_the_office_verifies_the_reporter_follows(browser, live_server, world, tmp_path):
    cache.clear()
    world.custodian  # noqa: B018 — the township's confidential-report officer exists
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(image_bytes())
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True,
                                locale="zh-CN", timezone_id="Asia/Shanghai")  # fmt: skip
    public = phone.new_page()
    public.set_default_timeout(10_000)

    # 1. A member of the public, no account, on a phone: what, where, a photo, name and phone.
    public.goto("/report/")
    assert public.get_by_test_id("nav").count() == 0
    public.select_option("#id_township", str(world.township.pk))
    public.select_option("#id_village", str(world.village_a.pk))
    public.fill("#id_place", "村东仓库")
    public.fill("#id_content", "仓库里住了人，电线乱拉")
    public.set_input_files("#id_photos", str(photo))
    public.fill("#id_reporter_name", NAME)
    public.fill("#id_reporter_phone", PHONE_NUMBER)
    assert no_horizontal_scroll(public)
    screenshot(public, "public-report-form-390")
    public.get_by_test_id("submit-report").click()
    code = public.get_by_test_id("tracking-code").inner_text().strip()
    assert len(code.replace("-", "")) >= 16
    assert no_horizontal_scroll(public)
    screenshot(public, "public-report-code-390")
    report = Report.objects.get()
    assert report.photos.count() == 1

    # 2. The office, at 1280 px, finds it on the list and verifies it into a hazard.
    desk = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    office = desk.new_page()
    office.set_default_timeout(10_000)
    login(office, "office")
    office.goto("/reports/")
    office.get_by_role("link", name=report.number).click()
    assert NAME not in office.content() and PHONE_NUMBER not in office.content()
    office.get_by_test_id("step-verify").click()
    office.select_option("#id_sector", str(world.sector_a.pk))
    office.select_option("#id_hazard_type", "fire")
    office.select_option("#id_level", "general")
    screenshot(office, "public-report-verify-1280")
    office.locator("form button[type=submit]").last.click()
    office.get_by_test_id("report-hazard").wait_for()
    hazard = Hazard.objects.get()
    assert hazard.channel == Channel.PUBLIC and hazard.evidence.count() == 1
    report.refresh_from_db()
    assert report.status == Status.VERIFIED
    office.fill("#id_text", "经核查属实，已责令整改。")
    office.get_by_test_id("reply-submit").click()
    office.get_by_test_id("report-reply").wait_for()
    screenshot(office, "public-report-office-1280")
    desk.close()

    # 3. The reporter, with the code, reads the outcome and the reply.
    public.goto("/report/track/")
    public.fill("#id_code", code.lower())
    public.get_by_role("button").last.click()
    public.get_by_test_id("track-verified").wait_for()
    assert "已责令整改" in public.get_by_test_id("track-reply").inner_text()
    assert no_horizontal_scroll(public)
    screenshot(public, "public-report-track-390")
    phone.close()

    # 4. The confidential-report officer opens the identity at 1280 px, giving a reason.
    desk = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    custodian = desk.new_page()
    custodian.set_default_timeout(10_000)
    login(custodian, "custodian")
    custodian.goto(f"/reports/{report.pk}/")
    assert NAME not in custodian.content()
    custodian.fill("#id_reason", "核实举报人以便发放奖励")
    custodian.get_by_test_id("open-identity").click()
    custodian.get_by_text(NAME).wait_for()
    assert PHONE_NUMBER in custodian.content()
    screenshot(custodian, "public-report-identity-1280")
    desk.close()
