"""Demo drills, plans, penalties and law-enforcement inspections for 刘圩镇 (readiness.drills.demo)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from readiness.drills.demo import load_demo_drills
from units.models import Township
from units.reference import TOWNSHIP_CODE


class Command(BaseCommand):
    help = "Load demo emergency plans, drills and penalties of 刘圩镇 (idempotent; after load_demo_data)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even though DEBUG is off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Refusing to load demo data while DEBUG is off; pass --force to load it anyway.")
        township = Township.objects.filter(code=TOWNSHIP_CODE).first()
        if township is None:
            raise CommandError("Load the demo data first (load_demo_data).")
        r = load_demo_drills(township)
        self.stdout.write(
            f"created: {r.plans} plans, {r.drills} drills, {r.penalties} penalties, {r.inspections} inspections"
        )
