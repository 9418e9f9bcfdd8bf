from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.errors import WorkflowError
from tests.conftest import PASSWORD
from tests.factories import AssignmentFactory, UserFactory
from units import account_services as services
from units.models import AccountEvent, Assignment, Role, User

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


# -- the office's people pages (issue 14) ------------------------------------------------------------------------


def _new_village_officer(client, world, username="new_village"):  # type: ignore[no-untyped-def]
    client.force_login(world.office)
    return client.post(
        reverse("units:person_new"),
        {
            "username": username,
            "full_name": "新村干部",
            "phone": "13912345678",
            "role": Role.VILLAGE,
            "village": world.village_a.pk,
        },
    )


def _temporary_password(response) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r'data-testid="temporary-password">([^<]+)<', response.content.decode())
    assert match, "no temporary password on the page"
    return match.group(1)


def test_it_lists_the_townships_people_with_their_roles(client, world):
    client.force_login(world.office)
    response = client.get(reverse("units:people"))
    assert response.status_code == 200
    rows = _people_rows(response)
    assert "village_a" in rows
    assert "ent_a" in rows
    assert "other_office" not in rows  # the other township's
    assert "county" not in rows
    assert 'data-role="village"' in rows["village_a"]
    assert world.village_a.name in rows["village_a"]


def _people_rows(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    return dict(re.findall(r'<tr data-testid="person" data-username="([^"]+)">(.*?)</tr>', body, re.S))


def test_it_filters_the_people_by_role_and_search(client, world):
    client.force_login(world.office)
    rows = _people_rows(client.get(reverse("units:people"), {"role": Role.DEPARTMENT}))
    assert set(rows) == {"dept_a", "dept_b"}
    rows = _people_rows(client.get(reverse("units:people"), {"q": "village_b"}))
    assert set(rows) == {"village_b"}


def test_it_lists_the_people_in_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for i in range(30):
        AssignmentFactory(
            user=UserFactory(username=f"extra{i}"), role=Role.VILLAGE, township=world.township, village=world.village_a
        )
    client.force_login(world.office)
    client.get(reverse("units:people"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("units:people"), {"page": 2})
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["village_a_officer", "dept_a", "ent_a", "leader", "county", "county_dept"])
def test_it_hides_the_people_pages_from_everyone_but_the_office(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("units:people")).status_code == 404
    assert client.get(reverse("units:person_new")).status_code == 404
    assert client.get(reverse("units:person_detail", args=[world.village_a_officer.pk])).status_code == 404
    response = client.post(reverse("units:person_deactivate", args=[world.village_a_officer.pk]))
    assert response.status_code == 404
    world.village_a_officer.refresh_from_db()
    assert world.village_a_officer.is_active


def test_it_hides_another_townships_people(client, world):
    client.force_login(world.other_office)
    for name in ("person_detail", "person_roles", "person_deactivate", "person_reset_password"):
        assert client.get(reverse(f"units:{name}", args=[world.village_a_officer.pk])).status_code == 404
    response = client.post(reverse("units:person_reset_password", args=[world.village_a_officer.pk]))
    assert response.status_code == 404
    world.village_a_officer.refresh_from_db()
    assert not world.village_a_officer.must_change_password


def test_it_creates_a_village_officer_with_a_temporary_password(client, world):
    response = _new_village_officer(client, world)
    assert response.status_code == 200
    password = _temporary_password(response)
    person = User.objects.get(username="new_village")
    assert person.full_name == "新村干部"
    assert person.check_password(password)
    assert person.must_change_password
    assignment = person.assignments.get()
    assert (assignment.role, assignment.township, assignment.village) == (Role.VILLAGE, world.township, world.village_a)
    assert assignment.history.get().history_user == world.office
    assert list(AccountEvent.objects.filter(user=person).values_list("action", "actor__username")) == [
        ("role_given", "office"),
        ("created", "office"),
    ]
    assert "no-store" in response["Cache-Control"]


def test_it_refuses_a_village_of_another_township(client, world):
    client.force_login(world.office)
    response = client.post(
        reverse("units:person_new"),
        {"username": "x1", "full_name": "某人", "role": Role.VILLAGE, "village": world.other_village.pk},
    )
    assert response.status_code == 200
    assert 'data-testid="field-error"' in response.content.decode()
    assert not User.objects.filter(username="x1").exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COUNTY, Role.COUNTY_DEPARTMENT])
