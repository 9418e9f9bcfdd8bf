"""The admin cannot hard-delete accidents, reminders, SMS records or the beat schedule (issue 10 §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from dashboard.accidents import accident_create
from reminders.models import Reminder, SmsMessage


def records(world) -> list:
    accident = accident_create(
        actor=world.office,
        township=world.township,
        fields={"occurred_on": dt.date(2025, 1, 2), "place": "新集村道", "kind": "fire"},
    )
    reminder = Reminder.objects.create(
        rule="deadline", object_key="hazard:1", period="d-7", recipient_key="phone:13800000000", phone="13800000000"
    )
    sms = SmsMessage.objects.create(reminder=reminder, phone="13800000000", text="整改期限将至")
    task = PeriodicTask.objects.filter(crontab__isnull=False).first()
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    return [accident, reminder, sms, task, task.crontab, interval]


def admin_url(obj, view: str, *args) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=args)


def test_it_refuses_the_delete_view_and_hides_the_bulk_delete(world, client_for):
    client = client_for(world.admin)
    for obj in records(world):
        response = client.get(admin_url(obj, "delete", obj.pk))
        assert response.status_code == 403, obj._meta.label
        response = client.post(admin_url(obj, "delete", obj.pk), {"post": "yes"})
        assert response.status_code == 403, obj._meta.label
        assert type(obj).objects.filter(pk=obj.pk).exists(), obj._meta.label
        changelist = client.get(admin_url(obj, "changelist"))
        assert changelist.status_code == 200, obj._meta.label
        assert "delete_selected" not in changelist.content.decode(), obj._meta.label


@pytest.mark.parametrize("model", [PeriodicTask, CrontabSchedule, IntervalSchedule, Reminder, SmsMessage])
def test_it_ignores_a_forged_bulk_delete(world, client_for, model):
    records(world)
    before = model.objects.count()
    ids = list(model.objects.values_list("pk", flat=True))
    meta = model._meta
    client_for(world.admin).post(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert model.objects.count() == before
