"""Delivery: each channel claimed (pending → sending → sent) before anything leaves, so e-mail and SMS go out
once; a failing transport gives the claim back and is retried, up to a limit; a dead worker's claim is released."""

from __future__ import annotations

import datetime as dt
from smtplib import SMTPException, SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from liuwei_safety.celery import app as celery_app
from reminders import delivery, engine, tasks
from reminders.models import Delivery, Reminder, SmsMessage
from reminders.sms import RecordingBackend
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

BROKEN_SMTP = "tests.reminders.test_delivery.BrokenSmtpBackend"
BROKEN_SMS = "tests.reminders.test_delivery.BrokenSmsBackend"


class BrokenSmtpBackend(BaseEmailBackend):
    """An SMTP server that drops the connection on every message."""

    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class BrokenSmsBackend:
    def send(self, *, phone: str, text: str, reminder_id: int | None = None) -> None:
        raise OSError("SMS gateway unreachable")


@pytest.fixture(autouse=True)
def _reset_broken_counter():
    BrokenSmtpBackend.calls = 0


def reminder_for(user, *, key: str = "hazard:1", email: str = Delivery.PENDING, **fields) -> Reminder:
    values = {"rule": "rectification_deadline", "object_key": key, "object_id": int(key.split(":")[1]),
              "period": "d-7:2026-12-10", "recipient_key": f"user:{user.pk}", "user": user, "title": "整改期限将到",
              "body": "请按期整改", "url": "/hazards/1/", "email_state": email}  # fmt: skip
    values.update(fields)
    return Reminder.objects.create(**values)


def text_for(phone: str, **fields) -> Reminder:
    values = {"rule": "rectification_deadline", "object_key": "hazard:1", "object_id": 1, "period": "d-7:2026-12-10",
              "recipient_key": f"phone:{phone}", "phone": phone, "title": "整改期限将到", "body": "请按期整改",
              "sms_state": Delivery.PENDING}  # fmt: skip
    values.update(fields)
    return Reminder.objects.create(**values)


@pytest.fixture
def office(world):
    world.office.email = "office@liuwei.gov.cn"
    world.office.save()
    return world.office


def test_an_e_mail_goes_out_once_even_when_delivery_runs_twice(office):
    reminder = reminder_for(office)
    assert delivery.send_email(reminder.pk) is True
    delivery.deliver(reminder.pk)
    tasks.deliver_reminder.delay(reminder.pk)  # a message Celery hands over a second time
    assert [m.to for m in mail.outbox] == [["office@liuwei.gov.cn"]]
    assert "整改期限将到" in mail.outbox[0].subject
    reminder.refresh_from_db()
    assert (reminder.email_state, reminder.email_attempts) == (Delivery.SENT, 1)
    assert reminder.email_sent_at is not None


def test_a_text_message_is_recorded_once_even_when_delivery_runs_twice(world):
    reminder = text_for("13912345678", township=world.township)
    delivery.deliver(reminder.pk)
    delivery.deliver(reminder.pk)
    assert delivery.send_sms(reminder.pk) is False
    sms = SmsMessage.objects.get()
    assert (sms.phone, sms.reminder_id) == ("13912345678", reminder.pk)
    assert sms.text == "【刘圩镇应急办】整改期限将到。请按期整改"
    reminder.refresh_from_db()
    assert reminder.sms_state == Delivery.SENT and reminder.sms_sent_at is not None
    assert mail.outbox == []


def test_a_user_who_switched_e_mail_off_gets_none_but_keeps_the_inbox_entry(world, django_capture_on_commit_callbacks):
    world.office.email = "office@liuwei.gov.cn"
    world.office.save()
    world.dept_a.email = "dept_a@liuwei.gov.cn"
    world.dept_a.email_notifications = False
    world.dept_a.save()
    HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                  status="rectifying", deadline=dt.date(2026, 12, 10), responsible_phone="")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        engine.scan(dt.datetime(2026, 12, 11, 8, 0, tzinfo=dt.UTC), rules=["rectification_deadline"])
    assert [m.to for m in mail.outbox] == [["office@liuwei.gov.cn"]]
    assert Reminder.objects.get(user=world.dept_a).email_state == Delivery.NONE


