"""The inspector pool (§30): the office keeps it, leadership reads it, nobody else sees it; nobody deletes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inspections.models import Inspector
from tests.factories import UserFactory


@pytest.fixture
def expert(world) -> Inspector:
    return Inspector.objects.create(
        township=world.township, name="王专家", pool="expert", organisation="宿州市安全生产专家库", speciality="危化品"
    )


@pytest.fixture
def staff(world) -> Inspector:
    return Inspector.objects.create(township=world.township, name="李干事", pool="staff")


def _rows(response) -> list[int]:
    body = response.content.decode()
    return [int(part.split('"', 1)[0]) for part in body.split('data-testid="inspector-row" data-inspector="')[1:]]


def test_it_lists_the_pool_for_the_office_and_leadership(world, expert, staff, client_for):
    other = Inspector.objects.create(township=world.other_township, name="邻镇检查员")
    for user in (world.office, world.leader):
        response = client_for(user).get(reverse("inspections:inspector_list"))
        assert response.status_code == 200
        assert sorted(_rows(response)) == sorted([expert.pk, staff.pk])
        assert other.pk not in _rows(response)


def test_it_hides_the_pool_from_everyone_else(world, expert, client_for):
    for user in (world.village_a_officer, world.dept_a, world.ent_a):
        client = client_for(user)
        assert client.get(reverse("inspections:inspector_list")).status_code == 404
        assert client.get(reverse("inspections:inspector_edit", args=[expert.pk])).status_code == 404
        assert client.get(reverse("inspections:inspector_create")).status_code == 404
    assert (
        client_for(world.other_office).get(reverse("inspections:inspector_edit", args=[expert.pk])).status_code == 404
    )


def test_it_filters_by_pool_and_searches(world, expert, staff, client_for):
    client = client_for(world.office)
    assert _rows(client.get(reverse("inspections:inspector_list"), {"pool": "expert"})) == [expert.pk]
    assert _rows(client.get(reverse("inspections:inspector_list"), {"q": "危化"})) == [expert.pk]
    assert _rows(client.get(reverse("inspections:inspector_list"), {"q": "李"})) == [staff.pk]


def test_it_lets_the_office_add_an_inspector_linked_to_an_account(world, client_for):
    response = client_for(world.office).post(
        reverse("inspections:inspector_create"),
        {"name": "赵监督员", "pool": "social", "phone": "13900000000", "user": world.village_a_officer.pk},
    )
    assert response.status_code == 302
    inspector = Inspector.objects.get(name="赵监督员")
    assert (inspector.township, inspector.pool, inspector.user) == (world.township, "social", world.village_a_officer)
    assert inspector.is_active


def test_it_adds_an_inspector_without_an_account(world, client_for):
    client_for(world.office).post(reverse("inspections:inspector_create"), {"name": "服务机构甲", "pool": "contractor"})
    assert Inspector.objects.get(name="服务机构甲").user is None


def test_it_links_only_accounts_of_the_township(world, client_for):
    stranger = UserFactory(username="stranger")
    response = client_for(world.office).post(
        reverse("inspections:inspector_create"), {"name": "某人", "pool": "staff", "user": stranger.pk}
    )
    assert response.status_code == 200
    assert not Inspector.objects.filter(name="某人").exists()


def test_it_lets_the_office_edit_an_inspector(world, expert, client_for):
    url = reverse("inspections:inspector_edit", args=[expert.pk])
    response = client_for(world.office).post(url, {"name": "王专家", "pool": "technical", "speciality": "粉尘涉爆"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert (expert.pool, expert.speciality) == ("technical", "粉尘涉爆")


def test_it_lets_leadership_read_but_not_change_an_inspector(world, expert, client_for):
    client = client_for(world.leader)
    url = reverse("inspections:inspector_edit", args=[expert.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-testid="inspector-submit"' not in response.content.decode()
    assert client.post(url, {"name": "改名", "pool": "staff"}).status_code == 404
    assert client.get(reverse("inspections:inspector_create")).status_code == 404
    toggle = reverse("inspections:inspector_toggle", args=[expert.pk])
    assert client.post(toggle, {"active": "0"}).status_code == 404
    expert.refresh_from_db()
    assert (expert.name, expert.is_active) == ("王专家", True)


def test_it_deactivates_and_reactivates_but_never_deletes(world, expert, client_for):
    client = client_for(world.office)
    toggle = reverse("inspections:inspector_toggle", args=[expert.pk])
    assert client.post(toggle, {"active": "0"}).status_code == 302
    expert.refresh_from_db()
    assert not expert.is_active
    assert _rows(client.get(reverse("inspections:inspector_list"))) == []
    assert _rows(client.get(reverse("inspections:inspector_list"), {"status": "inactive"})) == [expert.pk]
    # A deactivated inspector is not offered for a draw.
    form = client.get(reverse("inspections:draw_create")).context["form"]
    assert expert not in form.fields["inspectors"].queryset
    client.post(toggle, {"active": "1"})
    expert.refresh_from_db()
    assert expert.is_active
    assert client.get(toggle).status_code == 405
