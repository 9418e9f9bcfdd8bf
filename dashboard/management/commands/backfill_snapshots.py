"""Store the month-end snapshots of past months from the hazard history (see dashboard.snapshots for how the state
at each month's end is rebuilt). Months already stored are left alone, so the command can be run again."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Min
from django.utils import timezone

from dashboard.snapshots import month_just_ended, months_between, snapshot_month
from hazards.models import Hazard
from units.models import Township


def parse_month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text.strip()}-01")
    except ValueError as exc:
        raise CommandError(f"“{text}” is not a month; write it as YYYY-MM, e.g. 2024-01.") from exc


class Command(BaseCommand):
    help = (
        "Store the month-end statistics snapshots of past months, rebuilt from the hazard history. "
        "A month already stored is never recomputed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--from", dest="first", help="First month, YYYY-MM (default: the month of the earliest hazard found)."
        )
        parser.add_argument("--to", dest="last", help="Last month, YYYY-MM (default: the month just ended).")
        parser.add_argument("--township", help="Division code of one township (default: every active township).")

    def handle(self, *args: Any, **options: Any) -> None:
        townships = Township.objects.filter(is_active=True).order_by("code")
        if options["township"]:
            townships = townships.filter(code=options["township"])
            if not townships.exists():
                raise CommandError(f"No active township with the code {options['township']}.")
        just_ended = month_just_ended(timezone.now())
        last = parse_month(options["last"]) if options["last"] else just_ended
        if last > just_ended:
            raise CommandError(f"{last:%Y-%m} has not ended yet; the last month to store is {just_ended:%Y-%m}.")
        for township in townships:
            first = parse_month(options["first"]) if options["first"] else self._earliest(township)
            if first is None:
                self.stdout.write(f"{township.name}: no hazards, nothing to store.")
                continue
            if first > last:
                raise CommandError("--from lies after --to.")
            for month in months_between(first, last):
                result = snapshot_month(township, month)
                state = f"stored {result.rows} rows" if result.created else "already stored, left alone"
                self.stdout.write(f"{month:%Y-%m} {township.name}: {state}")

    @staticmethod
    def _earliest(township: Township) -> dt.date | None:
        found: dt.date | None = Hazard.objects.filter(township=township).aggregate(m=Min("found_on"))["m"]
        return found.replace(day=1) if found else None