def test_nothing_is_e_mailed_for_a_reminder_that_has_no_e_mail(world):
    reminder = reminder_for(world.office, email=Delivery.NONE)
    delivery.deliver(reminder.pk)
    assert mail.outbox == []
    reminder.refresh_from_db()
    assert (reminder.email_state, reminder.email_attempts) == (Delivery.NONE, 0)


def test_a_failing_smtp_server_gives_the_claim_back_and_the_next_attempt_sends(office, settings):
    reminder = reminder_for(office)
    settings.EMAIL_BACKEND = BROKEN_SMTP
    with pytest.raises(SMTPServerDisconnected):
        delivery.send_email(reminder.pk)
    reminder.refresh_from_db()
    assert (reminder.email_state, reminder.email_attempts) == (Delivery.PENDING, 1)
    assert delivery.pending_ids() == [reminder.pk]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    delivery.deliver(reminder.pk)
    reminder.refresh_from_db()
    assert (reminder.email_state, reminder.email_attempts) == (Delivery.SENT, 2)
    assert len(mail.outbox) == 1


def test_the_task_retries_a_failing_smtp_server_and_gives_up_after_the_maximum(office, settings, monkeypatch):
    task = tasks.deliver_reminder
    assert {SMTPException, OSError} <= set(task.autoretry_for)
    assert task.retry_backoff and task.max_retries == delivery.MAX_EMAIL_ATTEMPTS
    assert task.acks_late  # a worker that dies mid-task leaves the message to be delivered again
    reminder = reminder_for(office)
    settings.EMAIL_BACKEND = BROKEN_SMTP
    # Run eagerly as a worker would: a retry is run again (at once, without the backoff) instead of raised here.
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    task.delay(reminder.pk)
    reminder.refresh_from_db()
    assert (reminder.email_state, reminder.email_attempts) == (Delivery.FAILED, delivery.MAX_EMAIL_ATTEMPTS)
    assert BrokenSmtpBackend.calls == delivery.MAX_EMAIL_ATTEMPTS
    assert delivery.pending_ids() == []
    assert tasks.deliver_pending() == 0  # a failed e-mail is not tried again and again
    assert BrokenSmtpBackend.calls == delivery.MAX_EMAIL_ATTEMPTS


