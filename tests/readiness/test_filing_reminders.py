"""Reminders of work-plan deadlines and monthly reports: timing across the month and year ends, once each."""

from __future__ import annotations

import datetime as dt

from readiness.filing_services import filing_round_create, monthly_report_submit
from reminders.engine import scan
from reminders.models import Reminder

SH = dt.timezone(dt.timedelta(hours=8))
RULES = ["work_plan_due", "work_plan_overdue", "monthly_report_due", "monthly_report_overdue"]


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, 8, tzinfo=SH)


def test_it_reminds_work_plans_before_and_after_the_deadline(world) -> None:
    filing_round_create(
        township=world.township, actor=world.office, title="计划", deadline=dt.date(2024, 3, 10),
        for_villages=True, for_units=False,
    )  # fmt: skip
    assert not scan(at(2024, 3, 6), rules=["work_plan_due"]).created
    assert len(scan(at(2024, 3, 7), rules=["work_plan_due"]).created) == 2  # village_a's and village_b's officers
    assert not scan(at(2024, 3, 8), rules=["work_plan_due"]).created  # once
    assert not scan(at(2024, 3, 10), rules=["work_plan_overdue"]).created
    assert len(scan(at(2024, 3, 11), rules=["work_plan_overdue"]).created) == 2


def test_it_reminds_decembers_report_in_january(world) -> None:
    # Reporters: village_a, village_b (one officer each), unit_a (dept_a).
    assert len(scan(at(2025, 1, 1), rules=["monthly_report_due"]).created) == 3
    monthly_report_submit(
        target=world.village_a, month=dt.date(2024, 12, 1), actor=world.village_a_officer, hazards_found=0
    )
    assert not scan(at(2025, 1, 5), rules=["monthly_report_overdue"]).created  # due day itself
    created = scan(at(2025, 1, 6), rules=["monthly_report_overdue"]).created
    assert {r.user.username for r in Reminder.objects.filter(pk__in=created)} == {"village_b", "dept_a"}
    assert all("2024-12" in r.title for r in Reminder.objects.filter(pk__in=created))


def test_the_demo_command_is_idempotent(world) -> None:
    from django.core.management import call_command

    from readiness.models.filing import FilingRound, MonthlyReport, WorkPlan

    call_command("load_demo_readiness_filing")
    counts = (FilingRound.objects.count(), WorkPlan.objects.count(), MonthlyReport.objects.count())
    call_command("load_demo_readiness_filing")
    assert (FilingRound.objects.count(), WorkPlan.objects.count(), MonthlyReport.objects.count()) == counts
    assert FilingRound.objects.filter(deadline=dt.date(2024, 3, 10)).count() == 2
