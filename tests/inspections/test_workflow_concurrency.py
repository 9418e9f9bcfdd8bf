"""Two people acting on one inspection or one handed-over problem at once: one wins, the other is told, nothing is
overwritten and one event row is written."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from core.errors import WorkflowError
from inspections import plans, services
from inspections.models import Inspection, InspectionEvent, Status, WorkProblem, WorkProblemEvent
from tests.factories import SupervisionGroupFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; CI runs this on PostgreSQL")


def race(*acts: Callable[[], Any]) -> list[str]:
    """Run the acts at the same moment, each in its own thread and connection; "ok" or the refusal of each."""
    barrier = threading.Barrier(len(acts))
    outcomes: list[str] = []

    def run(act: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            act()
            outcomes.append("ok")
        except WorkflowError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(act,)) for act in acts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_it_lets_exactly_one_of_a_cancellation_and_a_submission_through(world):
    inspection = services.inspection_plan(
        actor=world.dept_a, township=world.township, kind="special", enterprise=world.enterprise_a
    )
    outcomes = race(
        lambda: services.inspection_cancel(
            inspection_id=inspection.pk, actor=world.office, note="停产", expected_status=Status.PLANNED
        ),
        lambda: services.inspection_submit(
            inspection_id=inspection.pk, actor=world.village_a_officer, conclusion="良好", signer_name="张三"
        ),
    )
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.status in (Status.CANCELLED, Status.SUBMITTED)
    steps = InspectionEvent.objects.filter(inspection=inspection).exclude(action="planned")
    assert list(steps.values_list("to_status", flat=True)) == [inspection.status]
    loser = next(o for o in outcomes if o != "ok")
    assert any(word in loser for word in ("已提交", "已取消", "重新查看", "look at it again", "was cancelled"))


def test_it_lets_exactly_one_of_two_cancellations_through(world):
    inspection = services.inspection_plan(
        actor=world.dept_a, township=world.township, kind="special", enterprise=world.enterprise_a
    )
    outcomes = race(
        *(
            lambda actor=actor: services.inspection_cancel(
                inspection_id=inspection.pk, actor=actor, note="重复计划", expected_status=Status.PLANNED
            )
            for actor in (world.office, world.dept_a)
        )
    )
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    assert InspectionEvent.objects.filter(inspection=inspection, action="cancel").count() == 1


def test_it_lets_exactly_one_of_two_reviewers_through(world):
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.villages.add(world.village_a)
    plans.quarter_plan_create(township=world.township, year=2026, quarter=2)
    visit = group.visits.get().inspection
    problem = plans.problem_create(
        inspection=visit, actor=world.office, description="台账不全", deadline=dt.date(2099, 1, 1)
    )
    plans.problem_reply(problem_id=problem.pk, actor=world.village_a_officer, reply="已补齐")

    outcomes = race(
        lambda: plans.problem_accept(problem_id=problem.pk, actor=world.office, expected_status="replied"),
        lambda: plans.problem_return(
            problem_id=problem.pk, actor=world.leader, note="缺照片", expected_status="replied"
        ),
    )
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    problem = WorkProblem.objects.get(pk=problem.pk)
    assert problem.state in (WorkProblem.State.ACCEPTED, WorkProblem.State.OPEN)
    reviews = WorkProblemEvent.objects.filter(problem=problem, action__in=["accept", "return"])
    assert list(reviews.values_list("to_status", flat=True)) == [problem.state]
    loser = next(o for o in outcomes if o != "ok")
    assert "重新查看" in loser
