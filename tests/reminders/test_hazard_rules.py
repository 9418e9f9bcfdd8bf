"""The hazard rules: rectification deadlines (7, 3, 1 days before and the first overdue day, by the calendar of
Asia/Shanghai), the §18 registration notice, listed hazards past their date; who receives each; each once."""

from __future__ import annotations

import datetime as dt
import os
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery._state import _set_task_join_will_block, task_join_will_block
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse

from hazards import services
from hazards.models import Hazard, Listing, Status
from inspections.models import Inspection
from reminders import engine
from reminders.models import Delivery, Reminder, SmsMessage
from tests.factories import HazardFactory
from tests.hazards.conftest import checked

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
HAZARD_RULES = ["rectification_deadline", "hazard_registered", "listing_overdue"]
RESPONSIBLE_PHONE = "13912345678"
FIVE = {
    "measures": "清理疏散通道",
    "responsible_person": "王五",
    "responsible_phone": RESPONSIBLE_PHONE,
    "funds": Decimal("5000"),
    "contingency_plan": "整改期间设专人值守",
}


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A moment on the wall clock of Shanghai."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


def rectifying(world, deadline: dt.date, **fields) -> Hazard:
    """A hazard of enterprise A (village A, sector A, lead unit A) under rectification."""
    values = {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a,
              "status": Status.RECTIFYING, "deadline": deadline, "found_on": deadline - dt.timedelta(days=60),
              **FIVE}  # fmt: skip
    values.update(fields)
    return HazardFactory.create(**values)


def scan_at(moment: dt.datetime, rules=HAZARD_RULES) -> engine.ScanResult:
    """Run the scan with the clock set to this moment (the scan reads the clock itself)."""
    with time_machine.travel(moment, tick=False):
        return engine.scan(rules=rules)


def periods(hazard: Hazard, rule: str = "rectification_deadline") -> set[str]:
    return set(Reminder.objects.filter(rule=rule, object_key=f"hazard:{hazard.pk}").values_list("period", flat=True))


def recipients(rule: str, period: str) -> tuple[list[str], list[str]]:
    """(usernames, bare phone numbers) that received this reminder."""
    qs = Reminder.objects.filter(rule=rule, period=period)
    names = sorted(qs.filter(user__isnull=False).values_list("user__username", flat=True))
    phones = sorted(qs.filter(user__isnull=True).values_list("phone", flat=True))
    return names, phones


# -- rectification deadlines ----------------------------------------------------------------------------------

DEADLINE = dt.date(2026, 12, 10)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 12, 2, 23, 59), set()),
        (at(2026, 12, 3, 0, 30), {"d-7:2026-12-10"}),  # still 2 December in UTC: the Shanghai calendar counts
        (at(2026, 12, 3, 8, 0), {"d-7:2026-12-10"}),
        (at(2026, 12, 6, 23, 59), {"d-7:2026-12-10"}),  # a scan that missed the 3rd still sends the d-7 one
        (at(2026, 12, 7, 0, 0), {"d-3:2026-12-10"}),
        (at(2026, 12, 8, 18, 0), {"d-3:2026-12-10"}),
        (at(2026, 12, 9, 8, 0), {"d-1:2026-12-10"}),
        (at(2026, 12, 10, 8, 0), set()),  # the deadline day itself: the d-1 reminder was the last before it
        (at(2026, 12, 10, 23, 59), set()),
        (at(2026, 12, 11, 0, 0), {"overdue:2026-12-10"}),
        (at(2027, 1, 20, 8, 0), {"overdue:2026-12-10"}),
    ],
    ids=lambda v: v.isoformat() if isinstance(v, dt.datetime) else None,
)
def test_a_deadline_is_announced_in_its_window_by_the_shanghai_calendar(world, moment, expected):
    hazard = rectifying(world, DEADLINE)
    scan_at(moment)
    assert periods(hazard) == expected


