"""The default schedule: the quarter's supervision visits are planned at the start of each quarter (§1).

The office can change or switch it off in the admin (django-celery-beat keeps the schedule in the database)."""

from django.db import migrations

TASK_NAME = "季度督导计划（每季度初生成）"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # 00:30 Asia/Shanghai on the first day of January, April, July and October.
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="0", day_of_month="1", month_of_year="1,4,7,10", day_of_week="*",
        timezone="Asia/Shanghai",
    )  # fmt: skip
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME, defaults={"task": "inspections.tasks.create_quarter_plans", "crontab": crontab}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
