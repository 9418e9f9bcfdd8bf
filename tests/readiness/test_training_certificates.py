"""Special-operation certificates: the three-yearly review across year boundaries and leap days, the 90/60/30-day
reminders once each, the list's scope per role and township, and bad input."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import Workbook

from readiness.models import Attendee, Certificate, TrainingSession
from readiness.models.training import add_years
from reminders import engine
from reminders.models import Reminder
from tests.factories import CertificateFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("issued", "review", "expires", "due"),
    [
        (dt.date(2024, 2, 29), None, dt.date(2030, 2, 28), dt.date(2027, 2, 28)),  # leap-day issue
        (dt.date(2021, 12, 31), None, dt.date(2027, 12, 30), dt.date(2024, 12, 31)),
        (dt.date(2021, 1, 1), dt.date(2023, 12, 31), dt.date(2027, 1, 1), dt.date(2026, 12, 31)),  # from review
        (dt.date(2023, 5, 1), None, dt.date(2026, 4, 30), None),  # expires before the review would fall due
    ],
)
def test_it_computes_the_review_due_date(world, issued, review, expires, due):
    certificate = CertificateFactory(
        enterprise=world.enterprise_a, issued_on=issued, last_review_on=review, expires_on=expires
    )
    assert certificate.review_due_on == due
    assert certificate.next_due_on == (due or expires)


def test_add_years_keeps_the_day_or_takes_the_28th():
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def _daily_scans(first: dt.date, last: dt.date) -> None:
    day = first
    while day <= last:
        moment = dt.datetime(day.year, day.month, day.day, 8, tzinfo=SHANGHAI)
        with time_machine.travel(moment, tick=False):
            engine.scan(moment, rules=["certificate_due"])
        day += dt.timedelta(days=1)


def test_it_reminds_at_90_60_and_30_days_once_each_across_the_new_year(world):
    # Issued on a leap day: the review falls due on 2027-02-28; the 90-day step is on 2026-11-30.
    certificate = CertificateFactory(
        enterprise=world.enterprise_a, issued_on=dt.date(2024, 2, 29), expires_on=dt.date(2030, 2, 28)
    )
    _daily_scans(dt.date(2026, 11, 25), dt.date(2027, 3, 5))
    rows = Reminder.objects.filter(rule="certificate_due", object_key=f"certificate:{certificate.pk}")
    periods = sorted(set(rows.values_list("period", flat=True)))
    assert periods == ["review:2027-02-28:30", "review:2027-02-28:60", "review:2027-02-28:90"]
    first_day = {p: rows.filter(period=p).values_list("created_at", flat=True).first().date() for p in periods}
    assert first_day["review:2027-02-28:90"] == dt.date(2026, 11, 30)
    assert first_day["review:2027-02-28:60"] == dt.date(2026, 12, 30)
    assert first_day["review:2027-02-28:30"] == dt.date(2027, 1, 29)
    # To the enterprise contact and the office, each step once.
    assert set(rows.values_list("user__username", flat=True)) == {"ent_a", "office"}
    assert rows.count() == 6


def test_a_review_recorded_stops_the_reminders_and_a_late_entry_gets_only_the_latest_step(world):
    from readiness import training_services as services

    certificate = CertificateFactory(
        enterprise=world.enterprise_b, issued_on=dt.date(2023, 3, 1), expires_on=dt.date(2029, 2, 28)
    )
    # First scan 45 days before the review (2026-03-01): only the 60-day step.
    _daily_scans(dt.date(2026, 1, 15), dt.date(2026, 1, 16))
    periods = set(Reminder.objects.filter(rule="certificate_due").values_list("period", flat=True))
    assert periods == {"review:2026-03-01:60"}
    services.certificate_review(actor=world.office, certificate=certificate, reviewed_on=dt.date(2026, 1, 20))
    certificate.refresh_from_db()
    assert certificate.review_due_on == dt.date(2029, 1, 20) and certificate.next_due_on == dt.date(2029, 1, 20)
    _daily_scans(dt.date(2026, 1, 21), dt.date(2026, 3, 5))
    assert (
        Reminder.objects.filter(rule="certificate_due").count()
        == Reminder.objects.filter(period="review:2026-03-01:60").count()
    )


def _seed(world):
    return {
        "a": CertificateFactory(enterprise=world.enterprise_a, holder="甲"),
        "b": CertificateFactory(enterprise=world.enterprise_b, holder="乙"),
        "other": CertificateFactory(enterprise=world.enterprise_other, holder="丙"),
    }


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("office", {"a", "b"}),
        ("leader", {"a", "b"}),
        ("dept_a", {"a"}),
        ("village_b_officer", {"b"}),
        ("ent_a", {"a"}),
        ("ent_b", {"b"}),
        ("other_office", {"other"}),
        ("county", {"a", "b", "other"}),
    ],
)
def test_the_list_shows_each_role_its_own(world, client_for, role, seen):
    certificates = _seed(world)
    html = client_for(getattr(world, role)).get(reverse("readiness:certificate_list")).content.decode()
    shown = {key for key, c in certificates.items() if c.number in html}
    assert shown == seen


def test_only_the_office_of_the_township_changes_a_certificate(world, client_for):
    certificates = _seed(world)
    url = reverse("readiness:certificate_edit", args=[certificates["a"].pk])
    assert client_for(world.office).get(url).status_code == 200
    for role in ("ent_a", "dept_a", "leader", "other_office", "county"):
        assert client_for(getattr(world, role)).get(url).status_code == 404, role


def test_the_due_and_overdue_filters(world, client_for):
    today = dt.date(2026, 6, 1)
    due = CertificateFactory(
        enterprise=world.enterprise_a, issued_on=dt.date(2023, 7, 1), expires_on=dt.date(2029, 6, 30)
    )
    late = CertificateFactory(
        enterprise=world.enterprise_a, issued_on=dt.date(2023, 5, 1), expires_on=dt.date(2029, 4, 30)
    )
    fine = CertificateFactory(
        enterprise=world.enterprise_a, issued_on=dt.date(2025, 1, 1), expires_on=dt.date(2031, 1, 1)
    )
    client = client_for(world.office)
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=SHANGHAI), tick=False):
        assert today
        due_html = client.get(reverse("readiness:certificate_list"), {"state": "due"}).content.decode()
        late_html = client.get(reverse("readiness:certificate_list"), {"state": "overdue"}).content.decode()
        bad = client.get(reverse("readiness:certificate_list"), {"state": "x" * 100, "q": "y" * 500})
    assert due.number in due_html and late.number not in due_html and fine.number not in due_html
    assert late.number in late_html and due.number not in late_html
    assert bad.status_code == 200


def test_bad_dates_are_refused_with_a_message_and_nothing_saved(world, client_for):
    client = client_for(world.office)
    data = {
        "enterprise": world.enterprise_a.pk,
        "holder": "王五",
        "operation": "welding",
        "number": "T1",
        "issued_on": "2025-01-01",
        "expires_on": "2024-01-01",
    }
    response = client.post(reverse("readiness:certificate_create"), data)
    assert response.status_code == 200 and not Certificate.objects.exists()
    for bad in ("0001-01-01", "2025-02-30", "abc"):
        response = client.post(reverse("readiness:certificate_create"), {**data, "issued_on": bad})
        assert response.status_code == 200 and not Certificate.objects.exists()
    response = client.post(reverse("readiness:certificate_create"), {**data, "expires_on": "2031-01-01"})
    assert response.status_code == 302 and Certificate.objects.get().next_due_on == dt.date(2028, 1, 1)


def _roster(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "单位名称", "作业类别", "证书编号", "初领日期", "有效期至", "最近复审日期"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "roster.xlsx"
    return out


def test_the_roster_import_checks_then_imports_and_lists_errors(world, client_for):
    client = client_for(world.office)
    url = reverse("readiness:certificate_import")
    good = [
        ["赵六", world.enterprise_a.name, "电工作业", "T100", "2024-02-29", "2030-02-28", ""],
        ["钱七", world.enterprise_b.name, "焊工", "T101", "2022.1.5", "2028.1.4", "2025-01-04"],
    ]
    response = client.post(url, {"file": _roster(good), "dry_run": "1"})
    assert response.status_code == 200 and not Certificate.objects.exists()
    response = client.post(url, {"file": _roster(good)})
    assert response.status_code == 302 and Certificate.objects.count() == 2
    assert Certificate.objects.get(number="T100").review_due_on == dt.date(2027, 2, 28)
    bad = [
        ["孙八", world.enterprise_other.name, "电工作业", "T200", "2024-01-01", "2030-01-01", ""],  # other township
        ["周九", world.enterprise_a.name, "开飞机", "T201", "2024-01-01", "2023-01-01", ""],
    ]
    response = client.post(url, {"file": _roster(bad)})
    html = response.content.decode()
    assert response.status_code == 200 and Certificate.objects.count() == 2
    assert "单位名称" in html and "作业类别" in html and "有效期至" in html
    assert client_for(world.ent_a).get(url).status_code == 404


def test_the_demo_command_is_idempotent_and_every_demo_certificate_has_its_deadline(world):
    from django.core.management import call_command

    call_command("load_demo_readiness_training")
    counts = (Certificate.objects.count(), TrainingSession.objects.count(), Attendee.objects.count())
    call_command("load_demo_readiness_training")
    assert counts == (Certificate.objects.count(), TrainingSession.objects.count(), Attendee.objects.count())
    assert counts[0] > 0
    for certificate in Certificate.objects.all():
        assert certificate.next_due_on == (certificate.review_due_on or certificate.expires_on)
