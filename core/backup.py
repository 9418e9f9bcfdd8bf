"""Backup and restore of the database and the evidence files, consistent with each other (issue 10 §5).

A backup is one folder `<DIR>/<UTC timestamp>/` with
- `database.dump`: PostgreSQL's own custom-format dump (`pg_dump -Fc`), or on the quick-start SQLite file a copy
  made by SQLite's online backup;
- `media.tar.gz`: exactly the files the dumped database refers to (evidence, inspection photos, signatures,
  escalation and listing documents, exports), under their paths below MEDIA_ROOT;
- `manifest.json`: versions, the migration state, the row count of every table and the sha256 of every file,
  written last, so a folder without it is not a backup.

Why this is consistent: on PostgreSQL the row counts and the list of files are read inside the very snapshot that
pg_dump dumps (`pg_export_snapshot()` + `pg_dump --snapshot`), so they describe the dump exactly while the site keeps
working. Files are only ever added, under a new server-made name, and a row refers to its file only after the file
was written; so every file the snapshot refers to exists and never changes, and files uploaded after the snapshot
are simply not in this backup (nor are their rows).

This module imports no app of the project: it finds file columns through Django's model registry.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

import django
import psycopg
from django.apps import apps
from django.db import models
from django.utils import timezone

FORMAT = 1
DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
# What a backup cannot contain and must be kept elsewhere, in the office's own safe place.
KEEP_SEPARATELY = [
    "SECRET_KEY (sessions, password-reset links and signed values depend on it)",
    "the environment file with every variable of the README (DATABASE_URL, REDIS_URL, MEDIA_ROOT, e-mail, SMS)",
    "the reverse proxy's configuration and TLS certificates",
]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...
    def fetchall(self) -> list[Any]: ...


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def quoted(name: str) -> str:
    """An SQL identifier for PostgreSQL and SQLite alike (names come from the database's own catalogue)."""
    return '"' + name.replace('"', '""') + '"'


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field of every installed model, historical copies included."""
    found = {
        (model._meta.db_table, f.column)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
    }
    return sorted(found)


# -- the two kinds of database ------------------------------------------------------------------------------


class Database(Protocol):
    vendor: str

    def dumped(self, path: Path) -> AbstractContextManager[Cursor]: ...
    def restore(self, path: Path) -> None: ...
    def is_empty(self) -> bool: ...
    def connect(self) -> AbstractContextManager[Cursor]: ...
    def tables(self, cursor: Cursor) -> list[str]: ...
    def tool_versions(self) -> dict[str, str]: ...


@dataclass
class Postgres:
    config: dict[str, Any]
    vendor: str = "postgresql"

    def _params(self) -> dict[str, Any]:
        c = self.config
        params = {"dbname": c["NAME"], "user": c.get("USER") or None, "password": c.get("PASSWORD") or None}
        params |= {"host": c.get("HOST") or None, "port": str(c["PORT"]) if c.get("PORT") else None}
        return {k: v for k, v in params.items() if v is not None}

    def _run(self, *args: str) -> None:
        """pg_dump / pg_restore with the connection in libpq's variables: the password never on a command line."""
        names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD", "host": "PGHOST", "port": "PGPORT"}
        env = os.environ | {names[k]: v for k, v in self._params().items()}
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")

    @contextmanager
    def connect(self) -> Iterator[Cursor]:
        with psycopg.connect(**self._params()) as conn, conn.cursor() as cursor:
            yield cursor

    @contextmanager
    def dumped(self, path: Path) -> Iterator[Cursor]:
        """Dump inside a read-only repeatable-read snapshot and yield a cursor that sees that same snapshot."""
        with psycopg.connect(**self._params()) as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchall()[0][0]
                self._run("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={path}")
                yield cursor

    def restore(self, path: Path) -> None:
        # Objects belong to whoever restores (the new database's owner), whatever role owned them before.
        self._run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                  f"--dbname={self.config['NAME']}", str(path))  # fmt: skip

    def is_empty(self) -> bool:
        try:
            with self.connect() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
                )
                return bool(cursor.fetchall()[0][0] == 0)
        except psycopg.OperationalError as exc:
            raise BackupError(f"cannot connect to the target database (create it first with createdb): {exc}") from exc

    def tables(self, cursor: Cursor) -> list[str]:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]

    def tool_versions(self) -> dict[str, str]:
        out = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True, check=False)  # noqa: S607
        with self.connect() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchall()[0][0]
        return {"pg_dump": out.stdout.strip(), "postgresql": server}


@dataclass
class Sqlite:
    """The quick-start database file (README: not for production, but it can be backed up the same way)."""

    config: dict[str, Any]
    vendor: str = "sqlite"

    @property
    def path(self) -> Path:
        return Path(self.config["NAME"])

    @contextmanager
    def _open(self, path: Path) -> Iterator[Cursor]:
        conn = sqlite3.connect(path)
        try:
            yield conn.cursor()
        finally:
            conn.close()

    def connect(self) -> AbstractContextManager[Cursor]:
        return self._open(self.path)

    @contextmanager
    def dumped(self, path: Path) -> Iterator[Cursor]:
        # SQLite's online backup copies a consistent state; the counts are then read from the copy itself.
        source, target = sqlite3.connect(self.path), sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        with self._open(path) as cursor:
            yield cursor

    def restore(self, path: Path) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, self.path)

    def is_empty(self) -> bool:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return True
        with self.connect() as cursor:
            return not self.tables(cursor)

    def tables(self, cursor: Cursor) -> list[str]:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1")
        return [row[0] for row in cursor.fetchall()]

    def tool_versions(self) -> dict[str, str]:
        return {"sqlite": sqlite3.sqlite_version}


