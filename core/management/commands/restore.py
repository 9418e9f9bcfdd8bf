"""`python manage.py restore --from DIR/<timestamp> --database-url postgres://…/new --media-root NEWDIR`.

Restores into a NEW, empty database and folder only (never over the running installation), then checks every
table's row count and every file's checksum against the backup's manifest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder into a new, empty database and media folder, then verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, type=Path, help="the backup folder")
        parser.add_argument("--database-url", required=True, help="the new, empty database, e.g. postgres://…/new")
        parser.add_argument("--media-root", required=True, type=Path, help="a new, empty folder for the files")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            database = environ.Env.db_url_config(options["database_url"])
        except (ImproperlyConfigured, KeyError, ValueError) as exc:
            raise CommandError(f"--database-url is not a database URL: {exc}") from exc
        try:
            report = restore(folder=options["source"], database=database, media_root=options["media_root"])
        except (BackupError, OSError) as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        for problem in report.problems:
            self.stderr.write(problem)
        summary = f"{report.tables} tables, {report.rows} rows and {report.files} files restored"
        if report.problems:
            raise CommandError(f"{summary}, but {len(report.problems)} differ from the backup (listed above)")
        self.stdout.write(self.style.SUCCESS(f"{summary}; all agree with the backup's manifest"))
