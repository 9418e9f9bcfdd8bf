"""Reminders under faults (SPEC S7, issue 10), with real processes: a Redis of the test's own that is killed,
frozen and restarted, a PostgreSQL of its own restarted under a running worker, and `celery worker --pool=solo`
processes killed with SIGKILL mid-delivery and mid-scan. Every reminder ends delivered exactly once, or marked
"unknown — check" for the office; none is lost, none is sent twice.

The shared Redis and PostgreSQL that the test run uses are never stopped: the workers of the tests that do not
restart PostgreSQL read the test database on the shared server, as the web process does.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from hazards.models import Hazard, Status
from reminders import tasks
from reminders.models import Delivery, Reminder, ScanRequest, SmsMessage
from tests.factories import HazardFactory

from .faults import (
    TIMEOUT,
    PostgresServer,
    RedisServer,
    SilentListener,
    Worker,
    celery_pointed_at,
    database_url,
    forget_connections,
    wait_until,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

STEP_WITHIN = 0.5  # seconds a workflow step may take whatever the broker does
PRINCIPAL, CONTROLLER = "13800000001", "13800000002"


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes read the test database, which needs PostgreSQL")


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[list]:
    """Whatever a test starts is put here and stopped at the end, passed or failed."""
    started: list = []
    yield started
    for process in reversed(started):
        process.stop()


@pytest.fixture
def redis_server(processes, tmp_path) -> RedisServer:
    server = RedisServer(tmp_path)
    processes.append(server)
    server.start()
    return server


def worker(processes, tmp_path, broker: RedisServer, **options: str) -> Worker:
    running = Worker(workdir=tmp_path, database_url=options.pop("database_url", database_url()),
                     broker_url=broker.url(), **options)  # fmt: skip
    processes.append(running)
    return running.start()


def reported(world) -> Hazard:
    world.enterprise_a.principal_phone, world.enterprise_a.controller_phone = PRINCIPAL, CONTROLLER
    world.enterprise_a.save()
    return HazardFactory.create(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                                reported_by=world.village_a_officer)  # fmt: skip


def confirm(client, hazard: Hazard) -> float:  # type: ignore[no-untyped-def]
    """The office registers the hazard (§18: the enterprise is told); returns the seconds the step took."""
    data = {"level": "general", "hazard_type": "fire", "sector": hazard.sector_id, "expected_status": "reported"}
    start = time.monotonic()
    response = client.post(reverse("hazards:step", args=[hazard.pk, "confirm"]), data)
    elapsed = time.monotonic() - start
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == Status.CONFIRMED
    return elapsed


def registration_notices(hazard: Hazard) -> list[str]:
    qs = Reminder.objects.filter(rule="hazard_registered", object_key=f"hazard:{hazard.pk}")
    return sorted(qs.values_list("recipient_key", flat=True))


def notices_to(world) -> list[str]:
    """The §18 notice goes to the enterprise's contact, and by text to its principal and actual controller."""
    return sorted([f"phone:{PRINCIPAL}", f"phone:{CONTROLLER}", f"user:{world.ent_a.pk}"])


def texts_per_reminder() -> dict[int, int]:
    counts: dict[int, int] = {}
    for reminder_id in SmsMessage.objects.values_list("reminder_id", flat=True):
        counts[reminder_id] = counts.get(reminder_id, 0) + 1
    return counts


def all_delivered() -> bool:
    busy = [Delivery.PENDING, Delivery.SENDING]
    return not Reminder.objects.filter(sms_state__in=busy).exists() and not (
        Reminder.objects.filter(email_state__in=busy).exists()
    )


def assert_each_text_sent_once() -> None:
    texted = list(Reminder.objects.filter(user__isnull=True).values_list("pk", "sms_state"))
    assert texted, "no text message was due"
    assert {state for _pk, state in texted} == {Delivery.SENT}
    assert texts_per_reminder() == {pk: 1 for pk, _state in texted}


# -- Redis killed ---------------------------------------------------------------------------------------------


