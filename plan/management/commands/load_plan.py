"""Load a township's plan (actions, measures, targets) from its data file; safe to repeat."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plan.loading import DEFAULT_FILE, load_plan, read_plan_file
from units.models import Township


class Command(BaseCommand):
    help = "Load the plan's actions, measures and targets from a data file (default: the demo township's plan)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="the plan's data file (JSON)")
        parser.add_argument("--township", help="division code of the township (default: the file's township_code)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        data = read_plan_file(path)
        code = options["township"] or data.get("township_code")
        township = Township.objects.filter(code=code).first()
        if township is None:
            raise CommandError(f"No township with division code {code}: run load_reference_data first.")
        result = load_plan(data, township)
        self.stdout.write(f"{result.plan.title} ({township.name}): {result.created} rows added.")
        if result.unmatched:
            names = ", ".join(sorted(set(result.unmatched)))
            self.stdout.write(f"Units the plan names that the township lacks (left unassigned): {names}")