def database_for(config: dict[str, Any]) -> Database:
    engine = config.get("ENGINE", "")
    if engine.endswith("postgresql"):
        return Postgres(config)
    if engine.endswith("sqlite3"):
        return Sqlite(config)
    raise BackupError(f"unsupported database engine {engine!r}")


def row_counts(db: Database, cursor: Cursor) -> dict[str, int]:
    counts = {}
    for table in db.tables(cursor):
        cursor.execute(f"SELECT count(*) FROM {quoted(table)}")  # noqa: S608  # a name from the catalogue, quoted
        counts[table] = int(cursor.fetchall()[0][0])
    return counts


def migration_state(cursor: Cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    state: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        state.setdefault(app, []).append(name)
    return state


def referenced_files(cursor: Cursor, tables: list[str]) -> list[str]:
    """Every file name the database refers to (FileField values are paths relative to MEDIA_ROOT)."""
    names: set[str] = set()
    for table, column in file_columns():
        if table not in tables:
            continue
        column_sql, table_sql = quoted(column), quoted(table)
        cursor.execute(f"SELECT DISTINCT {column_sql} FROM {table_sql} WHERE {column_sql} <> ''")  # noqa: S608
        names.update(row[0] for row in cursor.fetchall() if row[0])
    return sorted(names)


# -- backup -------------------------------------------------------------------------------------------------


def _safe_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"refusing a file path outside MEDIA_ROOT: {name!r}")
    return path


def archive_media(media_root: Path, names: list[str], target: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Write the named files into a tar.gz; return their checksums and the names that were not on disk."""
    files: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    with tarfile.open(target, "w:gz") as tar:
        for name in names:
            source = media_root / _safe_relative(name)
            if not source.is_file():
                missing.append(name)
                continue
            files[name] = {"sha256": sha256_of(source), "size": source.stat().st_size}
            tar.add(source, arcname=name, recursive=False)
    return files, missing


def backup(*, database: dict[str, Any], media_root: Path, to: Path) -> Path:
    """1. dump the database and, in the same snapshot, count every table and list the files it refers to;
    2. archive exactly those files with their checksums; 3. write the manifest; 4. give the folder its name."""
    db = database_for(database)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    final = to / stamp
    partial = to / f"{stamp}.partial"
    partial.mkdir(parents=True, exist_ok=False)
    try:
        with db.dumped(partial / DUMP) as cursor:
            counts = row_counts(db, cursor)
            migrations = migration_state(cursor)
            names = referenced_files(cursor, list(counts))
        files, missing = archive_media(media_root, names, partial / MEDIA)
        manifest = _manifest(db, counts, migrations, files, missing, partial)
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def _manifest(db: Database, counts: dict[str, int], migrations: dict[str, list[str]],
              files: dict[str, dict[str, Any]], missing: list[str], folder: Path) -> dict[str, Any]:  # fmt: skip
    return {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "versions": {"django": django.get_version(), "python": platform.python_version(), **db.tool_versions()},
        "database": {"vendor": db.vendor, "file": DUMP, "sha256": sha256_of(folder / DUMP)},
        "migrations": migrations,
        "row_counts": counts,
        "media": {"file": MEDIA, "sha256": sha256_of(folder / MEDIA), "files": files, "missing": missing},
        "keep_separately": KEEP_SEPARATELY,
    }


# -- restore ------------------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{folder} has no {MANIFEST}: not a complete backup") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for part in (manifest["database"], manifest["media"]):
        if sha256_of(folder / part["file"]) != part["sha256"]:
            raise BackupError(f"{part['file']} does not match its checksum in the manifest: the backup is damaged")
    return manifest


def extract_media(archive: Path, media_root: Path) -> None:
    """Unpack regular files only, each below MEDIA_ROOT (no links, devices or paths that climb out)."""
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                raise BackupError(f"unexpected entry in {archive.name}: {member.name!r}")
            target = media_root / _safe_relative(member.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is None:
                raise BackupError(f"cannot read {member.name!r} from {archive.name}")
            with source, target.open("xb") as out:
                shutil.copyfileobj(source, out)


def restore(*, folder: Path, database: dict[str, Any], media_root: Path) -> RestoreReport:
    """1. check the manifest and the archives' checksums; 2. refuse a target database or folder that is not
    empty; 3. restore the dump and unpack the files; 4. compare row counts and checksums with the manifest."""
    manifest = read_manifest(folder)
    db = database_for(database)
    if db.vendor != manifest["database"]["vendor"]:
        raise BackupError(f"the backup is of a {manifest['database']['vendor']} database, the target is {db.vendor}")
    if not db.is_empty():
        raise BackupError("the target database is not empty: restore only into a new, empty database")
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} is not empty: restore only into a new, empty folder")
    db.restore(folder / DUMP)
    media_root.mkdir(parents=True, exist_ok=True)
    extract_media(folder / MEDIA, media_root)
    return verify(db, manifest, media_root)


def verify(db: Database, manifest: dict[str, Any], media_root: Path) -> RestoreReport:
    report = RestoreReport()
    with db.connect() as cursor:
        counts = row_counts(db, cursor)
    expected: dict[str, int] = manifest["row_counts"]
    for table in sorted(set(expected) | set(counts)):
        if expected.get(table) != counts.get(table):
            report.problems.append(f"table {table}: {counts.get(table)} rows, the backup had {expected.get(table)}")
    report.tables, report.rows = len(counts), sum(counts.values())
    for name, meta in manifest["media"]["files"].items():
        path = media_root / _safe_relative(name)
        if not path.is_file() or sha256_of(path) != meta["sha256"]:
            report.problems.append(f"file {name}: missing or different from the backup")
        else:
            report.files += 1
    report.problems.extend(f"file {name}: was already missing when the backup was made"
                           for name in manifest["media"]["missing"])  # fmt: skip
    return report