def test_a_deadline_is_announced_7_3_1_days_before_and_on_the_first_overdue_day_each_once(world):
    hazard = rectifying(world, DEADLINE)
    new_on: dict[str, list[str]] = {}
    day = dt.date(2026, 11, 28)
    while day <= dt.date(2026, 12, 20):
        for hour, minute in [(0, 1), (8, 0), (23, 59)]:  # three scans a day find nothing new after the first
            before = periods(hazard)
            scan_at(at(day.year, day.month, day.day, hour, minute))
            for period in sorted(periods(hazard) - before):
                new_on.setdefault(period.split(":")[0], []).append(day.isoformat())
        day += dt.timedelta(days=1)
    assert new_on == {"d-7": ["2026-12-03"], "d-3": ["2026-12-07"], "d-1": ["2026-12-09"], "overdue": ["2026-12-11"]}
    # three users and the phone for each of the three before, the office too when overdue
    assert Reminder.objects.filter(rule="rectification_deadline").count() == 3 * 4 + 5


@pytest.mark.parametrize(
    ("deadline", "first_days"),
    [
        # the end of a year and of a quarter
        (
            dt.date(2026, 12, 31),
            {"d-7": "2026-12-24", "d-3": "2026-12-28", "d-1": "2026-12-30", "overdue": "2027-01-01"},
        ),
        # the first day of a quarter: the reminders fall in the quarter before
        (dt.date(2026, 4, 1), {"d-7": "2026-03-25", "d-3": "2026-03-29", "d-1": "2026-03-31", "overdue": "2026-04-02"}),
        # the end of February in a common year and in a leap year
        (dt.date(2027, 3, 1), {"d-7": "2027-02-22", "d-3": "2027-02-26", "d-1": "2027-02-28", "overdue": "2027-03-02"}),
        (dt.date(2028, 3, 1), {"d-7": "2028-02-23", "d-3": "2028-02-27", "d-1": "2028-02-29", "overdue": "2028-03-02"}),
        # the end of a 30-day month
        (dt.date(2026, 7, 1), {"d-7": "2026-06-24", "d-3": "2026-06-28", "d-1": "2026-06-30", "overdue": "2026-07-02"}),
    ],
    ids=lambda v: v.isoformat() if isinstance(v, dt.date) else None,
)
def test_the_windows_follow_the_calendar_across_month_quarter_and_year_ends(world, deadline, first_days):
    hazard = rectifying(world, deadline)
    new_on: dict[str, str] = {}
    day = deadline - dt.timedelta(days=10)
    while day <= deadline + dt.timedelta(days=3):
        before = periods(hazard)
        scan_at(at(day.year, day.month, day.day, 0, 5))  # five past midnight in Shanghai: the day before in UTC
        for period in periods(hazard) - before:
            new_on[period.split(":")[0]] = day.isoformat()
        day += dt.timedelta(days=1)
    assert new_on == first_days


def test_the_deadline_reminders_go_to_the_enterprise_the_village_the_lead_unit_and_the_responsible_phone(world):
    hazard = rectifying(world, DEADLINE)
    rectifying(world, DEADLINE, village=world.village_b, sector=world.sector_b, enterprise=world.enterprise_b,
               responsible_phone="13700000009")  # fmt: skip
    scan_at(at(2026, 12, 3, 8, 0))
    own = Reminder.objects.filter(object_key=f"hazard:{hazard.pk}")
    names = sorted(own.filter(user__isnull=False).values_list("user__username", flat=True))
    assert names == ["dept_a", "ent_a", "village_a"]
    assert list(own.filter(user__isnull=True).values_list("phone", flat=True)) == [RESPONSIBLE_PHONE]
    other = Reminder.objects.exclude(object_key=f"hazard:{hazard.pk}")
    assert sorted(other.filter(user__isnull=False).values_list("user__username", flat=True)) == [
        "dept_b", "ent_b", "village_b",
    ]  # fmt: skip
    assert not Reminder.objects.filter(user__username__in=["office", "leader", "other_office", "admin"]).exists()
    reminder = own.get(user=world.village_a_officer)
    assert reminder.url == hazard.get_absolute_url()
    assert hazard.title in reminder.title and "7" in reminder.title
    assert reminder.township == world.township