def test_a_failing_sms_gateway_gives_the_claim_back_and_the_retry_sends(world, settings):
    reminder = text_for("13912345678")
    settings.SMS_BACKEND = BROKEN_SMS
    with pytest.raises(OSError, match="unreachable"):
        delivery.deliver(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.sms_state == Delivery.PENDING
    settings.SMS_BACKEND = "reminders.sms.RecordingBackend"
    assert tasks.deliver_pending() == 1
    reminder.refresh_from_db()
    assert reminder.sms_state == Delivery.SENT
    assert SmsMessage.objects.count() == 1


def test_a_broken_text_message_does_not_hold_back_the_e_mail_of_another_reminder(office, settings):
    texted, emailed = text_for("13912345678"), reminder_for(office, key="hazard:2")
    settings.SMS_BACKEND = BROKEN_SMS
    with pytest.raises(OSError):
        delivery.deliver(texted.pk)
    delivery.deliver(emailed.pk)
    assert len(mail.outbox) == 1
    assert delivery.pending_ids() == [texted.pk]


def test_it_marks_a_claim_left_behind_by_a_dead_worker_unknown_and_never_sends_it_again_by_itself(office):
    """The worker may have died after the SMTP server or the gateway accepted the message: sending it again could
    send it twice, so the office is asked to check (SPEC S7)."""
    now = timezone.now()
    stale = reminder_for(office, email=Delivery.SENDING, created_at=now - dt.timedelta(hours=1),
                         email_sent_at=now - dt.timedelta(minutes=20))  # fmt: skip
    texted = text_for("13912345678", sms_state=Delivery.SENDING, created_at=now - dt.timedelta(hours=1),
                      sms_sent_at=now - dt.timedelta(minutes=20))  # fmt: skip
    busy = reminder_for(office, key="hazard:2", email=Delivery.SENDING, created_at=now - dt.timedelta(minutes=5),
                        email_sent_at=now - dt.timedelta(minutes=5))  # fmt: skip
    assert delivery.mark_stale_claims(now) == 2
    states = dict(Reminder.objects.values_list("pk", "email_state"))
    assert (states[stale.pk], states[busy.pk]) == (Delivery.UNKNOWN, Delivery.SENDING)
    texted.refresh_from_db()
    assert (texted.sms_state, texted.sms_sent_at) == (Delivery.UNKNOWN, now - dt.timedelta(minutes=20))
    assert tasks.deliver_pending() == 0
    delivery.deliver(stale.pk)  # a replayed message finds nothing to send either
    delivery.deliver(texted.pk)
    assert mail.outbox == [] and not SmsMessage.objects.exists()
    assert delivery.mark_stale_claims(now + dt.timedelta(hours=1)) == 1  # only the busy one was still claimed


def test_a_fresh_claim_on_an_old_reminder_is_not_marked_while_it_is_being_sent(office):
    """A retry an hour after the reminder was recorded claims it now; the sweep must not call it unknown while the
    worker is still talking to the SMTP server."""
    now = timezone.now()
    reminder = reminder_for(office, created_at=now - dt.timedelta(hours=1))
    assert delivery._claim(reminder.pk, "email_state")
    assert delivery.mark_stale_claims(now + dt.timedelta(minutes=1)) == 0
    assert Reminder.objects.get(pk=reminder.pk).email_state == Delivery.SENDING
    assert delivery.mark_stale_claims(now + delivery.STALE_CLAIM + dt.timedelta(minutes=1)) == 1
    assert Reminder.objects.get(pk=reminder.pk).email_state == Delivery.UNKNOWN


def test_it_records_an_unknown_delivery_as_sent_when_the_office_says_so(office):
    reminder = reminder_for(office, email=Delivery.UNKNOWN, email_sent_at=timezone.now() - dt.timedelta(hours=1))
    delivery.reminder_resolve(reminder_id=reminder.pk, channel="email", resend=False, actor=office)
    reminder.refresh_from_db()
    assert (reminder.email_state, reminder.checked_by) == (Delivery.SENT, office)
    assert reminder.checked_at is not None and mail.outbox == []
    with pytest.raises(delivery.ResolveError):  # a second answer (another officer, a double click) changes nothing
        delivery.reminder_resolve(reminder_id=reminder.pk, channel="email", resend=True, actor=office)
    assert Reminder.objects.get(pk=reminder.pk).email_state == Delivery.SENT


def test_it_sends_an_unknown_e_mail_again_only_when_the_office_asks(office, django_capture_on_commit_callbacks):
    reminder = reminder_for(office, email=Delivery.UNKNOWN, email_attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        delivery.reminder_resolve(reminder_id=reminder.pk, channel="email", resend=True, actor=office)
    reminder.refresh_from_db()
    assert (reminder.email_state, reminder.email_attempts) == (Delivery.SENT, 2)
    assert len(mail.outbox) == 1


def test_a_text_the_gateway_had_accepted_is_not_sent_twice_even_when_the_office_resends_it(
    office, django_capture_on_commit_callbacks
):
    reminder = text_for("13912345678", sms_state=Delivery.UNKNOWN)
    SmsMessage.objects.create(phone="13912345678", text="【刘圩镇安委办】整改期限将到", reminder=reminder)
    with django_capture_on_commit_callbacks(execute=True):
        delivery.reminder_resolve(reminder_id=reminder.pk, channel="sms", resend=True, actor=office)
    assert Reminder.objects.get(pk=reminder.pk).sms_state == Delivery.SENT
    assert SmsMessage.objects.count() == 1  # the gateway de-duplicated on the reminder's id


def test_it_refuses_to_resolve_a_delivery_that_is_not_unknown_or_an_unknown_channel(office):
    reminder = reminder_for(office)
    for channel in ("email", "sms", "pigeon"):
        with pytest.raises(delivery.ResolveError):
            delivery.reminder_resolve(reminder_id=reminder.pk, channel=channel, resend=False, actor=office)
    assert Reminder.objects.get(pk=reminder.pk).email_state == Delivery.PENDING


def test_the_recording_backend_de_duplicates_on_the_reminder_so_a_replay_sends_nothing(world):
    reminder = text_for("13912345678")
    backend = RecordingBackend()
    backend.send(phone="13912345678", text="第一次", reminder_id=reminder.pk)
    backend.send(phone="13912345678", text="重放", reminder_id=reminder.pk)
    assert list(SmsMessage.objects.values_list("text", "reminder_id")) == [("第一次", reminder.pk)]
    backend.send(phone="13912345678", text="无提醒编号", reminder_id=None)  # a message of no reminder is not deduped
    backend.send(phone="13912345678", text="无提醒编号", reminder_id=None)
    assert SmsMessage.objects.count() == 3


def test_pending_ids_lists_what_is_waiting_on_either_channel_in_order(office):
    waiting = [reminder_for(office, key=f"hazard:{n}") for n in (1, 2)]
    texted = text_for("13912345678")
    reminder_for(office, key="hazard:3", email=Delivery.SENT)
    reminder_for(office, key="hazard:4", email=Delivery.FAILED)
    reminder_for(office, key="hazard:5", email=Delivery.NONE)
    expected = [waiting[0].pk, waiting[1].pk, texted.pk]
    assert delivery.pending_ids() == expected
    assert delivery.pending_ids(limit=2) == expected[:2]


def test_the_scan_task_runs_the_rules_at_the_moment_given_and_resends_what_was_pending(
    world, office, django_capture_on_commit_callbacks
):
    left_over = reminder_for(
        office, key="hazard:999", period="d-7:2026-12-05"
    )  # recorded while the broker was down: never enqueued
    HazardFactory(village=world.village_a, sector=world.sector_a, status="rectifying", deadline=dt.date(2026, 12, 10),
                  responsible_phone="13912345678")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.scan_reminders.delay(at="2026-12-03T08:00:00+08:00").get() >= 3
    # the village officer, the lead unit's staff and the responsible person's phone
    assert Reminder.objects.filter(rule="rectification_deadline", period="d-7:2026-12-10").count() == 3
    assert Reminder.objects.filter(period="d-7:2026-12-10", phone="13912345678").exists()
    assert SmsMessage.objects.filter(phone="13912345678").count() == 1
    left_over.refresh_from_db()
    assert left_over.email_state == Delivery.SENT
    # the left-over one, plus the drill reminders the scan found (the world's §24 unit, due by 31 December)
    drills = Reminder.objects.filter(rule__startswith="drill_", email_state=Delivery.SENT).count()
    assert len(mail.outbox) == 1 + drills


@pytest.mark.parametrize(
    "task",
    [tasks.scan_reminders, tasks.scan_hazard, tasks.run_scan_requests, tasks.deliver_reminder, tasks.deliver_pending],
)
def test_it_retries_every_reminder_task_with_back_off_when_the_database_is_away(task):
    assert {OperationalError, InterfaceError} <= set(task.autoretry_for)
    assert task.retry_backoff and task.retry_jitter and task.max_retries and task.acks_late


def test_a_delivery_that_met_a_database_restart_is_retried_and_sent_once(office, monkeypatch):
    reminder = reminder_for(office)
    real, calls = delivery.deliver, []

    def flaky(reminder_id: int) -> None:
        calls.append(reminder_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        real(reminder_id)

    monkeypatch.setattr(delivery, "deliver", flaky)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)  # retried as a worker would
    tasks.deliver_reminder.delay(reminder.pk)
    assert calls == [reminder.pk, reminder.pk]
    assert len(mail.outbox) == 1
    assert Reminder.objects.get(pk=reminder.pk).email_state == Delivery.SENT


def test_it_keeps_a_reminder_with_its_sms_record_and_its_user_undeletable(world):
    """The reminder row is the proof a message went once: neither it nor its user can be deleted from under it."""
    from django.db.models import ProtectedError

    from reminders.models import SmsMessage

    reminder = reminder_for(world.office)
    SmsMessage.objects.create(reminder=reminder, phone="13912345678", text="x")
    with pytest.raises(ProtectedError):
        reminder.delete()
    with pytest.raises(ProtectedError):
        world.office.delete()
