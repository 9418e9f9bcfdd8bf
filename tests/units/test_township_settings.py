"""The office sets its township's time limit for confirming reports; others cannot; bad values are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def save(client_for, world, user, value, township=None, cutoff="2024-01-01"):
    township = township or world.township
    url = reverse("units:township_settings_save", args=[township.pk])
    data = {f"t{township.pk}-confirmation_days": value, f"t{township.pk}-stock_cutoff": cutoff}
    return client_for(user).post(url, data)


def test_it_lets_the_office_change_the_confirmation_limit_and_keeps_the_history(world, client_for):
    page = client_for(world.office).get(reverse("units:township_settings"))
    assert page.status_code == 200
    assert save(client_for, world, world.office, "7").status_code == 302
    world.township.refresh_from_db()
    assert world.township.confirmation_days == 7
    assert world.township.history.first().history_user == world.office


@pytest.mark.parametrize("who", ["leader", "dept_a", "village_a_officer", "ent_a"])
def test_it_shows_the_settings_to_the_office_only(world, who, client_for):
    assert client_for(getattr(world, who)).get(reverse("units:township_settings")).status_code == 404
    assert save(client_for, world, getattr(world, who), "9").status_code == 404
    world.township.refresh_from_db()
    assert world.township.confirmation_days == 5


def test_it_keeps_another_townships_office_out(world, client_for):
    assert save(client_for, world, world.other_office, "9").status_code == 404


@pytest.mark.parametrize("value", ["0", "61", "abc", "²", "-1", "99999999999999999999"])
def test_it_refuses_values_outside_the_bounds_with_a_message(world, value, client_for):
    response = save(client_for, world, world.office, value)
    assert response.status_code == 302
    world.township.refresh_from_db()
    assert world.township.confirmation_days == 5
    follow = client_for(world.office).get(reverse("units:township_settings"))
    assert follow.status_code == 200


def test_it_lets_each_township_keep_its_own_stock_cutoff(world, client_for):
    assert save(client_for, world, world.office, "5", cutoff="2025-03-01").status_code == 302
    world.township.refresh_from_db()
    world.other_township.refresh_from_db()
    assert world.township.stock_cutoff == dt.date(2025, 3, 1)
    assert world.other_township.stock_cutoff == dt.date(2024, 1, 1)  # the installation's default


@pytest.mark.parametrize("cutoff", ["", "2025-02-30", "1800-01-01", "2999-01-01", "abc"])
def test_it_refuses_a_stock_cutoff_that_is_no_date_or_in_the_future(world, client_for, cutoff):
    assert save(client_for, world, world.office, "7", cutoff=cutoff).status_code == 302
    world.township.refresh_from_db()
    assert (world.township.stock_cutoff, world.township.confirmation_days) == (dt.date(2024, 1, 1), 5)