def test_the_overdue_reminder_also_goes_to_the_township_safety_office(world):
    rectifying(world, DEADLINE)
    scan_at(at(2026, 12, 11, 8, 0))
    assert recipients("rectification_deadline", "overdue:2026-12-10") == (
        ["dept_a", "ent_a", "office", "village_a"],
        [RESPONSIBLE_PHONE],
    )
    assert not Reminder.objects.filter(user__in=[world.other_office, world.leader]).exists()


def test_without_a_responsible_phone_no_text_message_is_due(world):
    rectifying(world, DEADLINE, responsible_phone="")
    scan_at(at(2026, 12, 3, 8, 0))
    assert not Reminder.objects.filter(user__isnull=True).exists()
    assert Reminder.objects.count() == 3


def test_the_responsible_person_gets_a_text_message_and_the_users_an_e_mail_after_delivery(
    world, django_capture_on_commit_callbacks
):
    world.ent_a.email = "ent_a@example.com"
    world.ent_a.save()
    hazard = rectifying(world, DEADLINE, title="仓库消防通道堵塞")
    with django_capture_on_commit_callbacks(execute=True):
        scan_at(at(2026, 12, 9, 8, 0))
    sms = SmsMessage.objects.get()
    assert sms.phone == RESPONSIBLE_PHONE
    assert sms.text == (
        "【刘圩镇应急办】“仓库消防通道堵塞”须在 1 天内（2026-12-10 前）整改完毕。刘圩建筑工程有限公司：清理疏散通道"
    )
    assert sms.reminder.period == "d-1:2026-12-10"
    assert sms.reminder.sms_state == Delivery.SENT
    assert [m.to for m in mail.outbox] == [["ent_a@example.com"]]
    assert "仓库消防通道堵塞" in mail.outbox[0].subject
    emailed = Reminder.objects.get(user=world.ent_a)
    assert f"{settings.SITE_URL}{reverse('reminders:open', args=[emailed.pk])}" in mail.outbox[0].body
    assert emailed.url == hazard.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        scan_at(at(2026, 12, 9, 20, 0))
    assert SmsMessage.objects.count() == 1 and len(mail.outbox) == 1


def test_a_hazard_without_a_deadline_or_not_yet_registered_gets_no_deadline_reminder(world):
    rectifying(world, DEADLINE, status=Status.REPORTED)
    HazardFactory(village=world.village_a, sector=world.sector_a, status=Status.CONFIRMED, deadline=None)
    scan_at(at(2026, 12, 11, 8, 0))
    assert not Reminder.objects.exists()


# -- a closed hazard ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.VERIFIED, Status.CLOSED, Status.DISMISSED])
def test_a_hazard_that_is_accepted_closed_or_dismissed_gets_no_more_reminders(world, status):
    hazard = rectifying(world, DEADLINE)
    scan_at(at(2026, 12, 3, 8, 0))
    assert periods(hazard) == {"d-7:2026-12-10"}
    Hazard.objects.filter(pk=hazard.pk).update(status=status)
    for moment in [at(2026, 12, 7, 8, 0), at(2026, 12, 9, 8, 0), at(2026, 12, 11, 8, 0), at(2027, 3, 1, 8, 0)]:
        assert scan_at(moment).created == []
    assert periods(hazard) == {"d-7:2026-12-10"}


