"""Past months judged by who existed then and the settings then; corrections of a sent report; constant query counts
of the round and monthly pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import WorkflowError
from core.files import check_upload
from readiness import filing_selectors as sel
from readiness.filing_services import (
    filing_round_create,
    filing_settings_update,
    monthly_report_correct,
    monthly_report_submit,
    work_plan_file,
)
from readiness.models.filing import MonthlyReport, MonthlyReportEvent
from tests.factories import AssignmentFactory, UnitFactory, UserFactory, VillageFactory
from units.models import DutyKind, Role

SH = dt.timezone(dt.timedelta(hours=8))


def at(day: str) -> time_machine.travel:
    return time_machine.travel(dt.datetime.fromisoformat(day + "T10:00").replace(tzinfo=SH), tick=False)


def test_a_village_created_later_is_no_miss_of_earlier_months(world) -> None:
    with at("2024-06-15"):  # a new village, created in June 2024
        new = VillageFactory.create(township=world.township, name="新村")
    key = f"v:{new.pk}"
    today = dt.date(2024, 9, 10)  # January … August are past their due day
    targets = sel.reporters(world.township.pk)
    misses = sel.misses_per_year(world.township.pk, 2024, targets, today)
    assert misses[key] == 3  # June, July, August — not January … May
    assert misses[f"v:{world.village_a.pk}"] == 8
    assert sel.should_did(world.township.pk, dt.date(2024, 5, 1)) == (3, 0)  # village_a, village_b, unit_a
    assert sel.should_did(world.township.pk, dt.date(2024, 6, 1)) == (4, 0)
    assert sel.year_should_did(world.township.pk, dt.date(2024, 8, 1)) == (3 * 5 + 4 * 3, 0)
    officer = UserFactory.create(username="new_village")
    AssignmentFactory.create(user=officer, role=Role.VILLAGE, township=world.township, village=new)
    with at("2024-07-02"), pytest.raises(WorkflowError):  # May: the village did not exist yet
        monthly_report_submit(target=new, month=dt.date(2024, 5, 1), actor=officer, hazards_found=0)
    with at("2024-07-02"):
        monthly_report_submit(target=new, month=dt.date(2024, 6, 1), actor=officer, hazards_found=0)
    assert sel.should_did(world.township.pk, dt.date(2024, 6, 1)) == (4, 1)


def test_a_past_month_follows_the_settings_in_force_then(world) -> None:
    with at("2024-03-15"):  # from March on, no unit reports, and reports are due by the 10th
        filing_settings_update(
            township=world.township, actor=world.office, villages_report=True, units_report="none", due_day=10
        )
    book = sel.Reporters(world.township.pk)
    unit = f"u:{world.unit_a.pk}"
    assert unit in {t.key for t in book.for_month(dt.date(2024, 2, 1))}
    assert unit not in {t.key for t in book.for_month(dt.date(2024, 3, 1))}
    assert (book.due(dt.date(2024, 2, 1)), book.due(dt.date(2024, 3, 1))) == (dt.date(2024, 3, 5), dt.date(2024, 4, 10))
    misses = sel.misses_per_year(world.township.pk, 2024, sel.reporters(world.township.pk), dt.date(2024, 6, 1))
    assert misses[f"v:{world.village_a.pk}"] == 4  # January … April (May's is due 6-10)
    # unit_a, no longer a reporter now, still missed January and February: counted where it is listed.
    assert sel.misses_per_year(world.township.pk, 2024, [sel.Target(world.unit_a)], dt.date(2024, 6, 1)) == {unit: 2}


def test_a_sent_report_is_corrected_until_the_due_day_with_its_history(world, client_for) -> None:
    april = dt.date(2024, 4, 1)
    with at("2024-05-02"):
        report = monthly_report_submit(
            target=world.village_a, month=april, actor=world.village_a_officer, hazards_found=0
        )
    with at("2024-05-05"):
        with pytest.raises(WorkflowError):  # not theirs
            monthly_report_correct(report_id=report.pk, actor=world.village_b_officer, hazards_found=2)
        monthly_report_correct(report_id=report.pk, actor=world.village_a_officer, hazards_found=2, note="补报两处")
        page = client_for(world.office).get(reverse("readiness:monthly_reports"), {"month": "2024-04"})
        assert b'data-testid="report-corrected"' in page.content
        assert page.content.count(b'data-testid="history-') == 2
        assert (
            client_for(world.village_b_officer)
            .get(reverse("readiness:monthly_report_correct", args=[report.pk]))
            .status_code
            == 404
        )
    with at("2024-05-06"), pytest.raises(WorkflowError):  # the due day has passed
        monthly_report_correct(report_id=report.pk, actor=world.village_a_officer, hazards_found=3)
    report.refresh_from_db()
    assert (report.hazards_found, report.note) == (2, "补报两处")
    assert list(MonthlyReportEvent.objects.filter(report=report).values_list("action", "hazards_found")) == [
        ("send", 0),
        ("correct", 2),
    ]
    with at("2024-05-04"):  # through the page: the form, then back to the month
        client = client_for(world.village_a_officer)
        url = reverse("readiness:monthly_report_correct", args=[report.pk])
        assert client.get(url).status_code == 200
        assert client.post(url, {"hazards_found": "10000"}).status_code == 200  # bounded, no 500
        assert client.post(url, {"hazards_found": "1"}).status_code == 302
    assert MonthlyReport.objects.get(pk=report.pk).hazards_found == 1


def _grow(world, n: int) -> None:
    """n more villages and duty units, each with an officer who reported last month and filed a plan."""
    for i in range(n):
        village = VillageFactory.create(township=world.township, name=f"加村{i}")
        unit = UnitFactory.create(township=world.township, name=f"加单位{i}", duty_kind=DutyKind.SECTOR)
        for target, role, field in ((village, Role.VILLAGE, "village"), (unit, Role.DEPARTMENT, "unit")):
            user = UserFactory.create()
            AssignmentFactory.create(user=user, role=role, township=world.township, **{field: target})
            MonthlyReport.objects.create(
                township=world.township, month=dt.date(2024, 4, 1), hazards_found=i, reported_by=user,
                **{field: target},
            )  # fmt: skip


def _queries(client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@at("2024-05-03")
def test_the_round_and_monthly_pages_take_the_same_queries_however_many_lines(world, client_for) -> None:
    round_ = filing_round_create(
        township=world.township, actor=world.office, title="计划", deadline=dt.date(2024, 3, 10),
        for_villages=True, for_units=True,
    )  # fmt: skip

    def pdf() -> SimpleUploadedFile:
        return SimpleUploadedFile("plan.pdf", b"%PDF-1.4\ntrailer<<>>\n%%EOF\n")

    work_plan_file(round=round_, target=world.village_a, actor=world.village_a_officer, files=[check_upload(pdf())])
    monthly_report_submit(
        target=world.village_a, month=dt.date(2024, 4, 1), actor=world.village_a_officer, hazards_found=0
    )
    client = client_for(world.office)
    pages = (
        (reverse("readiness:filing_round", args=[round_.pk]), {}),
        (reverse("readiness:monthly_reports"), {"month": "2024-04"}),
    )
    client.get(pages[0][0])  # warm the session and caches
    small = [_queries(client, url, params) for url, params in pages]
    _grow(world, 6)
    from tests.readiness.backdate import date_back_creation

    date_back_creation()
    for plan_target in MonthlyReport.objects.filter(month=dt.date(2024, 4, 1)).exclude(village=world.village_a)[:4]:
        target = plan_target.village or plan_target.unit
        work_plan_file(round=round_, target=target, actor=plan_target.reported_by, files=[check_upload(pdf())])
    page = client.get(pages[1][0], pages[1][1])
    assert page.content.count(b'data-testid="line-') == 3 + 12
    assert [_queries(client, url, params) for url, params in pages] == small
    assert max(small) <= 25
