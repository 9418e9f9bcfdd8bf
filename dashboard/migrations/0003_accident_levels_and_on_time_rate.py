"""Issue 9 (1 of 3): accidents get 重伤, whether they count as 生产安全事故 and their level (国务院令第493号 第三条); the
loss column is widened so that the next migration can turn yuan into 万元 without rounding."""

from decimal import Decimal

from django.db import migrations, models

LEVEL_CHOICES = [
    ("general", "general accident (一般事故)"),
    ("larger", "larger accident (较大事故)"),
    ("major", "major accident (重大事故)"),
    ("extraordinary", "extraordinarily serious accident (特别重大事故)"),
]

class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_month_end_snapshot_schedule"),
    ]

    operations = [
        *[
            op
            for model in ("accident", "historicalaccident")
            for op in (
                migrations.AddField(
                    model_name=model,
                    name="counts_as_work_safety",
                    field=models.BooleanField(
                        default=True,
                        help_text=(
                            "Untick for a drowning, a suicide, an illness or another death that is not a work-safety "
                            "accident: it stays in the register but is not counted in the accident figures (双下降)."
                        ),
                        verbose_name="counts as a work-safety accident (生产安全事故)",
                    ),
                ),
                migrations.AddField(
                    model_name=model,
                    name="level",
                    field=models.CharField(
                        choices=LEVEL_CHOICES, default="general", max_length=20, verbose_name="level of the accident"
                    ),
                ),
                migrations.AddField(
                    model_name=model,
                    name="serious_injuries",
                    field=models.PositiveIntegerField(
                        default=0,
                        help_text="Including acute industrial poisoning (急性工业中毒).",
                        verbose_name="of which seriously injured (重伤)",
                    ),
                ),
                migrations.AlterField(
                    model_name=model,
                    name="injuries",
                    field=models.PositiveIntegerField(
                        default=0,
                        help_text="Everybody injured, serious injuries included.",
                        verbose_name="injured (受伤), in total",
                    ),
                ),
                # Wide enough to divide by 10 000 without losing a fen, before the final precision.
                migrations.AlterField(
                    model_name=model,
                    name="direct_loss",
                    field=models.DecimalField(decimal_places=6, default=Decimal("0"), max_digits=20),
                ),
            )
        ],
    ]
