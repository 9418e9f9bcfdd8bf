"""Every export job and rectification notice has its township (filled in by 0008); notice numbers are unique per
township."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0008_township_of_export_jobs_and_notices"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exportjob",
            name="township",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="units.township",
                verbose_name="township",
            ),
        ),
        migrations.AlterField(
            model_name="notice",
            name="township",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="units.township",
                verbose_name="township",
            ),
        ),
        migrations.AlterField(
            model_name="notice",
            name="number",
            field=models.CharField(max_length=50, verbose_name="notice number"),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(fields=("township", "number"), name="notice_number_unique"),
        ),
    ]
