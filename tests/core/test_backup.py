"""Backup and restore (issue 10 §5): a backup of a world with evidence restores into a fresh database and folder
with the same rows in every table and the same files, byte for byte."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from core.backup import backup, restore
from core.files import check_upload
from hazards import services as hazard_services
from hazards.models import Evidence
from inspections import services
from tests.hazards.conftest import checked, checked_png
from tests.hazards.test_supervision_escalation import PDF, escalate

# pg_dump reads committed rows only: the world must really be in the database.
transactional = pytest.mark.django_db(transaction=True)


def _params(name: str) -> dict[str, str]:
    s = connection.settings_dict
    params = {"dbname": name, "user": s["USER"], "password": s["PASSWORD"], "host": s["HOST"], "port": str(s["PORT"])}
    return {k: v for k, v in params.items() if v}


@pytest.fixture
def fresh_database():
    """A new, empty database on the test server (dropped afterwards), as its URL."""
    if connection.vendor != "postgresql":
        pytest.skip("the backup test runs on PostgreSQL (CI always does)")
    name = f"liuwei_restore_{secrets.token_hex(4)}"
    with psycopg.connect(**_params("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
    yield f"postgres://{quote(s['USER'], safe='')}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    with psycopg.connect(**_params("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def evidence_world(world, hazard_a, planned) -> None:
    """Rows of every kind that carries a file: hazard evidence (photos and a PDF), an inspection photo and
    signature, an escalation's attachment."""
    hazard_services.hazard_add_evidence(
        hazard_id=hazard_a.pk,
        actor=world.village_a_officer,
        kind="problem",
        photos=[checked("a.jpg"), check_upload(SimpleUploadedFile("plan.pdf", PDF))],
    )
    services.photo_add(inspection_id=planned.pk, actor=world.office, photo=checked("site.jpg"))
    for item in planned.checklist.items.all():
        services.answer_save(inspection_id=planned.pk, actor=world.office, item_id=item.pk, result="pass")
    services.inspection_submit(
        inspection_id=planned.pk, actor=world.office, conclusion="合格", signer_name="张三", signature=checked_png()
    )
    escalate(world, "letter", "unit", world.unit_b, attachment=check_upload(SimpleUploadedFile("函.pdf", PDF)))


def counts_in(cursor, tables: list[str]) -> dict[str, int]:
    result = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  # names from the catalogue
        result[table] = cursor.fetchone()[0]
    return result


def checksums(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


@transactional
def test_it_backs_up_and_restores_into_a_fresh_database_and_folder(
    world, hazard_a, planned, media, fresh_database, tmp_path
):
    evidence_world(world, hazard_a, planned)
    (media / "orphan-from-an-aborted-upload.jpg").write_bytes(b"not referenced")
    before = checksums(media)
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        original = counts_in(cursor, tables)

    call_command("backup", "--to", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == ["database.dump", "manifest.json", "media.tar.gz"]
    restored_media = tmp_path / "restored-media"
    call_command("restore", "--from", str(folder), "--database-url", fresh_database, "--media-root", restored_media)

    with psycopg.connect(fresh_database) as conn, conn.cursor() as cursor:
        assert counts_in(cursor, tables) == original
        cursor.execute("SELECT file FROM hazards_evidence ORDER BY id")
        evidence_files = [row[0] for row in cursor.fetchall()]
    assert len(evidence_files) == Evidence.objects.count() == 2
    after = checksums(restored_media)
    # Every file the database refers to, byte for byte; the unreferenced orphan is not part of the backup.
    assert after == {name: digest for name, digest in before.items() if not name.startswith("orphan")}
    assert set(evidence_files) <= set(after) and len(after) == 5


@transactional
def test_it_refuses_a_target_that_is_not_empty(world, media, fresh_database, tmp_path):
    call_command("backup", "--to", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    call_command("restore", "--from", str(folder), "--database-url", fresh_database, "--media-root", tmp_path / "m1")
    with pytest.raises(CommandError, match="not empty"):
        call_command(
            "restore", "--from", str(folder), "--database-url", fresh_database, "--media-root", tmp_path / "m2"
        )


@transactional
def test_it_refuses_a_damaged_backup(world, media, fresh_database, tmp_path):
    call_command("backup", "--to", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    with (folder / "media.tar.gz").open("ab") as f:
        f.write(b"x")
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", "--from", str(folder), "--database-url", fresh_database, "--media-root", tmp_path / "m")


def test_it_backs_up_the_quick_start_sqlite_file(tmp_path):
    """The quick-start database is one SQLite file: backed up with SQLite's online backup, restored as a copy."""
    source = tmp_path / "db.sqlite3"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE django_migrations (id integer primary key, app text, name text, applied text)")
        conn.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('hazards', '0001_initial', '')")
        conn.execute("CREATE TABLE hazards_evidence (id integer primary key, file text)")
        conn.execute("INSERT INTO hazards_evidence (file) VALUES ('evidence/2026/04/abc.jpg'), ('')")
    media_root = tmp_path / "media"
    (media_root / "evidence/2026/04").mkdir(parents=True)
    (media_root / "evidence/2026/04/abc.jpg").write_bytes(b"photo")
    engine = "django.db.backends.sqlite3"
    folder = backup(database={"ENGINE": engine, "NAME": str(source)}, media_root=media_root, to=tmp_path / "b")
    target = {"ENGINE": engine, "NAME": str(tmp_path / "restored.sqlite3")}
    report = restore(folder=folder, database=target, media_root=tmp_path / "restored")
    assert report.problems == [] and report.rows == 3 and report.files == 1
    assert (tmp_path / "restored/evidence/2026/04/abc.jpg").read_bytes() == b"photo"