def test_a_hazard_closed_through_the_workflow_stops_its_reminders(world, django_capture_on_commit_callbacks):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                           reported_by=world.village_a_officer)  # fmt: skip
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.hazard_confirm(hazard_id=hazard.pk, actor=world.office, level="general", hazard_type="fire")
        services.hazard_start_rectification(hazard_id=hazard.pk, actor=world.office, deadline=DEADLINE, **FIVE)
    scan_at(at(2026, 12, 3, 8, 0))
    assert periods(hazard) == {"d-7:2026-12-10"}
    with time_machine.travel(at(2026, 12, 5, 9, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.hazard_request_acceptance(hazard_id=hazard.pk, actor=world.village_a_officer, photos=[checked()])
    scan_at(at(2026, 12, 7, 8, 0))
    assert periods(hazard) == {"d-7:2026-12-10", "d-3:2026-12-10"}  # awaiting acceptance: the deadline still runs
    with time_machine.travel(at(2026, 12, 8, 9, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.hazard_verify(hazard_id=hazard.pk, actor=world.dept_a)
        services.hazard_close(hazard_id=hazard.pk, actor=world.office)
    for day in [9, 10, 11, 12, 20]:
        scan_at(at(2026, 12, day, 8, 0))
    assert periods(hazard) == {"d-7:2026-12-10", "d-3:2026-12-10"}


# -- the workflow runs the rules at once ----------------------------------------------------------------------


def test_registering_a_hazard_notifies_the_enterprise_and_texts_its_principal_and_controller_at_once(
    world, django_capture_on_commit_callbacks
):
    world.enterprise_a.principal_phone = "13800000001"
    world.enterprise_a.controller_phone = "137 0000 0002"
    world.enterprise_a.save()
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                           reported_by=world.village_a_officer, title="配电箱无漏电保护")  # fmt: skip
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.hazard_confirm(hazard_id=hazard.pk, actor=world.dept_a, level="general", hazard_type="industry")
    # on commit the workflow ran the rules about this hazard (no scan needed) and delivery followed
    assert recipients("hazard_registered", "registered") == (["ent_a"], ["13700000002", "13800000001"])
    assert sorted(SmsMessage.objects.values_list("phone", flat=True)) == ["13700000002", "13800000001"]
    assert all("配电箱无漏电保护" in text for text in SmsMessage.objects.values_list("text", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        scan_at(at(2026, 12, 1, 10, 0))
        scan_at(at(2026, 12, 2, 8, 0))
    assert Reminder.objects.filter(rule="hazard_registered").count() == 3
    assert SmsMessage.objects.count() == 2


def test_a_registration_notice_recorded_for_one_of_three_recipients_reaches_the_other_two(
    world, django_capture_on_commit_callbacks
):
    """The partial scan of issue 10: a scan stopped after the first recipient used to hide the hazard for good."""
    world.enterprise_a.principal_phone = "13800000001"
    world.enterprise_a.controller_phone = "13700000002"
    world.enterprise_a.save()
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                           status=Status.CONFIRMED, confirmed_at=at(2026, 12, 1, 9, 0))  # fmt: skip
    Reminder.objects.create(rule="hazard_registered", object_key=f"hazard:{hazard.pk}", object_id=hazard.pk,
                            period="registered", recipient_key="phone:13800000001", phone="13800000001",
                            title="已登记", sms_state=Delivery.SENT)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        result = scan_at(at(2026, 12, 1, 10, 0), rules=["hazard_registered"])
    assert (len(result.created), result.existing) == (2, 1)
    assert recipients("hazard_registered", "registered") == (["ent_a"], ["13700000002", "13800000001"])
    assert list(SmsMessage.objects.values_list("phone", flat=True)) == ["13700000002"]  # the first one not again


def test_nothing_is_sent_before_the_hazard_is_registered(world, django_capture_on_commit_callbacks):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a)
    scan_at(at(2026, 12, 1, 9, 0))
    assert not Reminder.objects.filter(object_key=f"hazard:{hazard.pk}").exists()
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.hazard_dismiss(hazard_id=hazard.pk, actor=world.office, note="不属于隐患")
    scan_at(at(2026, 12, 2, 9, 0))
    assert not Reminder.objects.exists()


def test_starting_rectification_close_to_the_deadline_reminds_at_once(world, django_capture_on_commit_callbacks):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a)
    with time_machine.travel(at(2026, 12, 8, 9, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.hazard_confirm(hazard_id=hazard.pk, actor=world.office, level="general", hazard_type="fire")
        services.hazard_start_rectification(hazard_id=hazard.pk, actor=world.office, deadline=DEADLINE, **FIVE)
    assert periods(hazard) == {"d-3:2026-12-10"}
    assert SmsMessage.objects.filter(phone=RESPONSIBLE_PHONE).count() == 1


def test_a_hazard_of_no_enterprise_or_registered_long_ago_gets_no_registration_notice(world):
    HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=None, location="刘圩村十字路口",
                  status=Status.CONFIRMED, confirmed_at=at(2026, 11, 30, 9, 0))  # fmt: skip
    old = HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                        status=Status.CONFIRMED, confirmed_at=at(2026, 10, 31, 9, 0))  # fmt: skip
    recent = HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                           status=Status.CONFIRMED, confirmed_at=at(2026, 11, 2, 9, 0))  # fmt: skip
    scan_at(at(2026, 12, 1, 8, 0), rules=["hazard_registered"])
    keys = set(Reminder.objects.values_list("object_key", flat=True))
    assert keys == {f"hazard:{recent.pk}"}
    assert f"hazard:{old.pk}" not in keys


# -- listed hazards -------------------------------------------------------------------------------------------


def listing(world, hazard: Hazard, required_by: dt.date, **fields) -> Listing:
    values = {"hazard": hazard, "level": "county", "document_number": "泗安办〔2026〕12号",
              "supervising_leader": "leader", "listed_on": dt.date(2026, 3, 1), "required_by": required_by,
              "listed_by": world.office}  # fmt: skip
    values.update(fields)
    return Listing.objects.create(**values)


def test_a_listed_hazard_past_its_required_date_goes_to_the_leader_and_the_office_once(world):
    hazard = rectifying(world, dt.date(2026, 9, 30), level="major")
    item = listing(world, hazard, dt.date(2026, 6, 30))
    scan_at(at(2026, 6, 30, 23, 59), rules=["listing_overdue"])
    assert not Reminder.objects.exists()
    scan_at(at(2026, 7, 1, 0, 1), rules=["listing_overdue"])
    assert recipients("listing_overdue", "overdue:2026-06-30") == (["leader", "office"], [])
    assert set(Reminder.objects.values_list("object_key", flat=True)) == {f"listing:{item.pk}"}
    assert Reminder.objects.get(user=world.leader).url == hazard.get_absolute_url()
    scan_at(at(2026, 7, 2, 8, 0), rules=["listing_overdue"])
    scan_at(at(2026, 10, 1, 8, 0), rules=["listing_overdue"])
    assert Reminder.objects.count() == 2


def test_a_delisted_or_closed_listed_hazard_gets_no_reminder(world):
    delisted = rectifying(world, dt.date(2026, 9, 30), level="major")
    listing(world, delisted, dt.date(2026, 6, 30), delisted_on=dt.date(2026, 6, 1), delisted_by=world.office)
    closed = rectifying(world, dt.date(2026, 9, 30), level="major", status=Status.CLOSED)
    listing(world, closed, dt.date(2026, 6, 30))
    scan_at(at(2026, 7, 1, 8, 0), rules=["listing_overdue"])
    assert not Reminder.objects.exists()


# -- inspections stay out of the hazard rules -----------------------------------------------------------------


def test_the_hazard_rules_say_nothing_about_planned_inspections(world):
    """§28 四不两直: the hazard rules read hazards and listings only, so a planned unannounced visit (or any other
    planned inspection) never shows up in what they send; the inspection rules are tested on their own."""
    for kind, channel in [("unannounced", "enforcement"), ("supervision", "supervision")]:
        Inspection.objects.create(
            township=world.township, kind=kind, channel=channel, status="planned", planned_on=dt.date(2026, 12, 4),
            enterprise=world.enterprise_b, created_by=world.office,
        )  # fmt: skip
    rectifying(world, DEADLINE)
    for day in [1, 3, 4, 11]:
        scan_at(at(2026, 12, day, 8, 0))
    assert Reminder.objects.exists()
    assert set(Reminder.objects.values_list("rule", flat=True)) <= set(HAZARD_RULES)
    assert all(key.startswith(("hazard:", "listing:")) for key in Reminder.objects.values_list("object_key", flat=True))
    assert not Reminder.objects.filter(user__in=[world.ent_b, world.village_b_officer, world.dept_b]).exists()


# -- idempotence ----------------------------------------------------------------------------------------------


def scene(world) -> None:
    """Something due for every hazard rule, for several recipients each."""
    rectifying(world, dt.date(2026, 12, 5))  # d-3 on 2026-12-03
    rectifying(world, dt.date(2026, 12, 9), village=world.village_b, sector=world.sector_b,
               enterprise=world.enterprise_b, responsible_phone="13700000009")  # fmt: skip  # d-7
    rectifying(world, dt.date(2026, 12, 1))  # overdue
    rectifying(world, dt.date(2026, 12, 4), enterprise=None)  # d-1, no enterprise
    HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                  status=Status.CONFIRMED, confirmed_at=at(2026, 12, 2, 9, 0))  # fmt: skip
    listing(world, rectifying(world, dt.date(2027, 1, 31), level="major"), dt.date(2026, 11, 30))


