"""Two people acting on one hazard at once: one wins, the other is told, nothing is overwritten."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from core.errors import WorkflowError
from hazards import services
from hazards.models import Hazard, HazardEvent, Status


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_simultaneous_steps_through(world, hazard_a):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; CI runs this on PostgreSQL")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(actor, step) -> None:
        barrier.wait()
        try:
            step(actor)
            outcomes.append("ok")
        except WorkflowError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    def confirm(actor):
        services.hazard_confirm(hazard_id=hazard_a.pk, actor=actor, level="major", expected_status="reported")

    def dismiss(actor):
        services.hazard_dismiss(hazard_id=hazard_a.pk, actor=actor, note="不是隐患", expected_status="reported")

    threads = [
        threading.Thread(target=act, args=(world.office, confirm)),
        threading.Thread(target=act, args=(world.dept_a, dismiss)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    hazard = Hazard.objects.get(pk=hazard_a.pk)
    assert hazard.status in (Status.CONFIRMED, Status.DISMISSED)
    assert HazardEvent.objects.filter(hazard=hazard).count() == 1
    loser = next(o for o in outcomes if o != "ok")
    assert "他人" in loser or "不能" in loser
