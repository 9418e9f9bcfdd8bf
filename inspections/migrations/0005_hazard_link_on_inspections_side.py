"""The link between a hazard and the inspection it was found in moves to the inspections side (InspectionHazard),
so the hazard register no longer depends on inspections. Every existing link is copied here before hazards 0007
removes Hazard.inspection. (Also: an inspection photo's file fields are named like every stored file's, core.files;
labels only.)"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def copy_links(apps, schema_editor):
    Hazard = apps.get_model("hazards", "Hazard")
    InspectionHazard = apps.get_model("inspections", "InspectionHazard")
    found = Hazard.objects.filter(inspection__isnull=False).values_list("pk", "inspection_id").order_by("pk")
    InspectionHazard.objects.bulk_create(
        [InspectionHazard(hazard_id=hazard_id, inspection_id=inspection_id) for hazard_id, inspection_id in found],
        batch_size=1000,
    )


def copy_links_back(apps, schema_editor):
    Hazard = apps.get_model("hazards", "Hazard")
    InspectionHazard = apps.get_model("inspections", "InspectionHazard")
    for hazard_id, inspection_id in InspectionHazard.objects.values_list("hazard_id", "inspection_id"):
        Hazard.objects.filter(pk=hazard_id).update(inspection_id=inspection_id)


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0006_major_fire_is_major_typical_fire_apart"),
        ("inspections", "0004_clamp_answer_client_times"),
    ]

    operations = [
        migrations.CreateModel(
            name="InspectionHazard",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "hazard",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="inspection_link",
                        to="hazards.hazard",
                        verbose_name="hazard",
                    ),
                ),
                (
                    "inspection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="hazard_links",
                        to="inspections.inspection",
                        verbose_name="inspection",
                    ),
                ),
            ],
            options={
                "verbose_name": "hazard found in an inspection",
                "verbose_name_plural": "hazards found in inspections",
            },
        ),
        migrations.RunPython(copy_links, copy_links_back),
        migrations.AlterField(
            model_name="inspectionphoto",
            name="original_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="original file name"),
        ),
        migrations.AlterField(
            model_name="inspectionphoto",
            name="size",
            field=models.PositiveIntegerField(default=0, verbose_name="size (bytes)"),
        ),
        migrations.AlterField(
            model_name="inspectionphoto",
            name="uploaded_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="uploaded at"),
        ),
    ]
