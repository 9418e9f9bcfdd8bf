"""The office's page of deliveries "unknown — check" (SPEC S7): a worker died between handing a message over and
recording it, so the office records that it was sent or sends it again — its own township's only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reminders.models import Delivery, Reminder, SmsMessage

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def unknown_text(township, n: int = 1, **fields) -> Reminder:
    values = {"rule": "rectification_deadline", "object_key": f"hazard:{n}", "object_id": n, "period": "d-7:2026-12-10",
              "recipient_key": f"phone:{PHONE}", "phone": PHONE, "township": township, "title": f"整改期限将到{n}",
              "sms_state": Delivery.UNKNOWN, "sms_sent_at": timezone.now() - dt.timedelta(hours=1)}  # fmt: skip
    values.update(fields)
    return Reminder.objects.create(**values)


def resolve(client, reminder: Reminder, channel: str = "sms", resend: str = "0"):  # type: ignore[no-untyped-def]
    return client.post(reverse("reminders:check_resolve", args=[reminder.pk]), {"channel": channel, "resend": resend})


def test_it_lists_the_unknown_deliveries_of_the_offices_township_only(world, client_for):
    ours = unknown_text(world.township)
    theirs = unknown_text(world.other_township, 2)
    known = unknown_text(world.township, 3, sms_state=Delivery.SENT)
    world.office.email = "office@liuwei.gov.cn"
    world.office.save()
    mailed = Reminder.objects.create(rule="quarter_start", object_key="group:1", object_id=1, period="2026Q4",
                                     recipient_key=f"user:{world.office.pk}", user=world.office, title="季度督导",
                                     township=world.township, email_state=Delivery.UNKNOWN)  # fmt: skip
    page = client_for(world.office).get(reverse("reminders:check")).content.decode()
    assert f'data-testid="check-{ours.pk}-sms"' in page
    assert f'data-testid="check-{mailed.pk}-email"' in page and "office@liuwei.gov.cn" in page
    assert f"check-{theirs.pk}-" not in page and f"check-{known.pk}-" not in page


@pytest.mark.parametrize("role", ["village", "department", "enterprise", "leadership"])
def test_it_is_not_there_for_anyone_but_the_office(world, client_for, role):
    reminder = unknown_text(world.township)
    client = client_for(world.users_by_role()[role])
    assert client.get(reverse("reminders:check")).status_code == 404
    assert resolve(client, reminder).status_code == 404
    assert Reminder.objects.get(pk=reminder.pk).sms_state == Delivery.UNKNOWN


def test_another_townships_office_gets_a_404_and_changes_nothing(world, client_for):
    reminder = unknown_text(world.township)
    assert resolve(client_for(world.other_office), reminder).status_code == 404
    assert Reminder.objects.get(pk=reminder.pk).sms_state == Delivery.UNKNOWN


def test_the_office_records_that_it_was_sent(world, client_for):
    reminder = unknown_text(world.township)
    response = resolve(client_for(world.office), reminder, resend="0")
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert (reminder.sms_state, reminder.checked_by) == (Delivery.SENT, world.office)
    assert not SmsMessage.objects.exists()  # nothing sent
    assert resolve(client_for(world.office), reminder).status_code == 404  # no longer to check


def test_the_office_sends_it_again_and_it_leaves_once(world, client_for, django_capture_on_commit_callbacks):
    reminder = unknown_text(world.township)
    with django_capture_on_commit_callbacks(execute=True):
        assert resolve(client_for(world.office), reminder, resend="1").status_code == 302
    assert Reminder.objects.get(pk=reminder.pk).sms_state == Delivery.SENT
    assert list(SmsMessage.objects.values_list("reminder_id", flat=True)) == [reminder.pk]
    assert mail.outbox == []


@pytest.mark.parametrize(("channel", "resend"), [("email", "0"), ("sms", "maybe"), ("fax", "1")])
def test_a_wrong_answer_changes_nothing(world, client_for, channel, resend):
    reminder = unknown_text(world.township)  # its e-mail channel is not unknown
    response = resolve(client_for(world.office), reminder, channel=channel, resend=resend)
    assert response.status_code == 302
    assert Reminder.objects.get(pk=reminder.pk).sms_state == Delivery.UNKNOWN


def test_the_page_costs_the_same_for_1_and_30_deliveries_to_check(world, client_for):
    client = client_for(world.office)
    url = reverse("reminders:check")
    unknown_text(world.township)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for n in range(2, 31):
        unknown_text(world.township, n)
    assert count() == few
