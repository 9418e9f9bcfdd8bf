"""Export jobs and rectification notices name their township (0009 then requires it).

A notice's township is its hazard's; notice numbers become unique per township (two townships with alike short
names may both issue 第0001号). An export job already recorded was written for the user's lowest-numbered township
(what the ledger named before the user picked one); a job of a user without any township could only hold an empty
list and is dropped.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_townships(apps, schema_editor):
    Notice = apps.get_model("hazards", "Notice")
    Hazard = apps.get_model("hazards", "Hazard")
    ExportJob = apps.get_model("hazards", "ExportJob")
    Assignment = apps.get_model("units", "Assignment")
    Notice.objects.update(township=Subquery(Hazard.objects.filter(pk=OuterRef("hazard_id")).values("township_id")))
    first = Assignment.objects.filter(user=OuterRef("user_id"), is_active=True).order_by("township_id").values("township_id")[:1]
    ExportJob.objects.update(township=Subquery(first))
    ExportJob.objects.filter(township__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0007_hazard_link_moved_to_inspections"),
        ("units", "0004_sector_reference_aliases"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="exportjob",
            name="township",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="units.township",
                verbose_name="township",
            ),
        ),
        migrations.AddField(
            model_name="notice",
            name="township",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="units.township",
                verbose_name="township",
            ),
        ),
        migrations.RunPython(fill_townships, migrations.RunPython.noop),
    ]
