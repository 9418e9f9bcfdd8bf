# Temporary merge of the three readiness branches' first migrations (scoreboard branch only); the lead replaces all
# readiness migrations with one at merge.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("readiness", "0001_drills"),
        ("readiness", "0001_filing"),
        ("readiness", "0001_training"),
    ]

    operations: list[migrations.operations.base.Operation] = []
