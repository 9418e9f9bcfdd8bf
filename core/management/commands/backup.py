"""`python manage.py backup --to /var/backups/liuwei`: the database and the evidence files, consistent (README)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from core.backup import MANIFEST, BackupError, backup


class Command(BaseCommand):
    help = "Write a backup folder DIR/<timestamp>/ with database.dump, media.tar.gz and manifest.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, type=Path, help="the folder that receives the backup folders")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder = backup(
                database=connections["default"].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                to=options["to"],
            )
        except (BackupError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        self.stdout.write(self.style.SUCCESS(f"backup written to {folder}"))
        # The backup is still made: those files were already gone from MEDIA_ROOT before it started.
        for name in manifest["media"]["missing"]:
            self.stderr.write(f"WARNING: {name} is referenced by the database but missing from MEDIA_ROOT")
