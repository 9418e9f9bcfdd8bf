"""The quarter's visit plan is created by a scheduled task at the start of each quarter (§1)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_celery_beat.models import PeriodicTask

from inspections.models import SupervisionVisit
from inspections.tasks import create_quarter_plans
from tests.factories import SupervisionGroupFactory
from units.models import SupervisionGroup

pytestmark = pytest.mark.django_db


def test_it_ships_the_schedule_for_the_first_day_of_each_quarter():
    task = PeriodicTask.objects.get(task="inspections.tasks.create_quarter_plans")
    assert task.enabled
    assert task.crontab.month_of_year == "1,4,7,10" and task.crontab.day_of_month == "1"
    assert str(task.crontab.timezone) == "Asia/Shanghai"


@time_machine.travel(dt.datetime(2026, 4, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
def test_it_plans_the_new_quarter_when_the_task_runs(world):
    group: SupervisionGroup = SupervisionGroupFactory.create(township=world.township, leader=world.leader)
    group.villages.add(world.village_a, world.village_b)
    create_quarter_plans.delay()
    visits = SupervisionVisit.objects.filter(group=group)
    assert {(v.year, v.quarter) for v in visits} == {(2026, 2)}
    assert visits.count() == 2
    create_quarter_plans.delay()
    assert visits.count() == 2
