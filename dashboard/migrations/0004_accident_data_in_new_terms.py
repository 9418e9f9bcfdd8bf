"""Issue 9 (2 of 3): the existing accidents in the new terms (the schema changes run apart, so that the rows
written here do not hold up the ALTER TABLE of the next migration)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations
from django.db.models import F

# 第三条, as in dashboard.models.LEVEL_THRESHOLDS at the time of writing (a migration does not import model code).
THRESHOLDS = (
    ("extraordinary", 30, 100, Decimal("10000")),
    ("major", 10, 50, Decimal("5000")),
    ("larger", 3, 10, Decimal("1000")),
)


def _level(deaths, serious, loss):
    for level, min_deaths, min_serious, min_loss in THRESHOLDS:
        if deaths >= min_deaths or serious >= min_serious or loss >= min_loss:
            return level
    return "general"


def forwards(apps, schema_editor):
    """1. The loss was recorded in yuan: it becomes 万元, kept to the yuan (four decimals, rounded here so that the
       level is computed from the very figure that is stored).
    2. A drowning was recorded as an accident but is not a 生产安全事故: it stops counting (the office can tick it
       again for a drowning at work).
    3. The level from deaths, serious injuries (none recorded before: 0) and loss.
    The change history gets the same conversion, so it reads in the new unit."""
    for name in ("Accident", "HistoricalAccident"):
        model = apps.get_model("dashboard", name)
        model.objects.filter(kind="drowning").update(counts_as_work_safety=False)
        rows = model.objects.only("pk", "deaths", "serious_injuries", "direct_loss").order_by("pk")
        for row in rows.iterator():
            loss = (row.direct_loss / Decimal("10000")).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            level = _level(row.deaths, row.serious_injuries, loss)
            model.objects.filter(pk=row.pk).update(direct_loss=loss, level=level)
    too_large = apps.get_model("dashboard", "Accident").objects.filter(direct_loss__gt=Decimal("1000000"))
    if too_large.exists():
        ids = ", ".join(str(pk) for pk in too_large.values_list("pk", flat=True))
        raise RuntimeError(f"Accidents {ids} record a loss above 100亿元; correct them before migrating.")


def backwards(apps, schema_editor):
    for name in ("Accident", "HistoricalAccident"):
        model = apps.get_model("dashboard", name)
        model.objects.update(direct_loss=F("direct_loss") * Decimal("10000"))


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0003_accident_levels_and_on_time_rate"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