def test_it_never_gives_county_or_administrator_roles(client, world, role):
    client.force_login(world.office)
    response = client.post(reverse("units:person_new"), {"username": "x2", "full_name": "某人", "role": role})
    assert response.status_code == 200
    assert not User.objects.filter(username="x2").exists()
    with pytest.raises(WorkflowError):
        services.person_role_give(actor=world.office, township=world.township, person=world.leader, role=role)


def test_it_refuses_a_taken_user_name(client, world):
    response = _new_village_officer(client, world, username="Village_A")
    assert response.status_code == 200
    assert "temporary-password" not in response.content.decode()
    assert User.objects.filter(username__iexact="village_a").count() == 1


def test_it_gives_and_takes_a_role(client, world):
    client.force_login(world.office)
    response = client.post(
        reverse("units:person_roles", args=[world.dept_b.pk]), {"role": Role.VILLAGE, "village": world.village_b.pk}
    )
    assert response.status_code == 302
    given = Assignment.objects.get(user=world.dept_b, role=Role.VILLAGE)
    assert given.village == world.village_b
    page = client.get(reverse("units:person_role_end", args=[world.dept_b.pk, given.pk]))
    assert page.status_code == 200
    given.refresh_from_db()
    assert given.is_active  # the confirmation page changes nothing
    response = client.post(reverse("units:person_role_end", args=[world.dept_b.pk, given.pk]))
    assert response.status_code == 302
    given.refresh_from_db()
    assert not given.is_active
    assert given.history.first().history_user == world.office
    assert AccountEvent.objects.filter(user=world.dept_b, action="role_taken", actor=world.office).exists()
    detail = client.get(reverse("units:person_detail", args=[world.dept_b.pk])).content.decode()
    assert 'data-action="role_taken"' in detail


def test_it_keeps_the_persons_last_role(client, world):
    client.force_login(world.office)
    only = world.dept_b.assignments.get()
    response = client.post(reverse("units:person_role_end", args=[world.dept_b.pk, only.pk]))
    assert response.status_code == 200
    assert 'data-testid="error"' in response.content.decode()
    only.refresh_from_db()
    assert only.is_active