def test_redis_killed_during_a_step_the_notices_are_recorded_and_delivered_once_it_is_back(
    world, client_for, processes, tmp_path, redis_server
):
    hazard = reported(world)
    running = worker(processes, tmp_path, redis_server)
    client = client_for(world.office)
    client.get(hazard.get_absolute_url())  # warm up: templates, imports
    with celery_pointed_at(broker_url=redis_server.url(), result_backend=redis_server.url(),
                           task_always_eager=False, task_default_queue=running.queue):  # fmt: skip
        redis_server.kill()
        elapsed = confirm(client, hazard)
        assert elapsed < STEP_WITHIN, f"the step took {elapsed:.2f} s with Redis killed"
        # what the step made due is in the database, committed with the step
        assert ScanRequest.objects.filter(hazard_id=hazard.pk, done_at=None).count() == 1
        assert registration_notices(hazard) == []

        redis_server.start()  # empty: what Redis held is lost, as after a crash
        forget_connections()
        # beat's two-minute job, once it can be sent again; the worker reconnects by itself
        tasks.run_scan_requests.apply_async(queue=running.queue).get(timeout=TIMEOUT)
        wait_until(all_delivered, "the delivery of the notices", check=running.check_alive)

    assert registration_notices(hazard) == notices_to(world)
    assert not ScanRequest.objects.filter(done_at=None).exists()
    assert_each_text_sent_once()
    assert "reminders.tasks.deliver_reminder" in running.output()  # delivered by the worker, through Redis


# -- Redis silent -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("broker", ["silent socket", "frozen redis-server"])
def test_a_step_never_waits_on_a_broker_that_accepts_connections_and_never_answers(
    world, client_for, processes, tmp_path, caplog, broker
):
    if broker == "silent socket":
        silent = SilentListener()
        processes.append(type("Closer", (), {"stop": lambda self: silent.close()})())
        url = silent.url()
    else:
        server = RedisServer(tmp_path)
        processes.append(server)
        server.start()
        server.freeze()  # SIGSTOP
        url = server.url()
    first, second = reported(world), reported(world)
    client = client_for(world.office)
    client.get(first.get_absolute_url())  # warm up
    # A running web process has loaded the broker's client long before; loading it here, inside the timed step,
    # holds the interpreter in the publishing thread while the step runs, on a busy machine for tenths of a second.
    importlib.import_module("kombu.transport.redis")
    caplog.set_level(logging.INFO, logger="reminders.dispatch")
    with celery_pointed_at(broker_url=url, result_backend=url, task_always_eager=False):
        took = [confirm(client, first), confirm(client, second)]
    assert max(took) < STEP_WITHIN, f"the steps took {took[0]:.2f} s and {took[1]:.2f} s with the broker {broker}"
    assert "does not answer" in caplog.text  # the first step gave up on the broker after 0.1 s
    assert "the broker failed a moment ago" in caplog.text  # the second did not even try (the breaker)
    assert ScanRequest.objects.filter(done_at=None).count() == 2 and not Reminder.objects.exists()

    # the broker answers again (tasks in-process, as the test settings say): the two-minute job records them
    assert tasks.run_scan_requests() == 6
    assert registration_notices(first) == registration_notices(second) == notices_to(world)


# -- a worker killed after the gateway accepted -------------------------------------------------------------------


