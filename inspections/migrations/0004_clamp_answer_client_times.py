"""Issue 10: answers stored with a phone time far outside any sensible window (0001-01-01 broke the inspection's
pages for everyone; a far-future time silently beat every later answer). Existing times are held to the window the
service now applies (services.answer_time), around the moment the server stored the answer: at most 30 days
before it, never after it. Done in SQL, without loading a value that may not even load."""

import datetime as dt

from django.db import migrations
from django.db.models import F

WINDOW = dt.timedelta(days=30)


def clamp(apps, schema_editor):
    Answer = apps.get_model("inspections", "InspectionAnswer")
    Answer.objects.filter(client_time__gt=F("answered_at")).update(client_time=F("answered_at"))
    Answer.objects.filter(client_time__lt=F("answered_at") - WINDOW).update(client_time=F("answered_at") - WINDOW)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_enforcement_credentials_leader_signature")]

    operations = [migrations.RunPython(clamp, migrations.RunPython.noop)]
