"""What a workflow step makes due is recorded in the step's own transaction (a ScanRequest, the outbox), so it
never depends on Redis being up at that moment (SPEC S7, issue 10): the fast path runs it at once, the periodic job
and `send_reminders` run what the fast path could not."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from hazards import services
from hazards.models import Hazard, Status
from reminders import dispatch, engine, tasks
from reminders.models import Delivery, Reminder, ScanRequest, SmsMessage
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(world) -> Hazard:
    world.enterprise_a.principal_phone = "13800000001"
    world.enterprise_a.save()
    return HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                         reported_by=world.village_a_officer)  # fmt: skip


def confirm(world, hazard: Hazard) -> None:
    services.hazard_confirm(hazard_id=hazard.pk, actor=world.office, level="general", hazard_type="fire")


def registered(hazard: Hazard) -> list[str]:
    qs = Reminder.objects.filter(rule="hazard_registered", object_key=f"hazard:{hazard.pk}")
    return sorted(qs.values_list("recipient_key", flat=True))


def test_it_records_the_scan_request_in_the_steps_transaction(world, reported, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirm(world, reported)
    request = ScanRequest.objects.get()
    assert (request.hazard_id, request.done_at) == (reported.pk, None)  # committed with the step, not yet run
    assert len(callbacks) == 1  # the fast path, after commit

    callbacks[0]()  # the task ran (in-process here)
    assert ScanRequest.objects.get().done_at is not None
    assert registered(reported) == ["phone:13800000001", f"user:{world.ent_a.pk}"]


def test_a_step_that_is_rolled_back_leaves_no_scan_request(world, reported):
    with pytest.raises(RuntimeError), transaction.atomic():
        confirm(world, reported)
        raise RuntimeError("the step failed after the workflow call")
    assert not ScanRequest.objects.exists()
    assert Hazard.objects.get(pk=reported.pk).status == Status.REPORTED


def test_the_periodic_job_runs_the_requests_the_fast_path_could_not(world, reported, monkeypatch):
    monkeypatch.setattr(dispatch, "enqueue", lambda task, *args: False)  # the broker is down at the step
    confirm(world, reported)
    assert not Reminder.objects.exists() and ScanRequest.objects.filter(done_at=None).count() == 1

    assert tasks.run_scan_requests() == 2
    assert registered(reported) == ["phone:13800000001", f"user:{world.ent_a.pk}"]
    assert not ScanRequest.objects.filter(done_at=None).exists()
    assert tasks.run_scan_requests() == 0  # done once
    assert Reminder.objects.count() == 2


def test_the_ten_minute_job_also_runs_the_requests_and_sends_what_they_made_due(
    world, reported, monkeypatch, django_capture_on_commit_callbacks
):
    with monkeypatch.context() as broker:
        broker.setattr(dispatch, "enqueue", lambda task, *args: False)
        confirm(world, reported)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deliver_pending() == 0  # nothing else was pending; the new ones are sent on commit
    assert registered(reported) == ["phone:13800000001", f"user:{world.ent_a.pk}"]
    assert list(SmsMessage.objects.values_list("phone", flat=True)) == ["13800000001"]
    assert Reminder.objects.get(phone="13800000001").sms_state == Delivery.SENT


def test_send_reminders_runs_the_requests_and_marks_stale_claims_for_checking(world, reported, monkeypatch):
    with monkeypatch.context() as broker:
        broker.setattr(dispatch, "enqueue", lambda task, *args: False)
        confirm(world, reported)
    stale = Reminder.objects.create(rule="rectification_deadline", object_key="hazard:999", object_id=999,
                                    period="d-7:2026-12-10", recipient_key="phone:13900000009", phone="13900000009",
                                    title="整改期限将到", sms_state=Delivery.SENDING,
                                    sms_sent_at=timezone.now() - dt.timedelta(hours=1))  # fmt: skip
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert registered(reported) == ["phone:13800000001", f"user:{world.ent_a.pk}"]
    assert Reminder.objects.get(pk=stale.pk).sms_state == Delivery.UNKNOWN
    assert list(SmsMessage.objects.values_list("phone", flat=True)) == ["13800000001"]
    assert "1 marked for checking" in out.getvalue()


def test_done_requests_are_forgotten_after_a_week(world):
    now = timezone.now()
    old = ScanRequest.objects.create(hazard_id=1, done_at=now - dt.timedelta(days=8))
    ScanRequest.objects.create(hazard_id=2, done_at=now - dt.timedelta(days=6))
    ScanRequest.objects.create(hazard_id=3)
    assert engine.forget_done_scan_requests(now) == 1
    assert not ScanRequest.objects.filter(pk=old.pk).exists() and ScanRequest.objects.count() == 2


def test_the_requests_are_run_every_two_minutes_by_beat():
    task = PeriodicTask.objects.get(task="reminders.tasks.run_scan_requests")
    assert (task.interval.every, task.interval.period, task.enabled) == (2, "minutes", True)