def test_a_worker_killed_after_the_gateway_accepted_a_text_never_makes_it_leave_twice(
    world, client_for, processes, tmp_path, redis_server
):
    reminder = Reminder.objects.create(rule="rectification_deadline", object_key="hazard:1", object_id=1,
                                       period="d-3:2026-12-10", recipient_key=f"phone:{PRINCIPAL}", phone=PRINCIPAL,
                                       township=world.township, title="整改期限将到", body="请按期整改",
                                       sms_state=Delivery.PENDING)  # fmt: skip
    backend = "tests.reminders.faults.AcceptThenHang"
    hanging = worker(processes, tmp_path, redis_server, SMS_BACKEND=backend, FAULTS_SMS_HANG="1")
    url = redis_server.url()
    with celery_pointed_at(broker_url=url, result_backend=url, task_always_eager=False,
                           task_default_queue=hanging.queue):  # fmt: skip
        tasks.deliver_reminder.apply_async((reminder.pk,), queue=hanging.queue)
        wait_until(lambda: SmsMessage.objects.filter(reminder=reminder).exists(), "the gateway accepting the text",
                   check=hanging.check_alive)  # fmt: skip
        hanging.kill()  # SIGKILL after the gateway accepted, before the reminder was recorded as sent
        reminder.refresh_from_db()
        assert reminder.sms_state == Delivery.SENDING

        fresh = worker(processes, tmp_path, redis_server, SMS_BACKEND=backend, queue=hanging.queue)
        # the same message handed over again (acks_late: Redis gives an unacknowledged message back later)
        tasks.deliver_reminder.apply_async((reminder.pk,), queue=fresh.queue).get(timeout=TIMEOUT)
        assert texts_per_reminder() == {reminder.pk: 1}

        # 15 minutes later, the ten-minute job: the claim is stale and the text may have left — checked, not resent
        Reminder.objects.filter(pk=reminder.pk).update(sms_sent_at=F("sms_sent_at") - dt.timedelta(minutes=16))
        assert tasks.deliver_pending.apply_async(queue=fresh.queue).get(timeout=TIMEOUT) == 0
        assert Reminder.objects.get(pk=reminder.pk).sms_state == Delivery.UNKNOWN
        assert texts_per_reminder() == {reminder.pk: 1}

        # the office sees it and sends it again on purpose: the gateway de-duplicates on the reminder's id
        office = client_for(world.office)
        assert f'data-testid="check-{reminder.pk}-sms"' in office.get(reverse("reminders:check")).content.decode()
        data = {"channel": "sms", "resend": "1"}
        assert office.post(reverse("reminders:check_resolve", args=[reminder.pk]), data).status_code == 302
        wait_until(lambda: Reminder.objects.get(pk=reminder.pk).sms_state == Delivery.SENT, "the resend",
                   check=fresh.check_alive)  # fmt: skip

    assert texts_per_reminder() == {reminder.pk: 1}  # one text in all, after a kill, a replay and a resend
    assert Reminder.objects.get(pk=reminder.pk).checked_by == world.office


# -- a scan killed part-way -----------------------------------------------------------------------------------

PAUSE = f"""
CREATE FUNCTION faults_pause() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_sleep(120); RETURN NEW; END $$;
CREATE TRIGGER faults_pause BEFORE INSERT ON reminders_reminder FOR EACH ROW
WHEN (NEW.recipient_key = 'phone:{PRINCIPAL}') EXECUTE FUNCTION faults_pause();
"""
UNPAUSE = "DROP TRIGGER IF EXISTS faults_pause ON reminders_reminder; DROP FUNCTION IF EXISTS faults_pause();"


def _sleeping_backend() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'")
        row = cursor.fetchone()
    return row[0] if row else None


def _end_sleeping_backends() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event = 'PgSleep'"
        )
    wait_until(lambda: _sleeping_backend() is None, "the dead worker's session to end")


