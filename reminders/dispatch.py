"""Handing work to Celery without ever making a web request wait for, or fail on, the broker (SPEC S7).

What is due never depends on the broker: a workflow step writes a ScanRequest in its own transaction, and the
periodic job runs what is still open (engine.run_scan_requests). Publishing to Redis is only the fast path, and it
is bounded: the publish runs on a background thread and the caller waits at most ENQUEUE_WAIT for it. A broker that
refuses, or that accepts the connection and then says nothing (frozen, overloaded), opens a breaker: for
BREAKER_OPEN_FOR seconds nothing more waits on it. A publish that completes late still counts and closes the
breaker again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

ENQUEUE_WAIT = 0.1  # seconds a caller waits for the broker at most
BREAKER_OPEN_FOR = 30.0  # seconds nothing is sent to a broker that failed or did not answer in time

# broker URL → time.monotonic() until which it is considered down
_down_until: dict[str, float] = {}
_lock = threading.Lock()
_executor: tuple[int, ThreadPoolExecutor] | None = None


def _publisher() -> ThreadPoolExecutor:
    """One publishing thread per process (a forked worker child gets its own)."""
    global _executor
    with _lock:
        if _executor is None or _executor[0] != os.getpid():
            _executor = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="enqueue"))
        return _executor[1]


def _broker(task: Any) -> str:
    return str(task.app.conf.broker_url)


def broker_is_down(broker: str) -> bool:
    return _down_until.get(broker, 0.0) > time.monotonic()


def _trip(broker: str) -> None:
    _down_until[broker] = time.monotonic() + BREAKER_OPEN_FOR


def reset_breaker() -> None:
    """Forget every broker's failures (tests, or after pointing the app at another broker)."""
    _down_until.clear()


def _publish(task: Any, args: tuple[Any, ...]) -> None:
    with task.app.producer_or_acquire() as producer:
        # One connection attempt, not kombu's retry loop (about 2 s on a closed port), and no result store
        # (nobody reads these results; subscribing to an unreachable one retries for about 20 s).
        producer.connection.ensure_connection(max_retries=0)
        task.apply_async(args=args, retry=False, ignore_result=True, producer=producer)


def _settled_late(broker: str, name: str, args: tuple[Any, ...], future: Future[None]) -> None:
    if future.exception() is None:
        _down_until.pop(broker, None)  # it was only slow: the next enqueue goes through again
        logger.info("enqueued %s%r after all (the broker was slow)", name, args)
    else:
        _trip(broker)
        logger.warning("could not enqueue %s%r: %s", name, args, future.exception())


def enqueue(task: Any, *args: Any) -> bool:
    """Send a task, waiting ENQUEUE_WAIT at most; False when it could not be sent (yet). What could not be sent is
    picked up by the periodic job: scan requests stay open, deliveries stay pending (see tasks.deliver_pending)."""
    if task.app.conf.task_always_eager:
        task.apply_async(args=args)
        return True
    broker = _broker(task)
    if broker_is_down(broker):
        logger.info("not enqueuing %s%r: the broker failed a moment ago; the periodic job will", task.name, args)
        return False
    future = _publisher().submit(_publish, task, args)
    try:
        future.result(timeout=ENQUEUE_WAIT)
    except FutureTimeout:
        _trip(broker)
        future.add_done_callback(lambda f: _settled_late(broker, task.name, args, f))
        logger.warning(
            "could not enqueue %s%r within %.1f s; the broker does not answer; it will be picked up by the "
            "periodic job",
            task.name,
            args,
            ENQUEUE_WAIT,
        )
        return False
    except Exception:  # any broker failure must stay out of the user's request
        _trip(broker)
        logger.warning(
            "could not enqueue %s%r; it will be picked up by the periodic job", task.name, args, exc_info=True
        )
        return False
    _down_until.pop(broker, None)
    return True


def deliver_later(reminder_ids: Iterable[int]) -> None:
    from .tasks import deliver_reminder

    for pk in reminder_ids:
        if not enqueue(deliver_reminder, pk):
            return  # the rest stay pending too: the periodic job sends them, no need to wait on each


def request_hazard_scan(hazard_id: int) -> None:
    """Listens to the hazard workflow (hazards.listeners, registered in hooks.py), inside the step's transaction:
    the rules about this hazard are to run now.

    The request is a row written in the step's transaction (committed with the step, rolled back with it); the
    on-commit task is the fast path and may fail without losing anything (§18: the enterprise is told of a
    registered hazard even when Redis was down at that moment).
    """
    from .models import ScanRequest
    from .tasks import scan_hazard

    ScanRequest.objects.create(hazard_id=hazard_id)
    transaction.on_commit(lambda: enqueue(scan_hazard, hazard_id))
