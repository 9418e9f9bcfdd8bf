"""Store the scoreboard of the quarter just ended for every township (what the daily beat task does); again is a
no-op."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from plan.scoreboard_services import freeze_last_quarter


class Command(BaseCommand):
    help = "Freeze the scoreboard of the quarter just ended (once per township)."

    def handle(self, *args: Any, **options: Any) -> None:
        stored = freeze_last_quarter()
        self.stdout.write(f"{stored} scoreboard(s) frozen")
