import unicodedata
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from units.demo import DEMO_PASSWORD, load_demo_data

BANNER = "演示数据 (demo data) — not for production"


class Command(BaseCommand):
    help = "Load the 刘圩镇 demo data set and print its logins (idempotent; refuses to run unless DEBUG or --force)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off. The demo logins share a published password: never on production.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to load demo data: DEBUG is off, so this may be a production database, and the demo "
                f"accounts share the published password {DEMO_PASSWORD!r}. Pass --force to load it anyway."
            )
        result = load_demo_data()
        self.stdout.write(self.style.WARNING(f"*** {BANNER} ***"))
        self.stdout.write(
            f"created: {result.villages} villages, {result.enterprises} enterprises, {result.users} users, "
            f"{result.assignments} assignments, {result.groups} supervision groups"
        )
        rows = [("username", "password", "role", "description")]
        rows += [(username, DEMO_PASSWORD, role, description) for username, role, description in result.logins]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [_pad(row[i], widths[i]) for i in range(3)]
            self.stdout.write("  ".join([*cells, row[3]]).rstrip())
        self.stdout.write("Users that already existed keep their password.")
        self.stdout.write(self.style.WARNING(f"*** {BANNER} ***"))


def _width(text: str) -> int:
    """Columns the text takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
