"""A Redis outage never breaks the web pages (SPEC S7): with the broker (and the result store, which live on the
same Redis) pointed at a closed port, a hazard step and the inbox answer within a second; what could not be
enqueued is delivered once the broker is back."""

from __future__ import annotations

import datetime as dt
import logging
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards.models import Hazard, Status
from reminders import engine, tasks
from reminders.models import Delivery, Reminder, SmsMessage
from tests.factories import HazardFactory

from .faults import celery_pointed_at

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]  # on-commit enqueues really run

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1
WITHIN = 1.0  # seconds


def broker_down():  # type: ignore[no-untyped-def]
    return celery_pointed_at(broker_url=CLOSED, result_backend=CLOSED, task_always_eager=False)


def reported(world) -> Hazard:
    return HazardFactory.create(
        village=world.village_a,
        sector=world.sector_a,
        enterprise=world.enterprise_a,
        reported_by=world.village_a_officer,
    )


def confirm(client, hazard: Hazard):  # type: ignore[no-untyped-def]
    data = {"level": "general", "hazard_type": "fire", "sector": hazard.sector_id, "expected_status": "reported"}
    return client.post(reverse("hazards:step", args=[hazard.pk, "confirm"]), data)


def test_a_hazard_step_succeeds_within_a_second_while_the_broker_is_down(world, client_for, caplog):
    hazard = reported(world)
    client = client_for(world.office)
    assert client.get(hazard.get_absolute_url()).status_code == 200  # warm up: templates, imports
    caplog.set_level(logging.WARNING, logger="reminders.dispatch")
    with broker_down():
        start = time.monotonic()
        response = confirm(client, hazard)
        elapsed = time.monotonic() - start
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == Status.CONFIRMED
    assert elapsed < WITHIN, f"the step took {elapsed:.2f} s with the broker down"
    assert "could not enqueue reminders.tasks.scan_hazard" in caplog.text  # the on-commit enqueue was tried
    assert not Reminder.objects.exists()  # and nothing ran: it waits for the next scan


def test_the_inbox_and_a_page_with_the_bell_answer_within_a_second_while_the_broker_is_down(world, client_for):
    Reminder.objects.create(rule="rectification_deadline", object_key="hazard:1", object_id=1, period="d-7:x",
                            recipient_key=f"user:{world.village_a_officer.pk}", user=world.village_a_officer,
                            title="整改期限将到")  # fmt: skip
    client = client_for(world.village_a_officer)
    client.get(reverse("reminders:inbox"))  # warm up
    with broker_down():
        for name in ["reminders:inbox", "hazards:list", "home"]:
            start = time.monotonic()
            response = client.get(reverse(name))
            elapsed = time.monotonic() - start
            assert response.status_code == 200
            assert elapsed < WITHIN, f"{name} took {elapsed:.2f} s with the broker down"
            assert 'data-testid="bell-count">1<' in response.content.decode()


def test_what_could_not_be_enqueued_is_delivered_when_the_broker_is_back(world, client_for):
    hazard = reported(world)
    due = HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                        status=Status.RECTIFYING, deadline=timezone.localdate() + dt.timedelta(days=3),
                        responsible_phone="13912345678")  # fmt: skip
    with broker_down():
        assert confirm(client_for(world.office), hazard).status_code == 302
        start = time.monotonic()
        recorded = engine.scan(rules=["rectification_deadline"])  # as beat's scan would, while Redis is down
        assert time.monotonic() - start < WITHIN
    assert len(recorded.created) == 4  # recorded, but their delivery could not be enqueued
    assert set(Reminder.objects.values_list("object_key", flat=True)) == {f"hazard:{due.pk}"}
    assert Reminder.objects.get(phone="13912345678").sms_state == Delivery.PENDING
    assert not SmsMessage.objects.exists()

    # the broker is back (tasks run in-process again, as the test settings say)
    assert tasks.deliver_pending() == 1  # the one text message; the users have no e-mail address
    assert Reminder.objects.get(phone="13912345678").sms_state == Delivery.SENT
    tasks.scan_reminders()  # and the morning scan catches up with the registration notice the step could not send
    registered = Reminder.objects.filter(rule="hazard_registered", object_key=f"hazard:{hazard.pk}")
    assert sorted(registered.values_list("recipient_key", flat=True)) == [
        "phone:13800000001", f"user:{world.ent_a.pk}",
    ]  # fmt: skip
    assert not Reminder.objects.filter(sms_state__in=[Delivery.PENDING, Delivery.SENDING]).exists()
    texts = SmsMessage.objects.filter(reminder__rule__in=["rectification_deadline", "hazard_registered"])
    assert sorted(texts.values_list("phone", flat=True)) == ["13800000001", "13912345678"]  # each once
