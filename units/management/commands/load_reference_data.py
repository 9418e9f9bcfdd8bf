from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from units.reference import (
    LIUWEI,
    ReferenceError,
    find_reference,
    load_reference_data,
    read_reference,
    reference_files,
)


class Command(BaseCommand):
    help = (
        "Load one township's reference data: its county, villages, units and sector routing (idempotent; keeps the "
        "office's edits). Without --township or --file, the built-in township."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--township", help="Division code or name of a township with a shipped reference (units/reference_data)."
        )
        source.add_argument("--file", type=Path, help="A township reference file (JSON, see units/reference.py).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["file"]:
                reference = read_reference(options["file"])
            elif options["township"]:
                found = find_reference(options["township"])
                if found is None:
                    known = "、".join(f"{r.name} ({r.code})" for r in [LIUWEI, *reference_files()])
                    raise CommandError(f"No reference data for township {options['township']!r}. Known: {known}.")
                reference = found
            else:
                reference = LIUWEI
        except ReferenceError as exc:
            raise CommandError(str(exc)) from exc
        result = load_reference_data(reference)
        self.stdout.write(
            f"reference data of {reference.name} ({reference.code}): {result.created} created, "
            f"{result.existing} already present"
        )
