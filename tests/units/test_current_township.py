"""The current township (units.access.current_township): every page acts in it, whatever other roles a user holds.

A person may run one township's office and hold another role in a neighbouring one (包村 in the next township, a
leader seconded). New records, the office's settings and its pages go to the township they act in now: the one
chosen in the session if it is still theirs, else their office's; never "the first" of their townships.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dashboard.models import Accident
from reminders.models import RuleSetting
from tests.conftest import World
from tests.dashboard.test_accidents import form_data
from tests.factories import AssignmentFactory, UserFactory
from units.access import CURRENT_TOWNSHIP_KEY
from units.models import Assignment, Role, Township, User, Village

pytestmark = pytest.mark.django_db

RULE = "rectification_deadline"


def choose(client: Client, value: Any) -> None:
    session = client.session
    session[CURRENT_TOWNSHIP_KEY] = value
    session.save()


@pytest.fixture
def split(world: World) -> User:
    """The office of the neighbouring township, and a village officer (包村) in 刘圩镇."""
    user: User = UserFactory.create(username="split", full_name="split")
    AssignmentFactory(user=user, role=Role.OFFICE, township=world.other_township)
    AssignmentFactory(user=user, role=Role.VILLAGE, township=world.township, village=world.village_a)
    return user


def new_village(client: Client, name: str, code: str) -> Township | None:
    response = client.post(reverse("units:village_create"), {"name": name, "code": code})
    if response.status_code == 404:
        return None
    assert response.status_code == 302
    return Village.objects.get(name=name).township


def test_it_records_in_the_office_township_of_a_user_with_another_role_elsewhere(world, client_for, split):
    client = client_for(split)
    assert new_village(client, "邻镇新村", "341324107299") == world.other_township
    assert client.post(reverse("dashboard:accident_create"), form_data(world, village="")).status_code == 302
    assert Accident.objects.get().township == world.other_township
    client.post(reverse("reminders:rule_toggle", args=[RULE]), {"enabled": "0"})
    assert list(RuleSetting.objects.values_list("township", "enabled")) == [(world.other_township.pk, False)]
    assert client.get(reverse("hazards:escalation_create")).status_code == 200
    assert client.get(reverse("dashboard:monthly_report")).context["township"] == world.other_township


def test_it_offers_no_office_page_where_the_chosen_township_is_one_the_user_does_not_run(world, client_for, split):
    client = client_for(split)
    choose(client, world.township.pk)
    assert new_village(client, "刘圩新村", "341324106299") is None
    assert client.post(reverse("dashboard:accident_create"), form_data(world)).status_code == 404
    assert client.get(reverse("reminders:rules")).status_code == 404
    assert client.get(reverse("hazards:escalation_create")).status_code == 404
    assert not client.get(reverse("dashboard:accidents")).context["can_record"]
    assert client.get(reverse("dashboard:monthly_report")).context["township"] == world.township
    assert not (Village.objects.filter(name="刘圩新村").exists() or Accident.objects.exists())


def test_it_follows_the_choice_of_a_user_who_runs_several_townships(world, client_for):
    AssignmentFactory(user=world.office, role=Role.OFFICE, township=world.other_township)
    client = client_for(world.office)
    choose(client, world.other_township.pk)
    assert new_village(client, "邻镇新村", "341324107299") == world.other_township
    assert client.get(reverse("dashboard:accidents")).context["can_record"]
    choose(client, world.township.pk)
    assert new_village(client, "刘圩新村", "341324106299") == world.township


def test_it_falls_back_to_the_office_township_when_the_chosen_one_is_no_longer_the_users(world, client_for):
    AssignmentFactory(user=world.office, role=Role.OFFICE, township=world.other_township)
    client = client_for(world.office)
    choose(client, world.other_township.pk)
    Assignment.objects.filter(user=world.office, township=world.other_township).update(is_active=False)
    assert new_village(client, "刘圩新村", "341324106299") == world.township


@pytest.mark.parametrize("value", ["abc", "1", 10**12, -1, 2.5, [1], {"pk": 1}, None], ids=repr)
def test_it_falls_back_safely_on_an_invalid_session_value(world, client_for, value):
    client = client_for(world.office)
    choose(client, value)
    assert new_village(client, "刘圩新村", "341324106299") == world.township
    assert client.post(reverse("reminders:rule_toggle", args=[RULE]), {"enabled": "0"}).status_code == 302
    assert RuleSetting.objects.get().township == world.township


def test_it_ignores_a_township_of_someone_else_in_the_session(world, client_for):
    client = client_for(world.office)
    choose(client, world.other_township.pk)
    assert new_village(client, "刘圩新村", "341324106299") == world.township
    assert client.get(reverse("dashboard:monthly_report")).context["township"] == world.township


def test_it_answers_404_to_office_pages_for_a_user_with_no_township(client_for):
    client = client_for(UserFactory(username="nobody"))
    assert client.get(reverse("units:village_create")).status_code == 404
    assert client.get(reverse("reminders:rules")).status_code == 404
    assert client.get(reverse("dashboard:accident_create")).status_code == 404
