"""Migration 0004 holds answers' phone times stored before the rule to the window the service applies now: at most
30 days before the server stored the answer, never after it — including a year-1 time PostgreSQL keeps as 1 BC,
which the driver cannot even read."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from inspections import services

BEFORE = [("inspections", "0003_enforcement_credentials_leader_signature")]
AFTER = [("inspections", "0004_clamp_answer_client_times")]
STORED = dt.datetime(2025, 6, 10, 9, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_it_clamps_times_outside_the_window_and_keeps_the_rest(world, planned, migrator):
    items = list(planned.checklist.items.order_by("order"))
    answers = [
        services.answer_save(inspection_id=planned.pk, actor=world.office, item_id=i.pk, result="pass") for i in items
    ]
    times = [
        dt.datetime(1, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")),  # 1 BC in UTC
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
        STORED - dt.timedelta(days=3),  # a late offline answer: kept
    ]
    old = migrator.migrate(BEFORE)
    try:
        old_answers = old.get_model("inspections", "InspectionAnswer").objects
        for answer, client_time in zip(answers, times, strict=True):
            old_answers.filter(pk=answer.pk).update(answered_at=STORED, client_time=client_time)
    finally:
        new = migrator.migrate(AFTER)
    new_answers = new.get_model("inspections", "InspectionAnswer").objects
    got = dict(new_answers.values_list("pk", "client_time"))
    assert got == {
        answers[0].pk: STORED - dt.timedelta(days=30),
        answers[1].pk: STORED,
        answers[2].pk: STORED - dt.timedelta(days=3),
    }
