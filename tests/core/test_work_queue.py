"""What waits for each user (core.work_queue): every entry any app registered agrees with the list it links to —
the list behind the link shows exactly as many rows as the entry counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core import work_queue
from core.work_queue import Urgency
from inspections.models import WorkProblem
from reminders.models import Delivery, Reminder
from tests.factories import HazardFactory
from units.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(world, planned):
    """Something waits in every entry: an overdue and a new hazard, problems handed over (one overdue), an
    enterprise that never inspected itself, an unread reminder and a delivery to check."""
    today = timezone.localdate()
    place = {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a}
    HazardFactory(**place, status="rectifying", deadline=today - dt.timedelta(days=3))
    HazardFactory(**place, status="reported")
    for deadline in (today - dt.timedelta(days=1), today + dt.timedelta(days=10)):
        WorkProblem.objects.create(township=world.township, inspection=planned, description="台账不全",
                                   village=world.village_a, deadline=deadline, created_by=world.office)  # fmt: skip
    Enterprise.objects.filter(pk=world.enterprise_a.pk).update(created_at=timezone.now() - dt.timedelta(days=800))
    for user, state in ((world.office, Delivery.UNKNOWN), (world.village_a_officer, Delivery.NONE)):
        Reminder.objects.create(rule="rectification_deadline", object_key="hazard:1", period="d-7", user=user,
                                recipient_key=f"user:{user.pk}", township=world.township, title="整改期限将到",
                                sms_state=state)  # fmt: skip


def test_each_entry_counts_what_its_list_shows(client, world, waiting):
    seen = set()
    for user in world.users_by_role().values():
        client.force_login(user)
        for item in work_queue.work_queue_for(user):
            response = client.get(item.url)
            assert response.status_code == 200, item.key
            assert response.context["page_obj"].paginator.count == item.count, (user.username, item.key)
            seen.add(item.key)
    assert seen == {entry.key for entry in work_queue.entries}  # every registered entry was checked


def test_it_puts_the_most_urgent_first_and_leaves_out_what_does_not_concern_the_user(world, waiting):
    office = work_queue.work_queue_for(world.office)
    urgencies = [item.urgency for item in office]
    assert urgencies == sorted(urgencies, reverse=True) and urgencies[0] == Urgency.OVERDUE
    assert {"hazards.overdue", "reminders.to_check"} <= {item.key for item in office}
    enterprise = {item.key for item in work_queue.work_queue_for(world.ent_a)}
    assert enterprise == {"hazards.overdue"}  # not the reports nobody registered yet, nor the office's checks


def test_it_shows_nothing_when_nothing_waits(world):
    assert work_queue.work_queue_for(world.office) == []
