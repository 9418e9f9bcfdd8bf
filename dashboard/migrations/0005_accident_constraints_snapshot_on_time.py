"""Issue 9 (3 of 3): the loss's final precision (万元, to the yuan) and bounds, the accident constraints, and the
snapshots' new 按期整改 column (issue 9.5), empty for the months already stored."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models

LOSS_VALIDATORS = [
    django.core.validators.MinValueValidator(Decimal("0")),
    django.core.validators.MaxValueValidator(Decimal("1000000")),
]


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0004_accident_data_in_new_terms"),
    ]

    operations = [
        *[
            migrations.AlterField(
                model_name=model,
                name="direct_loss",
                field=models.DecimalField(
                    decimal_places=4,
                    default=Decimal("0"),
                    max_digits=12,
                    validators=LOSS_VALIDATORS,
                    verbose_name="direct economic loss (万元)",
                ),
            )
            for model in ("accident", "historicalaccident")
        ],
        migrations.AddConstraint(
            model_name="accident",
            constraint=models.CheckConstraint(
                condition=models.Q(direct_loss__lte=Decimal("1000000")), name="accident_loss_bounded"
            ),
        ),
        migrations.AddConstraint(
            model_name="accident",
            constraint=models.CheckConstraint(
                condition=models.Q(serious_injuries__lte=models.F("injuries")), name="accident_serious_within_injured"
            ),
        ),
        migrations.AddConstraint(
            model_name="accident",
            constraint=models.CheckConstraint(
                condition=models.Q(level__in=["general", "larger", "major", "extraordinary"]),
                name="accident_level_valid",
            ),
        ),
        migrations.AddField(
            model_name="monthlysnapshot",
            name="rectified_on_time",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Rectification completed by the last approved deadline; recorded from December 2026 on.",
                null=True,
                verbose_name="rectified by the deadline",
            ),
        ),
    ]
