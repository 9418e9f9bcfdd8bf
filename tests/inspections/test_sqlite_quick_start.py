"""The quick start's SQLite file (`make run`) is a real database for a few phones at once (issue 10): WAL, a busy
timeout and immediate write transactions, so twenty phones saving answers at the same moment queue instead of
failing with "database is locked". Run in a separate process: the suite itself runs on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from liuwei_safety.settings.base import BASE_DIR


def run_writers(path: Path, *flags: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "liuwei_safety.settings.test", "REDIS_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "tests.inspections.sqlite_writers", str(path), *flags],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def writers(tmp_path_factory):
    return run_writers(tmp_path_factory.mktemp("sqlite") / "quick-start.sqlite3")


def test_it_opens_sqlite_with_wal_a_busy_timeout_and_immediate_writes(writers):
    assert writers["pragmas"] == {"journal_mode": "wal", "busy_timeout_ms": 20000, "transaction_mode": "IMMEDIATE"}


def test_it_stores_every_answer_of_twenty_phones_saving_at_once(writers):
    assert writers["kinds"] == [] and writers["errors"] == 0
    assert writers["stored"] == 20 and writers["all_stored"] is True
