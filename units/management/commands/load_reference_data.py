from typing import Any

from django.core.management.base import BaseCommand

from units.reference import load_reference_data


class Command(BaseCommand):
    help = "Load the township, its units and the sector routing (idempotent; keeps the office's edits)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_reference_data()
        self.stdout.write(f"reference data: {result.created} created, {result.existing} already present")
