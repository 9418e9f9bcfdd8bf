"""Places at risk (§13 逐一登记建档): registered per village by its officers or the office, deactivated never
deleted, with their grid patrols."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import WorkflowError
from inspections import plans
from inspections.models import Inspection, PlaceAtRisk


def place_data(village, **extra):
    return {
        "village": village.pk,
        "kind": "rented_house",
        "name": "刘圩村3组出租房",
        "address": "刘圩村3组12号",
        "grid": "第3网格",
        "keeper_name": "李四",
        "keeper_phone": "13900000002",
        "note": "",
        **extra,
    }


@pytest.fixture
def place_a(world):
    return plans.place_create(
        actor=world.office,
        fields={"village": world.village_a, "kind": "idle_factory", "name": "原砖瓦厂", "grid": "第1网格"},
    )


@pytest.fixture
def place_b(world):
    return plans.place_create(
        actor=world.office, fields={"village": world.village_b, "kind": "market", "name": "新集集贸市场"}
    )


# -- registering -------------------------------------------------------------------------------------------------


def test_it_lets_a_village_officer_register_a_place_in_their_village(world, client_for):
    response = client_for(world.village_a_officer).post(
        reverse("inspections:place_create"), place_data(world.village_a)
    )

    place = PlaceAtRisk.objects.get()
    assert response["Location"] == reverse("inspections:place_detail", args=[place.pk])
    assert (place.township, place.village, place.kind, place.keeper_phone) == (
        world.township,
        world.village_a,
        "rented_house",
        "13900000002",
    )
    assert place.history.get().history_user == world.village_a_officer


def test_it_refuses_a_place_in_another_village(world, client_for):
    response = client_for(world.village_a_officer).post(
        reverse("inspections:place_create"), place_data(world.village_b)
    )

    assert response.status_code == 200
    assert 'data-testid="field-error"' in response.content.decode()
    assert not PlaceAtRisk.objects.exists()
    with pytest.raises(WorkflowError):
        plans.place_create(
            actor=world.village_a_officer, fields={"village": world.village_b, "kind": "market", "name": "x"}
        )
    with pytest.raises(WorkflowError):
        plans.place_create(actor=world.other_office, fields={"village": world.village_a, "kind": "market", "name": "x"})


def test_it_lets_the_office_register_in_any_village_of_its_township(world, client_for):
    client_for(world.office).post(reverse("inspections:place_create"), place_data(world.village_b))

    assert PlaceAtRisk.objects.get().village == world.village_b


@pytest.mark.parametrize("username", ["leader", "dept_a", "ent_a"])
def test_it_hides_the_register_form_from_other_roles(world, client_for, username):
    client = client_for(getattr(world, username))

    assert client.get(reverse("inspections:place_create")).status_code == 404
    assert client.post(reverse("inspections:place_create"), place_data(world.village_a)).status_code == 404
    assert not PlaceAtRisk.objects.exists()


def test_it_preselects_an_officers_only_village(world, client_for):
    html = client_for(world.village_a_officer).get(reverse("inspections:place_create")).content.decode()

    assert f'<option value="{world.village_a.pk}" selected>' in html
    assert f'<option value="{world.village_b.pk}"' not in html


# -- seeing ------------------------------------------------------------------------------------------------------------


def test_it_shows_each_role_the_places_of_its_scope(world, place_a, place_b, client_for):
    url = reverse("inspections:places")
    expected = {
        world.office: {place_a, place_b},
        world.leader: {place_a, place_b},
        world.village_a_officer: {place_a},
        world.village_b_officer: {place_b},
        world.other_office: set(),  # its own township's register
    }
    for user, places in expected.items():
        html = client_for(user).get(url).content.decode()
        assert {p for p in (place_a, place_b) if f'data-place="{p.pk}"' in html} == places, user
    for user in (world.dept_a, world.ent_a):
        assert client_for(user).get(url).status_code == 404, user
    detail_b = reverse("inspections:place_detail", args=[place_b.pk])
    assert client_for(world.village_a_officer).get(detail_b).status_code == 404
    assert client_for(world.other_office).get(detail_b).status_code == 404


def test_it_filters_places_by_village_kind_and_words(world, place_a, place_b, client_for):
    client = client_for(world.office)
    url = reverse("inspections:places")

    def listed(**params):
        html = client.get(url, params).content.decode()
        return {p for p in (place_a, place_b) if f'data-place="{p.pk}"' in html}

    assert listed(village=world.village_b.pk) == {place_b}
    assert listed(kind="idle_factory") == {place_a}
    assert listed(q="集贸") == {place_b}
    assert listed(q="第1网格") == {place_a}


# -- changing ------------------------------------------------------------------------------------------------------


def test_it_edits_a_place_and_keeps_its_history(world, place_a, client_for):
    client = client_for(world.village_a_officer)
    url = reverse("inspections:place_edit", args=[place_a.pk])
    data = place_data(world.village_a, kind="idle_factory", name="原砖瓦厂（闲置）")

    assert client.post(url, data).status_code == 302

    place_a.refresh_from_db()
    assert place_a.name == "原砖瓦厂（闲置）"
    detail = client.get(reverse("inspections:place_detail", args=[place_a.pk])).content.decode()
    assert 'data-testid="history"' in detail
    assert "原砖瓦厂（闲置）" in detail
    assert place_a.history.count() == 2


def test_it_refuses_to_move_a_place_into_a_village_the_officer_does_not_cover(world, place_a):
    with pytest.raises(WorkflowError):
        plans.place_update(place_id=place_a.pk, actor=world.village_a_officer, fields={"village": world.village_b})
    place_a.refresh_from_db()
    assert place_a.village == world.village_a


@pytest.mark.parametrize("username", ["village_b_officer", "leader", "dept_a"])
def test_it_hides_changes_from_people_who_do_not_manage_the_place(world, place_a, client_for, username):
    client = client_for(getattr(world, username))

    assert client.get(reverse("inspections:place_edit", args=[place_a.pk])).status_code == 404
    assert client.post(reverse("inspections:place_toggle", args=[place_a.pk]), {"active": "0"}).status_code == 404
    assert client.post(reverse("inspections:place_patrol", args=[place_a.pk])).status_code == 404
    place_a.refresh_from_db()
    assert place_a.is_active
    assert not Inspection.objects.exists()


def test_it_deactivates_a_place_instead_of_deleting_it(world, place_a, client_for):
    client = client_for(world.village_a_officer)

    client.post(reverse("inspections:place_toggle", args=[place_a.pk]), {"active": "0"})

    place_a.refresh_from_db()
    assert not place_a.is_active
    assert f'data-place="{place_a.pk}"' not in client.get(reverse("inspections:places")).content.decode()
    inactive = client.get(reverse("inspections:places"), {"status": "inactive"}).content.decode()
    assert f'data-place="{place_a.pk}"' in inactive
    assert client.post(reverse("inspections:place_patrol", args=[place_a.pk])).status_code == 302
    assert not Inspection.objects.exists()  # no patrol of a deactivated place

    client.post(reverse("inspections:place_toggle", args=[place_a.pk]), {"active": "1"})
    place_a.refresh_from_db()
    assert place_a.is_active


# -- patrols ------------------------------------------------------------------------------------------------------


def test_it_records_a_patrol_and_shows_it_on_the_place(world, place_a, client_for):
    client = client_for(world.village_a_officer)
    url = reverse("inspections:place_patrol", args=[place_a.pk])

    response = client.post(url)

    patrol = Inspection.objects.get()
    assert response["Location"] == reverse("inspections:fill", args=[patrol.pk])
    assert (patrol.kind, patrol.place, patrol.village, patrol.planned_on, patrol.created_by) == (
        "grid_patrol",
        place_a,
        world.village_a,
        timezone.localdate(),
        world.village_a_officer,
    )
    assert client.post(url)["Location"] == response["Location"]  # the unfinished patrol is reused
    Inspection.objects.filter(pk=patrol.pk).update(status="submitted", done_on=timezone.localdate())
    detail = client.get(reverse("inspections:place_detail", args=[place_a.pk])).content.decode()
    assert f'data-inspection="{patrol.pk}"' in detail
    listing = client.get(reverse("inspections:places")).content.decode()
    assert timezone.localdate().strftime("%Y-%m-%d") in listing  # the last patrol's date
