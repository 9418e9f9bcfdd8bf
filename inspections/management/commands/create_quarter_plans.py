"""Plan the quarter's supervision visits on demand (§1); the same service as the beat task."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core import dates
from inspections import plans


class Command(BaseCommand):
    help = "Plan each active township's supervision visits for a quarter (default: the current one, Asia/Shanghai)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, help="e.g. 2026")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])

    def handle(self, *args: Any, **options: Any) -> None:
        year, quarter = options["year"], options["quarter"]
        if (year is None) != (quarter is None):
            raise CommandError("Give both --year and --quarter, or neither for the current quarter.")
        if year is not None and not 2000 <= year <= 2100:
            raise CommandError("--year must be between 2000 and 2100.")
        if year is None:
            year, quarter = dates.quarter_of(dates.local_today())
        created = plans.quarter_plans_create_all(year=year, quarter=quarter)
        for code, n in created.items():
            self.stdout.write(f"{code} {year}Q{quarter}: {n} visit(s) planned")
        self.stdout.write(self.style.SUCCESS(f"{sum(created.values())} visit(s) planned in total"))
