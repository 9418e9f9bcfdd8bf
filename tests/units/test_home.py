"""The home page is the user's work queue (core.work_queue): what waits, with its count and its list, most urgent
first; an empty queue says so. Its cost does not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db


def overdue_hazards(world, n: int) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for _ in range(n):
        HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a,
                      status="rectifying", deadline=today - dt.timedelta(days=2))  # fmt: skip
        HazardFactory(village=world.village_a, sector=world.sector_a, status="reported")


def test_it_shows_each_entry_with_its_count_and_its_list(client_for, world):
    overdue_hazards(world, 2)
    page = client_for(world.office).get(reverse("home"))
    body = page.content.decode()
    items = page.context["queue"]
    assert [(i.key, i.count) for i in items][:1] == [("hazards.overdue", 2)]  # the most urgent first
    assert 'data-key="hazards.overdue" data-count="2"' in body
    assert f'href="{reverse("hazards:list")}?overdue=true"' in body
    assert 'data-testid="queue-empty"' not in body


def test_an_empty_queue_says_so_and_offers_a_few_links(client_for, world):
    body = client_for(world.office).get(reverse("home")).content.decode()
    assert 'data-testid="queue-empty"' in body and 'data-testid="queue-item"' not in body
    assert body.count('class="btn btn-sm btn-outline-primary"') == 4


@pytest.mark.parametrize("who", ["office", "village_a_officer", "ent_a"])
def test_its_queries_do_not_grow_with_the_data(client_for, world, who, django_assert_max_num_queries):
    client = client_for(getattr(world, who))
    overdue_hazards(world, 1)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("home"))
    overdue_hazards(world, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))
