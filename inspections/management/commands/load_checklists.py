from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from inspections.starter import STARTER_CHECKLISTS, load_starter_checklists
from units.models import Township
from units.reference import TOWNSHIP_CODE


class Command(BaseCommand):
    help = (
        "Load the starter checklists (工贸, 消防, 液化气, 烟花爆竹, 危化品, 建筑施工) for the reference township, "
        "or for every township when it does not exist (idempotent; keeps the office's edits)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--township", help="Division code of the township to load them for.")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options.get("township")
        if code:
            townships = list(Township.objects.filter(code=code))
            if not townships:
                raise CommandError(f"There is no township with the division code {code}.")
        else:
            townships = list(Township.objects.filter(code=TOWNSHIP_CODE)) or list(Township.objects.all())
        if not townships:
            self.stdout.write("No township yet: run load_reference_data first.")
            return
        for township in townships:
            created = load_starter_checklists(township)
            self.stdout.write(
                f"{township.name}: {created} checklist(s) created, {len(STARTER_CHECKLISTS) - created} already there."
            )
