"""Hazard.inspection goes: inspections 0005 copied every link to InspectionHazard, on the inspections side."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0006_major_fire_is_major_typical_fire_apart"),
        ("inspections", "0005_hazard_link_on_inspections_side"),
    ]

    operations = [
        migrations.RemoveField(model_name="hazard", name="inspection"),
        migrations.RemoveField(model_name="historicalhazard", name="inspection"),
    ]