def test_it_deactivates_a_person_after_confirmation(client, world):
    client.force_login(world.office)
    url = reverse("units:person_deactivate", args=[world.village_b_officer.pk])
    assert client.get(url).status_code == 200
    world.village_b_officer.refresh_from_db()
    assert world.village_b_officer.is_active
    response = client.post(url, {"reason": "调离"})
    assert response.status_code == 302
    world.village_b_officer.refresh_from_db()
    assert not world.village_b_officer.is_active
    event = AccountEvent.objects.get(user=world.village_b_officer, action="deactivated")
    assert (event.actor, event.note) == (world.office, "调离")
    client.logout()
    login = client.post(reverse("login"), {"username": "village_b", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert login.status_code == 200


def test_it_ends_a_deactivated_persons_session(client, world):
    client.force_login(world.village_b_officer)
    person = world.village_b_officer
    services.person_set_active(actor=world.office, township=world.township, person=person, active=False)
    assert client.get(reverse("home")).status_code == 302


def test_it_reactivates_a_person(client, world):
    person = world.village_b_officer
    services.person_set_active(actor=world.office, township=world.township, person=person, active=False)
    client.force_login(world.office)
    response = client.post(reverse("units:person_reactivate", args=[world.village_b_officer.pk]))
    assert response.status_code == 302
    world.village_b_officer.refresh_from_db()
    assert world.village_b_officer.is_active


def test_it_refuses_to_deactivate_oneself(client, world):
    second = UserFactory(username="office2")
    AssignmentFactory(user=second, role=Role.OFFICE, township=world.township)
    client.force_login(world.office)
    response = client.post(reverse("units:person_deactivate", args=[world.office.pk]))
    assert response.status_code == 200
    assert 'data-testid="error"' in response.content.decode()
    world.office.refresh_from_db()
    assert world.office.is_active


def test_it_keeps_the_last_office_account(world):
    second = UserFactory(username="office2")
    AssignmentFactory(user=second, role=Role.OFFICE, township=world.township)
    services.person_set_active(actor=world.office, township=world.township, person=second, active=False)
    # office2 deactivated: office is the last one; nobody (here: the administrator) may deactivate it
    with pytest.raises(WorkflowError, match="最后一个在用的安委办账号"):
        services.person_set_active(actor=world.admin, township=world.township, person=world.office, active=False)
    office_role = world.office.assignments.get(role=Role.OFFICE)
    AssignmentFactory(user=world.office, role=Role.LEADERSHIP, township=world.township)
    with pytest.raises(WorkflowError, match="最后一个在用的安委办账号"):
        services.person_role_take(actor=world.admin, township=world.township, assignment=office_role)
    world.office.refresh_from_db()
    assert world.office.is_active


def test_it_refuses_the_administrators_account(world):
    with pytest.raises(WorkflowError):
        services.person_password_reset(actor=world.office, township=world.township, person=world.admin)
    with pytest.raises(WorkflowError):
        services.person_set_active(actor=world.office, township=world.township, person=world.admin, active=False)


def test_it_refuses_a_person_who_also_works_in_another_township(world):
    with pytest.raises(WorkflowError, match="还在其他乡镇或县里任职"):
        services.person_password_reset(actor=world.office, township=world.township, person=world.two_townships)


def test_it_refuses_writes_by_anyone_but_the_office(world):
    for actor in (world.village_a_officer, world.leader, world.other_office, world.county):
        with pytest.raises(WorkflowError):
            services.person_password_reset(actor=actor, township=world.township, person=world.village_b_officer)


def test_it_sets_a_temporary_password_that_must_be_changed(client, world):
    client.force_login(world.office)
    response = client.post(reverse("units:person_reset_password", args=[world.village_b_officer.pk]))
    assert response.status_code == 200
    password = _temporary_password(response)
    assert AccountEvent.objects.filter(user=world.village_b_officer, action="password_reset").exists()
    client.logout()
    response = client.post(reverse("login"), {"username": "village_b", "password": password})
    assert response.status_code == 302
    for url in (reverse("home"), reverse("hazards:list"), reverse("units:enterprise_list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "Mein-Eigenes-9", "new_password2": "Mein-Eigenes-9"},
    )
    assert response.status_code == 302
    world.village_b_officer.refresh_from_db()
    assert not world.village_b_officer.must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_it_keeps_the_admin_for_staff_only(client, world):
    client.force_login(world.office)
    assert not world.office.is_staff
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    client.force_login(world.admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_it_shows_the_people_menu_entry_to_the_office_only(client, world):
    client.force_login(world.office)
    assert reverse("units:people") in client.get(reverse("home")).content.decode()
    client.force_login(world.village_a_officer)
    assert reverse("units:people") not in client.get(reverse("home")).content.decode()


def test_it_shows_a_deactivated_persons_open_work_as_nobodys(world):
    from django.utils import timezone

    from hazards.responsibility import stuck_items
    from inspections.models import Inspection, WorkProblem

    inspection = Inspection.objects.create(
        township=world.township, kind="supervision", channel="supervision", village=world.village_b,
        created_by=world.office,
    )  # fmt: skip
    problem = WorkProblem.objects.create(
        township=world.township, inspection=inspection, description="未建立隐患台账", village=world.village_b,
        deadline=timezone.localdate(), created_by=world.office,
    )  # fmt: skip
    assert [i.obj for i in stuck_items(world.township) if i.nobody] == []
    person = world.village_b_officer
    services.person_set_active(actor=world.office, township=world.township, person=person, active=False)
    assert [i.obj for i in stuck_items(world.township) if i.nobody] == [problem]
