"""Real processes for the fault tests: a Redis server, a PostgreSQL server and Celery workers of the test's own, on
free ports of 127.0.0.1, that a test may kill, freeze and restart. The shared servers (127.0.0.1:6379 and :5432,
which the test run itself uses) are never stopped. Every process is started in its own session and killed by its
own id when the test ends, passed or failed."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import kombu.pools
import pytest
import redis
from django.db import connection

from liuwei_safety.celery import app
from reminders import dispatch
from reminders.sms import RecordingBackend

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30  # seconds for a process to start or a piece of work to be done


def unavailable(reason: str) -> None:
    """In CI a missing tool is a failure; on a workstation the test may be skipped, saying why."""
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(
    condition: Callable[[], Any], what: str, timeout: float = TIMEOUT, check: Callable[[], None] = lambda: None
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        check()
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not done after {timeout} s", pytrace=False)
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    """Kill a process we started (by its id), even a frozen one, and reap it."""
    if process is None or process.poll() is not None:
        return
    try:
        os.kill(process.pid, signal.SIGCONT)
        process.kill()
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass


def database_url() -> str:
    """The test database (on the shared server, never stopped), for a worker process to read."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class AcceptThenHang:
    """An SMS gateway (SMS_BACKEND of a worker) that accepts the message — recorded and committed, de-duplicated on
    the reminder like RecordingBackend — and then, with FAULTS_SMS_HANG=1, never returns: the test kills the worker
    at exactly that moment, after the gateway accepted and before the reminder is recorded as sent."""

    def send(self, *, phone: str, text: str, reminder_id: int | None = None) -> None:
        RecordingBackend().send(phone=phone, text=text, reminder_id=reminder_id)
        if os.environ.get("FAULTS_SMS_HANG") == "1":
            time.sleep(600)


# -- Celery in the test process ---------------------------------------------------------------------------------


def forget_connections() -> None:
    """Drop the app's cached broker connections and result store, so the next task uses the current settings."""
    kombu.pools.reset()  # closes every pooled connection and forgets the pools (a closed one would be reused)
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@contextmanager
def celery_pointed_at(**conf: Any) -> Iterator[None]:
    saved = {key: app.conf.get(key) for key in conf}
    app.conf.update(conf)
    forget_connections()
    dispatch.reset_breaker()
    try:
        yield
    finally:
        publisher_idle()
        app.conf.update(saved)
        forget_connections()
        dispatch.reset_breaker()


def publisher_idle(timeout: float = 15) -> None:
    """Wait for the enqueue thread to finish what it still holds (a publish stuck on a silent broker)."""
    dispatch._publisher().submit(lambda: None).result(timeout=timeout)


# -- Redis --------------------------------------------------------------------------------------------------------


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            unavailable("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        log = (self.workdir / f"redis-{self.port}.log").open("ab")
        command = [str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                   "no", "--daemonize", "no", "--dir", str(self.workdir)]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(answers, f"redis-server on port {self.port}", check=self._alive)
        client.close()

    def _alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            pytest.fail(f"redis-server on port {self.port} exited", pytrace=False)

    def kill(self) -> None:
        """kill -9: the broker is gone, with what it held (no persistence, as a crash would lose it)."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def freeze(self) -> None:
        """SIGSTOP: connections are still accepted by the kernel, and nothing ever answers."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        _stop(self.process)


class SilentListener:
    """A TCP port that accepts connections (the kernel's backlog does) and never answers: a broker frozen mid-way."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = int(self.socket.getsockname()[1])

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def close(self) -> None:
        self.socket.close()


# -- PostgreSQL ---------------------------------------------------------------------------------------------------


def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresServer:
    """A throw-away cluster in a temporary folder (trust authentication, no fsync), run by the `postgres` system
    user when the tests run as root (initdb refuses root)."""

    def __init__(self) -> None:
        bindir = _pg_bindir()
        if bindir is None:
            unavailable("PostgreSQL's initdb was not found (apt-get install postgresql)")
        self.bindir: Path = bindir  # type: ignore[assignment]
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                unavailable("running as root, and runuser is missing to start PostgreSQL as the postgres user")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        self.home = Path(tempfile.mkdtemp(prefix="liuwei-faults-pg-"))
        if self.as_user:
            shutil.chown(self.home, user="postgres")
        self.data = self.home / "data"
        self.log = self.home / "server.log"
        self.started = False

    def _run(self, *command: str) -> None:
        result = subprocess.run([*self.as_user, *command], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)

    def init(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")  # fmt: skip

    def start(self) -> None:
        # fsync off: the machine does not crash, only the server; a commit stays committed (no synchronous_commit=off,
        # which would lose the last commits on the immediate shutdown below)
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, "start")  # fmt: skip
        self.started = True

    def crash(self) -> None:
        """Immediate shutdown: every backend is gone at once, as on a crash; the next start recovers."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self.started = False

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def psql(self, database: str, *args: str) -> None:
        command = [str(self.bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                   "-p", str(self.port), "-U", "postgres", "-d", database, *args]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            pytest.fail(f"psql {' '.join(args)} failed:\n{result.stderr[-2000:]}", pytrace=False)

    def copy_schema(self, source_url: str, database: str) -> None:
        """The test database's tables (no rows), so a worker can run on this server; faster than migrating."""
        self.psql("postgres", "-c", f'CREATE DATABASE "{database}"')
        dump = self.home / "schema.sql"
        command = [str(self.bindir / "pg_dump"), "--schema-only", "--no-owner", "--no-privileges", "-f", str(dump),
                   "-d", source_url]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            pytest.fail(f"pg_dump failed:\n{result.stderr[-2000:]}", pytrace=False)
        self.psql(database, "-f", str(dump))

    def stop(self) -> None:
        if self.started:
            subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                            "stop"], capture_output=True, timeout=60)  # fmt: skip
            self.started = False
        shutil.rmtree(self.home, ignore_errors=True)


# -- Celery workers -----------------------------------------------------------------------------------------------


class Worker:
    """`celery worker --pool=solo` on a queue of its own, reading the given database and broker."""

    def __init__(self, *, workdir: Path, database_url: str, broker_url: str, queue: str | None = None,
                 **env: str) -> None:  # fmt: skip
        self.queue = queue or f"reminders-faults-{uuid.uuid4().hex[:10]}"
        self.log = workdir / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "liuwei_safety.settings.test",
            "DATABASE_URL": database_url,
            "REDIS_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "SECRET_KEY": "test",
            "REMINDER_RETRY_BACKOFF": "1",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Worker:
        command = [sys.executable, "-m", "celery", "-A", "liuwei_safety", "worker", "--pool=solo", "--concurrency=1",
                   "-Q", self.queue, "-n", f"{self.queue}-{uuid.uuid4().hex[:4]}@test", "--without-heartbeat",
                   "--without-gossip", "--without-mingle", "-l", "info",
                   # the tasks the worker enqueues itself (deliveries) go to this run's queue too
                   f"task_default_queue={self.queue}"]  # fmt: skip
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)  # fmt: skip
        wait_until(lambda: " ready." in self.output(), "the worker to start", check=self.check_alive)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            pytest.fail(f"the worker exited with {code}:\n{self.output()[-4000:]}", pytrace=False)

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a power cut would: no clean-up, no acknowledgement."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        _stop(self.process)
