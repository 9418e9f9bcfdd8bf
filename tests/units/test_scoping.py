"""The scoping matrix: each role × own/other village, sector, enterprise × list/detail/edit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from units.access import get_scope
from units.models import Enterprise

pytestmark = pytest.mark.django_db


def visible_names(world, user) -> set[str]:  # type: ignore[no-untyped-def]
    return set(get_scope(user).filter_enterprises(Enterprise.objects.all()).values_list("name", flat=True))


def test_it_gives_the_office_and_leadership_the_whole_township(world):
    everything = {world.enterprise_a.name, world.enterprise_b.name}
    assert visible_names(world, world.office) == everything
    assert visible_names(world, world.leader) == everything
    assert visible_names(world, world.admin) == everything


def test_it_never_crosses_into_another_township(world):
    assert world.enterprise_other.name not in visible_names(world, world.office)
    assert visible_names(world, world.other_office) == {world.enterprise_other.name}


def test_it_gives_a_village_officer_only_their_villages(world):
    assert visible_names(world, world.village_a_officer) == {world.enterprise_a.name}
    assert visible_names(world, world.village_b_officer) == {world.enterprise_b.name}


def test_it_gives_a_department_the_sectors_it_leads_or_joins(world):
    assert visible_names(world, world.dept_a) == {world.enterprise_a.name}
    world.sector_b.participating_units.add(world.unit_a)
    world.dept_a.__dict__.pop("_liuwei_scope", None)
    assert visible_names(world, world.dept_a) == {world.enterprise_a.name, world.enterprise_b.name}


def test_it_counts_an_enterprises_further_sectors_for_departments(world):
    world.enterprise_b.other_sectors.add(world.sector_a)
    assert visible_names(world, world.dept_a) == {world.enterprise_a.name, world.enterprise_b.name}


def test_it_gives_an_enterprise_contact_only_their_enterprise(world):
    assert visible_names(world, world.ent_a) == {world.enterprise_a.name}


def test_it_ignores_deactivated_assignments(world):
    world.village_a_officer.assignments.update(is_active=False)
    assert visible_names(world, world.village_a_officer) == set()


LIST_ROLES = {
    # role attribute -> (sees list, sees enterprise_a, sees enterprise_b, may edit)
    "office": (True, True, True, True),
    "admin": (True, True, True, True),
    "leader": (True, True, True, False),
    "dept_a": (True, True, False, False),
    "village_a_officer": (True, True, False, False),
    "ent_a": (False, True, False, False),
    "other_office": (True, False, False, False),
}


@pytest.mark.parametrize(("who", "expected"), LIST_ROLES.items())
def test_it_applies_the_rule_to_every_enterprise_page(world, client_for, who, expected):
    sees_list, sees_a, sees_b, may_edit = expected
    client = client_for(getattr(world, who))
    response = client.get(reverse("units:enterprise_list"))
    assert response.status_code == (200 if sees_list else 404)
    if sees_list:
        body = response.content.decode()
        assert (world.enterprise_a.name in body) == sees_a
        assert (world.enterprise_b.name in body) == sees_b
    for enterprise, sees in ((world.enterprise_a, sees_a), (world.enterprise_b, sees_b)):
        detail = client.get(reverse("units:enterprise_detail", args=[enterprise.pk]))
        assert detail.status_code == (200 if sees else 404)
        edit = client.get(reverse("units:enterprise_edit", args=[enterprise.pk]))
        assert edit.status_code == (200 if (sees and may_edit) else 404)
        toggle = client.post(reverse("units:enterprise_toggle", args=[enterprise.pk]), {"active": "0"})
        assert toggle.status_code == (302 if (sees and may_edit) else 404)
        enterprise.refresh_from_db()
        assert enterprise.is_active is not (sees and may_edit)
        Enterprise.objects.filter(pk=enterprise.pk).update(is_active=True)


@pytest.mark.parametrize("who", ["dept_a", "village_a_officer", "ent_a"])
@pytest.mark.parametrize("prefix", ["village", "unit", "sector", "group"])
def test_it_hides_master_data_pages_from_field_roles(world, client_for, who, prefix):
    client = client_for(getattr(world, who))
    assert client.get(reverse(f"units:{prefix}_list")).status_code == 404
    assert client.get(reverse(f"units:{prefix}_create")).status_code == 404


def test_it_lets_leadership_read_but_not_change_a_village(world, client_for):
    client = client_for(world.leader)
    url = reverse("units:village_edit", args=[world.village_a.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "改名村", "code": world.village_a.code}).status_code == 404
    world.village_a.refresh_from_db()
    assert world.village_a.name == "刘圩村"
    assert client.get(reverse("units:village_create")).status_code == 404


def test_it_answers_404_for_another_townships_village(world, client_for):
    client = client_for(world.other_office)
    assert client.get(reverse("units:village_edit", args=[world.village_a.pk])).status_code == 404
    post = client.post(reverse("units:village_toggle", args=[world.village_a.pk]), {"active": "0"})
    assert post.status_code == 404


def test_it_sends_anonymous_visitors_to_the_login_page(client, world):
    response = client.get(reverse("units:enterprise_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
