"""The workflow's scan requests (the outbox) are run every two minutes, so what a step made due is recorded soon
after Redis is back even when the step's own task could not be queued (SPEC S7)."""

from django.db import migrations

RUN_REQUESTS = "提醒：处理工作流变更（每2分钟）"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_two, _ = IntervalSchedule.objects.get_or_create(every=2, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=RUN_REQUESTS, defaults={"task": "reminders.tasks.run_scan_requests", "interval": every_two}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=RUN_REQUESTS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0003_outbox_unknown_once"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