def test_a_scan_killed_after_the_first_of_three_recipients_is_done_whole_by_the_next_scan(
    world, processes, tmp_path, redis_server
):
    hazard = reported(world)
    Hazard.objects.filter(pk=hazard.pk).update(status=Status.CONFIRMED, confirmed_at=timezone.now())
    running = worker(processes, tmp_path, redis_server)
    url = redis_server.url()
    with connection.cursor() as cursor:
        cursor.execute(PAUSE)  # the database holds the scan right before the second recipient's row
    try:
        with celery_pointed_at(broker_url=url, result_backend=url, task_always_eager=False,
                               task_default_queue=running.queue):  # fmt: skip
            tasks.scan_reminders.apply_async(queue=running.queue)
            backend = wait_until(_sleeping_backend, "the scan reaching the second recipient", check=running.check_alive)
            running.kill()  # SIGKILL: the first recipient's row is written, the other two are not
            _end_sleeping_backends()  # the server notices the dead client (at once here, not at its next read)
            assert backend is not None
            with connection.cursor() as cursor:
                cursor.execute(UNPAUSE)
            # one object's reminders are one transaction: none of the three was left behind
            assert registration_notices(hazard) == []

            again = worker(processes, tmp_path, redis_server, queue=running.queue)
            assert tasks.scan_reminders.apply_async(queue=again.queue).get(timeout=TIMEOUT) >= 3
            wait_until(all_delivered, "the delivery of the notices", check=again.check_alive)
    finally:
        _end_sleeping_backends()  # else a failed test leaves a session holding locks for two minutes
        with connection.cursor() as cursor:
            cursor.execute(UNPAUSE)

    assert registration_notices(hazard) == notices_to(world)
    every = list(Reminder.objects.values_list("rule", "object_key", "period", "recipient_key"))
    assert len(every) == len(set(every))
    assert_each_text_sent_once()


# -- PostgreSQL restarted --------------------------------------------------------------------------------------


class Database:
    """The worker's own PostgreSQL, read with short connections (the server goes away in the middle)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=2) as db:
            cursor = db.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def text_reminder(self, phone: str) -> int:
        row = self.query(
            "INSERT INTO reminders_reminder (rule, object_key, object_id, period, recipient_key, phone, title, body, "
            "url, created_at, email_state, email_attempts, sms_state) VALUES ('rectification_deadline', %s, 1, "
            "'d-3:2026-12-10', %s, %s, '整改期限将到', '请按期整改', '', now(), 'none', 0, 'pending') RETURNING id",
            (f"hazard:{phone}", f"phone:{phone}", phone),
        )
        return int(row[0][0])

    def state(self, reminder_id: int) -> str | None:
        try:
            rows = self.query("SELECT sms_state FROM reminders_reminder WHERE id = %s", (reminder_id,))
        except psycopg.OperationalError:
            return None  # still starting
        return str(rows[0][0])

    def texts(self) -> dict[int, int]:
        rows = self.query("SELECT reminder_id, count(*) FROM reminders_smsmessage GROUP BY reminder_id")
        return {int(pk): int(n) for pk, n in rows}


def test_a_postgresql_restart_under_a_running_worker_delays_deliveries_and_sends_each_once(
    processes, tmp_path, redis_server
):
    server = PostgresServer()
    processes.append(server)
    server.init()
    server.start()
    server.copy_schema(database_url(), "faults")
    db = Database(server.url("faults"))
    # CONN_MAX_AGE as in production: the worker holds connections that the restart breaks
    running = worker(processes, tmp_path, redis_server, database_url=db.url, CONN_MAX_AGE="60")
    before, during, after = (db.text_reminder(phone) for phone in ("13900000001", "13900000002", "13900000003"))
    url = redis_server.url()
    with celery_pointed_at(broker_url=url, result_backend=url, task_always_eager=False,
                           task_default_queue=running.queue):  # fmt: skip
        tasks.deliver_reminder.apply_async((before,), queue=running.queue).get(timeout=TIMEOUT)
        assert db.state(before) == Delivery.SENT

        server.crash()  # every connection gone at once
        task = tasks.deliver_reminder.apply_async((during,), queue=running.queue)
        wait_until(lambda: f"deliver_reminder[{task.id}] retry" in running.output(), "the task meeting the restart",
                   check=running.check_alive)  # fmt: skip
        server.start()
        wait_until(lambda: db.state(during) == Delivery.SENT, "the retry after the restart", check=running.check_alive)

        tasks.deliver_reminder.apply_async((after,), queue=running.queue).get(timeout=TIMEOUT)

    assert [db.state(pk) for pk in (before, during, after)] == [Delivery.SENT] * 3
    assert db.texts() == {before: 1, during: 1, after: 1}
    running.check_alive()  # the same worker process throughout
    assert "OperationalError" in running.output()
