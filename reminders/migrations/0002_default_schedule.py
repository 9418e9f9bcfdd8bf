"""The default schedule (django-celery-beat, kept in the database; the office can change it in the admin):
the rules run every morning at 08:00 Asia/Shanghai, and pending deliveries are retried every ten minutes."""

from django.db import migrations

SCAN = "提醒：每日扫描（08:00）"
RETRY = "提醒：补发待发送消息（每10分钟）"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Shanghai"
    )
    every_ten, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SCAN, defaults={"task": "reminders.tasks.scan_reminders", "crontab": morning}
    )
    PeriodicTask.objects.get_or_create(
        name=RETRY, defaults={"task": "reminders.tasks.deliver_pending", "interval": every_ten}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[SCAN, RETRY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
