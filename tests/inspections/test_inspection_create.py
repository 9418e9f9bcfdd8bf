"""The new-inspection form: one choice of what is inspected, the enterprise search of the user's scope, the
checklist suggested from the enterprise's sector, the planner preselected among the inspectors."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.create_forms import SEARCH_LIMIT, Target
from inspections.models import ChecklistTemplate, ChecklistVersion, Inspection, Inspector, PlaceAtRisk
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _post(client, **data):  # type: ignore[no-untyped-def]
    base = {"kind": "special", "planned_on": timezone.localdate().isoformat()}
    return client.post(reverse("inspections:create"), {**base, **data})


def _published(world, name, sector):  # type: ignore[no-untyped-def]
    template = ChecklistTemplate.objects.create(township=world.township, name=name, sector=sector)
    ChecklistVersion.objects.create(template=template, number=1, published_at=timezone.now())
    return template


def _search(client, q, **headers):  # type: ignore[no-untyped-def]
    return client.get(reverse("inspections:enterprise_search"), {"q": q}, headers=headers)


def _found(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [enterprise.name for enterprise, _checklist in response.context["matches"]]


@pytest.fixture
def place(world):  # type: ignore[no-untyped-def]
    return PlaceAtRisk.objects.create(township=world.township, village=world.village_a, kind="market", name="东街集市")


# -- one target ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["enterprise", "place", "unit", "village"])
def test_it_plans_the_chosen_target_from_its_own_field(world, place, client_for, target):
    values = {
        "enterprise": world.enterprise_a.pk,
        "place": place.pk,
        "unit": world.unit_a.pk,
        "village": world.village_a.pk,
    }
    response = _post(client_for(world.office), target=target, **{target: values[target]})
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert getattr(inspection, f"{target}_id") == values[target]
    expected_village = {"enterprise": world.village_a, "place": world.village_a, "unit": None}
    assert inspection.village == expected_village.get(target, world.village_a)


@pytest.mark.parametrize("target", ["enterprise", "place", "unit", "village"])
def test_it_refuses_a_target_whose_field_is_empty(world, client_for, target):
    response = _post(client_for(world.office), target=target)
    assert response.status_code == 200
    assert response.context["form"].errors[target] == [str(Target.MISSING[target])]
    assert not Inspection.objects.exists()


def test_it_refuses_the_fields_of_another_target(world, client_for):
    client = client_for(world.office)
    response = _post(client, target="enterprise", enterprise=world.enterprise_a.pk, village=world.village_b.pk)
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and "enterprise" not in response.context["form"].errors
    response = _post(client, target="unit", unit=world.unit_a.pk, place_text="东门")
    assert len(response.context["form"].non_field_errors()) == 1
    assert not Inspection.objects.exists()
    # A village comes with its place.
    assert _post(client, target="village", village=world.village_a.pk, place_text="东门").status_code == 302
    assert Inspection.objects.get().place_text == "东门"


def test_it_asks_what_is_inspected(world, client_for):
    response = _post(client_for(world.office), enterprise=world.enterprise_a.pk)
    assert list(response.context["form"].errors) == ["target"]
    assert not Inspection.objects.exists()


def test_it_shows_each_target_in_its_own_group(world, client_for):
    body = client_for(world.village_a_officer).get(reverse("inspections:create")).content.decode()
    for target in ("enterprise", "place", "unit", "village"):
        assert f'data-target-group="{target}"' in body
        assert f'name="target" value="{target}"' in body
    assert 'value="enterprise" id="id_target_0" checked' in body
    assert "<script>" not in body and "hx-on" not in body


# -- the enterprise search ------------------------------------------------------------------------------------


@pytest.fixture
def more_enterprises(world):  # type: ignore[no-untyped-def]
    EnterpriseFactory(village=world.village_b, primary_sector=world.sector_b, name="新集建筑材料厂")
    EnterpriseFactory(village=world.other_village, primary_sector=world.other_sector, name="邻镇建筑公司")


def test_it_finds_only_the_enterprises_of_the_users_scope(world, more_enterprises, client_for):
    assert _found(_search(client_for(world.village_a_officer), "建筑", **HTMX)) == ["刘圩建筑工程有限公司"]
    assert _found(_search(client_for(world.village_b_officer), "建筑", **HTMX)) == ["新集建筑材料厂"]
    assert _found(_search(client_for(world.office), "建筑", **HTMX)) == ["刘圩建筑工程有限公司", "新集建筑材料厂"]
    assert _found(_search(client_for(world.village_a_officer), "邻镇", **HTMX)) == []


def test_it_finds_by_credit_code_and_principal(world, client_for):
    enterprise = world.enterprise_a
    enterprise.principal_name = "王建国"
    enterprise.save()
    client = client_for(world.village_a_officer)
    assert _found(_search(client, "建国", **HTMX)) == [enterprise.name]
    assert _found(_search(client, enterprise.credit_code[-6:], **HTMX)) == [enterprise.name]
    assert _found(_search(client, "", **HTMX)) == []


def test_it_answers_enterprise_contacts_with_not_found(world, client_for):
    assert _search(client_for(world.ent_a), "建筑", **HTMX).status_code == 404


def test_it_bounds_the_query_and_the_matches(world, client_for):
    for n in range(SEARCH_LIMIT + 5):
        EnterpriseFactory(village=world.village_a, primary_sector=world.sector_a, name=f"东风五金店{n:02}")
    client = client_for(world.village_a_officer)
    assert len(_found(_search(client, "东风", **HTMX))) == SEARCH_LIMIT
    response = _search(client, "东" * 51, **HTMX)
    assert response.status_code == 200 and _found(response) == []


# Session, user, roles, (a unit's sectors,) checklists by sector, the matches with their villages, the bell's count.
@pytest.mark.parametrize(("who", "queries"), [("village_a_officer", 6), ("office", 6), ("dept_a", 8)])
def test_it_searches_in_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries, who, queries):
    for n in range(SEARCH_LIMIT + 5):
        EnterpriseFactory(village=world.village_a, primary_sector=world.sector_a, name=f"东风五金店{n:02}")
    client = client_for(getattr(world, who))
    _search(client, "东风", **HTMX)
    with django_assert_max_num_queries(queries):
        assert len(_found(_search(client, "东风", **HTMX))) == SEARCH_LIMIT


def test_it_links_each_match_to_the_form_without_javascript(world, client_for, checklist):
    client = client_for(world.village_a_officer)
    body = _search(client, "建筑").content.decode()
    link = reverse("inspections:create") + f"?enterprise={world.enterprise_a.pk}"
    assert f'href="{link}"' in body
    form = client.get(link).context["form"]
    assert form.initial["enterprise"] == world.enterprise_a.pk and form.initial["checklist"] == checklist.pk
    # Another village's enterprise is not prefilled.
    form = client.get(reverse("inspections:create"), {"enterprise": world.enterprise_b.pk}).context["form"]
    assert "enterprise" not in form.initial and "checklist" not in form.initial


# -- the suggested checklist ---------------------------------------------------------------------------------


def test_it_suggests_the_published_checklist_of_the_enterprises_sector(world, client_for, checklist):
    _published(world, "燃气检查表", world.sector_b)
    _published(world, "建筑施工检查表", world.sector_a)  # sector A's second checklist, later by name than 消防
    ChecklistTemplate.objects.create(township=world.township, name="一份草稿", sector=world.sector_a)  # unpublished
    EnterpriseFactory(village=world.village_a, primary_sector=world.sector_b, name="刘圩农机站")
    client = client_for(world.village_a_officer)
    response = _search(client, "刘圩", **HTMX)
    suggested = {enterprise.name: pk for enterprise, pk in response.context["matches"]}
    gas = ChecklistTemplate.objects.get(name="燃气检查表").pk
    building = ChecklistTemplate.objects.get(name="建筑施工检查表").pk
    assert suggested == {"刘圩建筑工程有限公司": building, "刘圩农机站": gas}
    body = response.content.decode()
    assert f'data-pick-enterprise="{world.enterprise_a.pk}"' in body and f'data-checklist="{building}"' in body


def test_it_suggests_no_checklist_for_a_sector_without_one(world, client_for, checklist):
    client = client_for(world.village_b_officer)
    response = _search(client, "新集", **HTMX)
    assert [pk for _enterprise, pk in response.context["matches"]] == [None]
    assert 'data-checklist=""' in response.content.decode()


# -- inspectors ----------------------------------------------------------------------------------------------


def test_it_preselects_the_planner_among_the_inspectors(world, client_for):
    own = Inspector.objects.create(township=world.township, name="村安全员", user=world.village_a_officer)
    other = Inspector.objects.create(township=world.township, name="专家甲", pool=Inspector.Pool.EXPERT)
    Inspector.objects.create(township=world.other_township, name="邻镇人员", user=world.village_a_officer)
    client = client_for(world.village_a_officer)
    form = client.get(reverse("inspections:create")).context["form"]
    assert form["inspectors"].value() == [own.pk]
    assert set(form.fields["inspectors"].queryset) == {own, other}
    # The planner may untick themselves and choose others.
    response = _post(client, target="village", village=world.village_a.pk, inspectors=[other.pk])
    assert response.status_code == 302
    assert list(Inspection.objects.get().inspectors.all()) == [other]
