"""The real thing: a Celery worker process on the Redis at 127.0.0.1 runs the scan sent through the broker, and
the deliveries it enqueues itself; each notification exists once and is sent once, even when the scan is sent
twice. The worker reads the test database (a transactional test, so it sees the committed data)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.db import connection

from hazards.models import Status
from reminders.models import Delivery, Reminder, SmsMessage
from reminders.tasks import scan_reminders
from tests.factories import HazardFactory

from .faults import celery_pointed_at, database_url, unavailable

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/11"  # a database of its own; each run also uses a queue of its own
TIMEOUT = 30  # seconds, for the worker to start and for the work to be done
AT = "2026-12-03T08:00:00+08:00"
PHONE = "13912345678"


@dataclass
class Worker:
    queue: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"the worker exited with {self.process.returncode}:\n{self.output()}")


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    if connection.vendor != "postgresql":
        unavailable("the worker test needs PostgreSQL (a second process reads the test database)")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis does not answer at {REDIS_URL}: {exc}")
    yield client
    client.close()


@pytest.fixture
def worker(transactional_db, redis_client, tmp_path) -> Iterator[Worker]:
    queue = f"reminders-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "liuwei_safety.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "SECRET_KEY": "test",
        "CONN_MAX_AGE": "0",
    }
    command = [sys.executable, "-m", "celery", "-A", "liuwei_safety", "worker", "--pool=solo", "--concurrency=1",
               "-Q", queue, "-n", f"{queue}@test", "--without-heartbeat", "--without-gossip", "--without-mingle",
               "-l", "info",
               # the deliveries the worker enqueues itself go to this run's queue too
               f"task_default_queue={queue}"]  # fmt: skip
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    running = Worker(queue=queue, process=process, log=log)
    try:
        deadline = time.monotonic() + TIMEOUT
        while " ready." not in running.log.read_text(errors="replace"):
            running.check_alive()
            if time.monotonic() > deadline:
                pytest.fail(f"the worker was not ready after {TIMEOUT} s:\n{running.output()}")
            time.sleep(0.1)
        with celery_pointed_at(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False,
                               task_default_queue=queue):  # fmt: skip
            yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        # leave nothing of this run behind in Redis (other runs use other queues and are left alone)
        for key in redis_client.scan_iter(match=f"*{queue}*"):
            redis_client.delete(key)
        for binding in redis_client.scan_iter(match="_kombu.binding.*", _type="set"):
            for member in redis_client.smembers(binding):
                if queue.encode() in member:
                    redis_client.srem(binding, member)


def wait_for(worker: Worker, condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        worker.check_alive()
        if time.monotonic() > deadline:
            pytest.fail(f"{what} was not done after {TIMEOUT} s:\n{worker.output()}")
        time.sleep(0.2)


def test_a_real_worker_runs_the_scan_through_the_broker_and_sends_each_notification_once(world, worker):
    world.ent_a.email = "ent_a@example.com"
    world.ent_a.save()
    hazard = HazardFactory(
        village=world.village_a,
        sector=world.sector_a,
        enterprise=world.enterprise_a,
        status=Status.RECTIFYING,
        deadline=dt.date(2026, 12, 10),
        responsible_phone=PHONE,
    )

    # the same scan sent twice, as beat might after a restart: the second finds everything recorded
    first = scan_reminders.apply_async(kwargs={"at": AT}, queue=worker.queue)
    second = scan_reminders.apply_async(kwargs={"at": AT}, queue=worker.queue)
    try:
        assert first.get(timeout=TIMEOUT, disable_sync_subtasks=False) >= 4
        assert second.get(timeout=TIMEOUT, disable_sync_subtasks=False) == 0
    finally:
        first.forget()
        second.forget()

    def delivered() -> bool:
        busy = [Delivery.PENDING, Delivery.SENDING]
        return not Reminder.objects.filter(email_state__in=busy).exists() and not (
            Reminder.objects.filter(sms_state__in=busy).exists()
        )

    wait_for(worker, delivered, "the delivery of the reminders")

    users = {world.ent_a.pk, world.village_a_officer.pk, world.dept_a.pk}
    expected = {f"user:{pk}" for pk in users} | {f"phone:{PHONE}"}
    ours = Reminder.objects.filter(rule="rectification_deadline", object_key=f"hazard:{hazard.pk}")
    assert sorted(ours.values_list("period", "recipient_key")) == sorted(("d-7:2026-12-10", k) for k in expected)
    every = list(Reminder.objects.values_list("rule", "object_key", "period", "recipient_key"))
    assert len(every) == len(set(every))  # each notification once, whatever the rules

    emailed = ours.get(user=world.ent_a)
    assert (emailed.email_state, emailed.email_attempts) == (Delivery.SENT, 1)  # sent by the worker, once
    texted = ours.get(phone=PHONE)
    assert texted.sms_state == Delivery.SENT
    assert list(SmsMessage.objects.filter(phone=PHONE).values_list("reminder_id", flat=True)) == [texted.pk]
    for reminder in Reminder.objects.filter(sms_state=Delivery.SENT):
        assert reminder.sms_messages.count() == 1
    assert "reminders.tasks.deliver_reminder" in worker.output()  # the worker delivered them itself
