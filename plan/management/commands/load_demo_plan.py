"""Demo tasks and quarterly reports on the 刘圩镇 plan (idempotent; refuses to run unless DEBUG or --force)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plan.demo import load_demo_plan


class Command(BaseCommand):
    help = "Load demo tasks and quarterly reports on the 刘圩镇 plan (after load_demo_data and load_plan)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even though DEBUG is off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Refusing to load demo data while DEBUG is off; pass --force to load it anyway.")
        result = load_demo_plan()
        self.stdout.write(f"demo plan: {result.tasks} tasks, {result.reports} quarterly reports added")
