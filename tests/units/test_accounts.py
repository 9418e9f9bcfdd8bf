from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_logs_in_and_shows_the_roles_navigation(client, world):
    response = client.post(reverse("login"), {"username": "office", "password": PASSWORD}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("units:enterprise_import") in body
    assert reverse("units:village_list") in body


def test_it_shows_a_village_officer_no_master_data_links(client, world):
    client.force_login(world.village_a_officer)
    body = client.get(reverse("home")).content.decode()
    assert reverse("units:enterprise_list") in body
    assert reverse("units:village_list") not in body
    assert reverse("units:enterprise_import") not in body


def test_it_sends_an_enterprise_contact_to_their_enterprise(client, world):
    client.force_login(world.ent_a)
    body = client.get(reverse("home")).content.decode()
    assert reverse("units:enterprise_detail", args=[world.enterprise_a.pk]) in body
    assert f'href="{reverse("units:enterprise_list")}"' not in body


def test_it_locks_an_account_after_five_failures_for_fifteen_minutes(client, world):
    for _ in range(5):
        client.post(reverse("login"), {"username": "office", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert response.status_code == 429
    assert "15" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_keeps_other_accounts_usable_during_a_lockout(client, world):
    for _ in range(5):
        client.post(reverse("login"), {"username": "office", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    assert response.status_code == 302


def test_it_changes_a_password(client, world):
    client.force_login(world.dept_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "An0ther-Secret!", "new_password2": "An0ther-Secret!"},
    )
    assert response.status_code == 302
    world.dept_a.refresh_from_db()
    assert world.dept_a.check_password("An0ther-Secret!")


def test_it_logs_out_by_post(client, world):
    client.force_login(world.office)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
