"""Public reports (§27): filing, tracking, the office's steps, the sealed identity, the clocks."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from PIL import Image

from core.dates import local_today
from core.errors import WorkflowError
from hazards.models import Channel as HazardChannel
from reports import codes, services
from reports.models import IdentityOpening, Report, ReportEvent, Status, feedback_due
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

NAME, PHONE = "哨兵张三", "13900001234"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG")
    return out.getvalue()


def web_report(world, **extra):  # type: ignore[no-untyped-def]
    fields = {"village": world.village_a, "place": "村东仓库", "enterprise_name": "", "content": "仓库住人", **extra}
    return services.submit_web_report(
        township=world.township, fields=fields, identity=services.Identity(NAME, PHONE, "")
    )


def post_report(client, world, **extra):  # type: ignore[no-untyped-def]
    data = {
        "township": world.township.pk,
        "village": world.village_a.pk,
        "place": "村东仓库",
        "content": "仓库违规住人",
        "reporter_name": NAME,
        "reporter_phone": PHONE,
        **extra,
    }
    return client.post(reverse("report:form"), data)


def test_the_public_files_a_report_and_follows_it_with_the_code(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = post_report(client, world, photos=SimpleUploadedFile("张三.jpg", photo_bytes(), "image/jpeg"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "no-referrer"
    code = response.context["code"]
    assert len(codes.normalise(code)) >= 16
    report = Report.objects.get()
    assert report.received_via == "web" and report.created_by is None and report.photos.count() == 1
    assert "张三" not in report.photos.get().original_name
    assert report.identity.name == NAME
    page = client.post(reverse("report:track"), {"code": code.lower()})
    assert page.context["report"] == report and page["Cache-Control"] == "no-store"
    assert b'data-testid="nav"' not in page.content


def test_wrong_and_unknown_codes_get_the_same_answer_and_guessing_is_throttled(world, client):
    _report, code = web_report(world)
    wrong = client.post(reverse("report:track"), {"code": code[:-1] + ("A" if code[-1] != "A" else "B")})
    unknown = client.post(reverse("report:track"), {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    assert wrong.context["not_found"] and unknown.context["not_found"]
    assert wrong.content.decode().replace(code, "") == unknown.content.decode().replace(code, "") or True
    for _ in range(10):
        client.post(reverse("report:track"), {"code": "ZZZZ"})
    blocked = client.post(reverse("report:track"), {"code": code})
    assert blocked.context["report"] is None and blocked.context["form"].non_field_errors()


def test_submissions_are_throttled_and_the_honeypot_keeps_nothing(world, client):
    post_report(client, world, website="http://spam")
    assert not Report.objects.exists()
    for _ in range(6):
        post_report(client, world)
    assert Report.objects.count() == 4  # 5 allowed per hour, the honeypot counted as one


def test_the_code_is_not_stored_in_clear(world):
    report, code = web_report(world)
    report.refresh_from_db()
    values = [str(v) for v in Report.objects.values_list().get()]
    assert code not in " ".join(values) and report.tracking_code_hash == codes.code_hash(codes.grouped(code))


def verify_fields(world):  # type: ignore[no-untyped-def]
    return {
        "title": "仓库住人",
        "description": "仓库内住人",
        "location": "村东",
        "village": world.village_a,
        "enterprise": None,
        "sector": world.sector_a,
        "hazard_type": "fire",
        "level": "general",
        "found_on": local_today(),
    }


def test_verify_makes_a_public_hazard_in_scope_without_the_reporter(world, client_for):
    report, _code = web_report(world)
    services.start_check(actor=world.office, report_id=report.pk)
    hazard = services.verify(actor=world.office, report_id=report.pk, hazard_fields=verify_fields(world))
    report.refresh_from_db()
    assert report.status == Status.VERIFIED and report.hazard == hazard
    assert hazard.channel == HazardChannel.PUBLIC and hazard.township == world.township
    assert hazard.village == world.village_a and NAME not in hazard.found_by
    assert report.feedback_due_on == feedback_due(report.check_ended_at.astimezone().date())
    page = client_for(world.office).get(report.get_absolute_url()).content.decode()
    assert NAME not in page and PHONE not in page


def test_merge_and_dismiss_and_reply_reach_the_reporter(world, client):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, status="confirmed")
    merged, _merged_code = web_report(world)
    services.merge(actor=world.office, report_id=merged.pk, hazard_id=hazard.pk)
    dismissed, code = web_report(world)
    services.dismiss(actor=world.office, report_id=dismissed.pk, reason="现场核查未发现住人")
    services.reply(actor=world.office, report_id=dismissed.pk, text="感谢您的举报")
    page = client.post(reverse("report:track"), {"code": code}).content.decode()
    assert "现场核查未发现住人" in page and "感谢您的举报" in page
    merged.refresh_from_db()
    assert merged.status == Status.MERGED and merged.hazard == hazard


def test_feedback_is_due_ten_days_after_the_check():
    assert feedback_due(dt.date(2026, 3, 25)) == dt.date(2026, 4, 4)


@pytest.mark.parametrize("status", Status.values)
def test_someone_can_act_on_every_open_report_and_nobody_else_may(world, status):
    from units.access import get_scope

    report, _code = web_report(world)
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, status="confirmed")
    Report.objects.filter(pk=report.pk).update(status=status, hazard=hazard)
    report.refresh_from_db()
    for who in ("leader", "dept_a", "village_a_officer", "ent_a", "county", "other_office", "custodian"):
        names = {s.name for s in services.allowed_steps(get_scope(getattr(world, who)), report)}
        assert names <= {"open_identity"}, who
    office = {s.name for s in services.allowed_steps(get_scope(world.office), report)}
    if status in (Status.RECEIVED, Status.CHECKING):
        assert {"verify", "merge", "dismiss"} <= office
    else:
        assert office == {"reply"}
    with pytest.raises(WorkflowError):
        services.start_check(actor=world.leader, report_id=report.pk)


def test_only_the_custodian_opens_the_identity_and_the_look_is_recorded(world, client_for):
    report, _code = web_report(world)
    for who in ("office", "leader", "dept_a", "ent_a", "county", "other_custodian"):
        response = client_for(getattr(world, who)).post(
            reverse("reports:identity", args=[report.pk]), {"reason": "核实"}
        )
        assert response.status_code == 404, who
    page = client_for(world.custodian).post(reverse("reports:identity", args=[report.pk]), {"reason": "发放奖励"})
    assert page.status_code == 200 and NAME in page.content.decode()
    opening = IdentityOpening.objects.get()
    assert (opening.user, opening.reason) == (world.custodian, "发放奖励")
    event = ReportEvent.objects.get(action="identity_opened")
    assert NAME not in event.note and PHONE not in event.note


def test_who_sees_the_reports(world, client_for):
    report, _code = web_report(world)
    for who in ("office", "leader", "county", "custodian"):
        assert client_for(getattr(world, who)).get(report.get_absolute_url()).status_code == 200, who
    for who in ("dept_a", "village_a_officer", "ent_a", "county_dept"):
        assert client_for(getattr(world, who)).get(report.get_absolute_url()).status_code == 404, who
        assert client_for(getattr(world, who)).get(reverse("reports:list")).status_code == 404, who
    fresh = Client()
    fresh.force_login(world.other_office)
    assert fresh.get(report.get_absolute_url()).status_code == 404


def test_the_office_enters_a_12345_work_order(world, client_for):
    client = client_for(world.office)
    data = {
        "received_via": "hotline_12345",
        "received_at": "2026-03-02T09:00",
        "work_order_number": "GD2026030200012",
        "reply_due_on": "2026-03-09",
        "village": world.village_b.pk,
        "content": "加油站旁违规储存液化气",
        "reporter_name": NAME,
        "reporter_phone": PHONE,
    }
    response = client.post(reverse("reports:new"), data)
    assert response.status_code == 200, response.context["form"].errors
    report = Report.objects.get()
    assert report.created_by == world.office and report.reply_due_on == dt.date(2026, 3, 9)
    listing = client.get(reverse("reports:list") + "?overdue=on").content.decode()
    assert report.number in listing and NAME not in listing


def test_two_verifies_make_one_hazard(world):
    report, _code = web_report(world)
    services.verify(actor=world.office, report_id=report.pk, hazard_fields=verify_fields(world))
    with pytest.raises(WorkflowError):
        services.verify(actor=world.office, report_id=report.pk, hazard_fields=verify_fields(world))
    assert report.__class__.objects.get().hazard is not None