def keys() -> list[tuple[str, str, str, str]]:
    return sorted(Reminder.objects.values_list("rule", "object_key", "period", "recipient_key"))


def test_scanning_twice_creates_and_sends_nothing_twice(world, django_capture_on_commit_callbacks):
    scene(world)
    with django_capture_on_commit_callbacks(execute=True):
        first = scan_at(at(2026, 12, 3, 8, 0))
        second = scan_at(at(2026, 12, 3, 8, 0))
    assert len(first.created) == len(keys()) == len(set(keys()))
    assert {rule for rule, *_ in keys()} == set(HAZARD_RULES)
    assert second.created == []
    assert SmsMessage.objects.count() == Reminder.objects.filter(user__isnull=True).count()
    assert len(SmsMessage.objects.values_list("reminder_id", flat=True).distinct()) == SmsMessage.objects.count()


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_on_postgresql_record_each_reminder_once(world):
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("concurrent scans must be tested on PostgreSQL in CI")
        pytest.skip("concurrent scans are a PostgreSQL matter; CI runs this on PostgreSQL")
    scene(world)
    now = at(2026, 12, 3, 8, 0)
    barrier = threading.Barrier(2)
    results: list[engine.ScanResult] = []
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(engine.scan(now))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    # Eager tasks in two threads race on Celery's process-wide "joining would block" flag (saved and restored
    # around each eager call); put it back so no later test finds it stuck.
    join_will_block = task_join_will_block()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        _set_task_join_will_block(join_will_block)
    assert errors == []
    assert len(results) == 2
    both = keys()
    assert len(both) == len(set(both))  # each (rule, object, period, recipient) once
    assert sum(len(r.created) for r in results) == len(both)
    assert SmsMessage.objects.count() == Reminder.objects.filter(user__isnull=True).count()

    # the same as one scan alone (SMS records first: they protect their reminders)
    SmsMessage.objects.all().delete()
    Reminder.objects.all().delete()
    alone = engine.scan(now)
    assert keys() == both
    assert len(alone.created) == len(both)
    assert {rule for rule, *_ in both} >= set(HAZARD_RULES)


