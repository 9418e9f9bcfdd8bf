"""The overdue page comes twenty hazards at a time, filtered by village, lead unit or level; the page links keep
the filters (issue 14: 41 cards on one phone page)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.hazards.test_overdue import overdue_hazard

pytestmark = pytest.mark.django_db


def rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="overdue-row" data-hazard="(\d+)"', html)]


@pytest.fixture
def overdue(world):
    """23 overdue in village A (the most overdue first: 40 days down to 18), 2 in village B."""
    in_a = [overdue_hazard(world, late=40 - n) for n in range(23)]
    in_b = [
        overdue_hazard(world, late=5 + n, village=world.village_b, enterprise=world.enterprise_b, level="general")
        for n in range(2)
    ]
    return in_a, in_b


def test_it_shows_twenty_hazards_a_page_most_overdue_first(client_for, world, overdue):
    in_a, in_b = overdue
    client = client_for(world.office)
    first = client.get(reverse("hazards:overdue")).content.decode()
    assert rows(first) == [h.pk for h in in_a[:20]]
    second = client.get(reverse("hazards:overdue"), {"page": 2}).content.decode()
    assert rows(second) == [h.pk for h in [*in_a[20:], *reversed(in_b)]]


def test_it_filters_by_village_and_keeps_the_filter_on_the_next_page(client_for, world, overdue):
    in_a, _ = overdue
    client = client_for(world.office)
    html = client.get(reverse("hazards:overdue"), {"village": world.village_a.pk}).content.decode()
    assert rows(html) == [h.pk for h in in_a[:20]]
    assert f'href="?village={world.village_a.pk}&amp;page=2"' in html
    html = client.get(reverse("hazards:overdue"), {"village": world.village_a.pk, "page": 2}).content.decode()
    assert rows(html) == [h.pk for h in in_a[20:]]


def test_it_filters_by_level(client_for, world, overdue):
    _, in_b = overdue
    html = client_for(world.office).get(reverse("hazards:overdue"), {"level": "general"}).content.decode()
    assert rows(html) == [h.pk for h in reversed(in_b)]
    assert 'data-testid="filters-active"' in html


def test_an_invalid_filter_shows_nothing_rather_than_everything(client_for, world, overdue):
    html = client_for(world.office).get(reverse("hazards:overdue"), {"village": "x"}).content.decode()
    assert rows(html) == []


def test_a_village_officer_chooses_among_the_townships_villages_but_sees_only_theirs(client_for, world, overdue):
    _, in_b = overdue
    html = client_for(world.village_b_officer).get(reverse("hazards:overdue")).content.decode()
    assert rows(html) == [h.pk for h in reversed(in_b)]
