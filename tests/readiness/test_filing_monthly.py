"""Monthly reports and zero reports: due dates across month and year ends, misses, scope, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.errors import WorkflowError
from readiness import filing_selectors as sel
from readiness.filing_services import filing_settings_update, monthly_report_submit
from readiness.models.filing import MonthlyReport
from tests.factories import HazardFactory

SH = dt.timezone(dt.timedelta(hours=8))


def at(day: str) -> time_machine.travel:
    return time_machine.travel(dt.datetime.fromisoformat(day + "T10:00").replace(tzinfo=SH), tick=False)


def test_it_dues_the_month_on_the_due_day_of_the_next_month() -> None:
    assert sel.due_date(dt.date(2024, 12, 1), 5) == dt.date(2025, 1, 5)
    assert sel.due_date(dt.date(2024, 1, 1), 28) == dt.date(2024, 2, 28)
    assert sel.report_month(dt.date(2025, 1, 3)) == dt.date(2024, 12, 1)
    assert sel.report_month(dt.date(2024, 3, 1)) == dt.date(2024, 2, 1)


def test_it_counts_december_reported_in_january_as_on_time_and_after_the_fifth_as_missed(world) -> None:
    with at("2025-01-05"):
        monthly_report_submit(
            target=world.village_a, month=dt.date(2024, 12, 1), actor=world.village_a_officer, hazards_found=0
        )
    with at("2025-01-06"):
        monthly_report_submit(
            target=world.village_b, month=dt.date(2024, 12, 1), actor=world.village_b_officer, hazards_found=2
        )
        targets = sel.reporters(world.township.pk)
        lines = {
            line.target.key: line.state
            for line in sel.month_lines(world.township.pk, dt.date(2024, 12, 1), targets, dt.date(2025, 1, 6))
        }
    assert lines[f"v:{world.village_a.pk}"] == sel.REPORTED
    assert lines[f"v:{world.village_b.pk}"] == sel.LATE
    assert lines[f"u:{world.unit_a.pk}"] == sel.MISSING


def test_it_counts_misses_per_year_as_recounted_by_hand(world) -> None:
    # village_a reports January and February 2024 on time, March late; nothing else. Today 2024-06-10: the months
    # January … May are past their due day (May's was 2024-06-05), June is not.
    with at("2024-02-02"):
        monthly_report_submit(
            target=world.village_a, month=dt.date(2024, 1, 1), actor=world.village_a_officer, hazards_found=0
        )
    with at("2024-03-05"):
        monthly_report_submit(
            target=world.village_a, month=dt.date(2024, 2, 1), actor=world.village_a_officer, hazards_found=1
        )
    with at("2024-04-09"):
        monthly_report_submit(
            target=world.village_a, month=dt.date(2024, 3, 1), actor=world.village_a_officer, hazards_found=0
        )
    targets = sel.reporters(world.township.pk)
    misses = sel.misses_per_year(world.township.pk, 2024, targets, dt.date(2024, 6, 10))
    assert misses[f"v:{world.village_a.pk}"] == 5 - 2  # March late, April and May missing
    assert misses[f"v:{world.village_b.pk}"] == 5
    # A later due day (the 10th), in force since January, makes March on time and May not yet due.
    with at("2024-01-02"):
        filing_settings_update(
            township=world.township, actor=world.office, villages_report=True, units_report="duties", due_day=10
        )
    misses = sel.misses_per_year(world.township.pk, 2024, targets, dt.date(2024, 6, 10))
    assert misses[f"v:{world.village_a.pk}"] == 1  # April only


def test_it_follows_the_settings_on_who_reports(world) -> None:
    keys = {t.key for t in sel.reporters(world.township.pk)}
    # Villages and units with supervision or sector duties; not unit_b (other duties), not the office itself.
    assert keys == {f"v:{world.village_a.pk}", f"v:{world.village_b.pk}", f"u:{world.unit_a.pk}"}
    filing_settings_update(
        township=world.township, actor=world.office, villages_report=False, units_report="all", due_day=5
    )
    keys = {t.key for t in sel.reporters(world.township.pk)}
    assert keys == {f"u:{world.unit_a.pk}", f"u:{world.unit_b.pk}"}


@at("2024-05-02")
def test_it_refuses_what_is_not_the_users_to_report(world) -> None:
    april = dt.date(2024, 4, 1)
    with pytest.raises(WorkflowError):
        monthly_report_submit(target=world.village_b, month=april, actor=world.village_a_officer, hazards_found=0)
    with pytest.raises(WorkflowError):  # the current month has not ended
        monthly_report_submit(
            target=world.village_a, month=dt.date(2024, 5, 1), actor=world.village_a_officer, hazards_found=0
        )
    with pytest.raises(WorkflowError):  # unit_b does not report (other duties)
        monthly_report_submit(target=world.unit_b, month=april, actor=world.dept_b, hazards_found=0)
    monthly_report_submit(target=world.village_a, month=april, actor=world.village_a_officer, hazards_found=0)
    with pytest.raises(WorkflowError):  # once per month
        monthly_report_submit(target=world.village_a, month=april, actor=world.village_a_officer, hazards_found=3)
    assert MonthlyReport.objects.count() == 1


@at("2024-05-02")
def test_it_sends_a_zero_report_with_one_tap_and_leaves_the_queue(world, client_for) -> None:
    client = client_for(world.village_a_officer)
    assert b'data-key="readiness.monthly_to_file"' in client.get(reverse("home")).content
    page = client.get(reverse("readiness:monthly_reports"))
    assert page.status_code == 200
    assert f'data-testid="line-v:{world.village_a.pk}"'.encode() in page.content
    assert f'data-testid="line-v:{world.village_b.pk}"'.encode() not in page.content  # not theirs
    response = client.post(
        reverse("readiness:monthly_report_zero"), {"target": f"v:{world.village_a.pk}", "month": "2024-04"}
    )
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert (report.village, report.hazards_found, report.month) == (world.village_a, 0, dt.date(2024, 4, 1))
    assert b'data-key="readiness.monthly_to_file"' not in client.get(reverse("home")).content


@at("2024-05-02")
@pytest.mark.parametrize(
    "data",
    [
        {"target": "v:999999", "month": "2024-04"},
        {"target": "x", "month": "2024-04"},
        {"target": "v:1", "month": "2024-13"},
        {"target": "v:1", "month": "99999-01"},
        {},
    ],
)
def test_it_refuses_bad_zero_reports_without_a_500(world, client_for, data) -> None:
    response = client_for(world.village_a_officer).post(reverse("readiness:monthly_report_zero"), data)
    assert response.status_code == 302
    assert not MonthlyReport.objects.exists()


@at("2024-05-02")
def test_it_refuses_a_bad_count(world, client_for) -> None:
    client = client_for(world.village_a_officer)
    for count in ("-1", "10000", "abc"):
        data = {"target": f"v:{world.village_a.pk}", "month": "2024-04", "hazards_found": count}
        assert client.post(reverse("readiness:monthly_report_new"), data).status_code == 200
    assert not MonthlyReport.objects.exists()


@at("2024-05-02")
def test_it_shows_the_hazards_registered_in_the_month(world) -> None:
    HazardFactory(village=world.village_a, sector=world.sector_a, found_on=dt.date(2024, 4, 30))
    HazardFactory(village=world.village_a, sector=world.sector_a, found_on=dt.date(2024, 5, 1))
    target = sel.Target(world.village_a)
    assert sel.hazards_of_month(target, dt.date(2024, 4, 1)).count() == 1


@at("2024-05-02")
def test_it_shows_nothing_to_enterprises_and_county_departments(world, client_for) -> None:
    for user in (world.ent_a, world.county_dept):
        client = client_for(user)
        for name in (
            "readiness:monthly_reports",
            "readiness:monthly_misses",
            "readiness:filing_rounds",
            "readiness:monthly_report_new",
        ):
            assert client.get(reverse(name)).status_code == 404
    assert client_for(world.village_a_officer).get(reverse("readiness:monthly_settings")).status_code == 404


@at("2024-05-02")
def test_the_office_sees_every_reporter_and_the_other_township_none(world, client_for) -> None:
    page = client_for(world.office).get(reverse("readiness:monthly_reports"))
    assert page.content.count(b'data-testid="line-') == 3
    other = client_for(world.other_office).get(reverse("readiness:monthly_reports"))
    assert f"line-v:{world.village_a.pk}".encode() not in other.content