# -- reports waiting for confirmation past the time limit -------------------------------------------------------


def test_it_reminds_the_office_and_lead_unit_once_a_report_waits_past_the_confirmation_limit(world):
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        hazard = HazardFactory(village=world.village_a, sector=world.sector_a)  # reported, 5-day limit
    scan_at(at(2026, 11, 7, 8, 59), rules=["confirmation_overdue"])
    assert periods(hazard, "confirmation_overdue") == set()
    scan_at(at(2026, 11, 7, 9, 1), rules=["confirmation_overdue"])
    scan_at(at(2026, 11, 8, 9), rules=["confirmation_overdue"])
    names, _ = recipients("confirmation_overdue", "unconfirmed")
    assert names == sorted(["office", "dept_a"])
    assert Reminder.objects.filter(rule="confirmation_overdue").count() == 2


def test_it_follows_the_townships_own_confirmation_limit_and_stops_once_confirmed(world):
    world.township.confirmation_days = 2
    world.township.save()
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        waiting = HazardFactory(village=world.village_a, sector=world.sector_a)
        confirmed = HazardFactory(village=world.village_a, sector=world.sector_a, status=Status.CONFIRMED)
    scan_at(at(2026, 11, 4, 10), rules=["confirmation_overdue"])
    assert periods(waiting, "confirmation_overdue") == {"unconfirmed"}
    assert periods(confirmed, "confirmation_overdue") == set()
