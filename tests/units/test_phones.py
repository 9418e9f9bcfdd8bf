"""Phone numbers: one rule for every phone field and import (mainland mobiles, landlines, 400/800 numbers)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hazards.forms import HazardEditForm, StartRectificationForm
from inspections.inspector_forms import InspectorForm
from inspections.plan_forms import PlaceForm
from tests.conftest import World
from tests.factories import HazardFactory
from units.access import get_scope
from units.models import Enterprise, Sector
from units.phones import normalise_phone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("13912345678.0", "13912345678"),
        ("0557-1234567", "0557-1234567"),
        ("05571234567", "0557-1234567"),
        ("055712345678", "0557-12345678"),
        ("(0557) 123 4567", "0557-1234567"),
        ("0557—1234567", "0557-1234567"),
        ("021-12345678", "021-12345678"),
        ("02112345678", "021-12345678"),
        ("0557-1234567-801", "0557-1234567-801"),
        ("0557-1234567转801", "0557-1234567-801"),
        ("400-123-4567", "400-123-4567"),
        ("4001234567", "400-123-4567"),
        ("800 123 4567", "800-123-4567"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_it_accepts_mainland_numbers_and_stores_them_one_way(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "12345678901",  # no mobile network starts 12
        "1391234567",  # a digit short
        "139123456789",  # a digit too many
        "1234567",  # a landline without its area code
        "0557-123456",  # six digits after the area code
        "0557-123456789",  # nine
        "0557-1234567-1234567",  # an extension of seven digits
        "13912345678转1",  # mobiles have no extension
        "+1 202 555 0123",
        "4001234",
        "13912345678/13812345678",  # two numbers in one field
        "打电话找王五",
        "=1+1",
    ],
)
def test_it_refuses_what_is_not_a_mainland_number(typed: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_phone(typed)
    assert typed in exc.value.messages[0]


def test_it_checks_the_phones_of_the_enterprise_form(world: World, client_for: Any) -> None:
    url = reverse("units:enterprise_edit", args=[world.enterprise_a.pk])
    data = {
        "name": world.enterprise_a.name,
        "credit_code": world.enterprise_a.credit_code,
        "village": world.village_a.pk,
        "primary_sector": world.sector_a.pk,
        "standardisation_grade": "",
        "contact_phone": "0557 6012345",
        "principal_phone": "+86 139 1234 5678",
        "safety_manager_phone": "1391234567",
    }
    client = client_for(world.office)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "1391234567" in response.content.decode()
    response = client.post(url, {**data, "safety_manager_phone": ""})
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(pk=world.enterprise_a.pk)
    assert (enterprise.contact_phone, enterprise.principal_phone) == ("0557-6012345", "13912345678")
    page = client.get(enterprise.get_absolute_url()).content.decode()
    assert 'data-testid="contact-phone">0557-6012345<' in page


def test_it_checks_the_phone_of_the_rectification_responsible_person(world: World) -> None:
    hazard = HazardFactory(enterprise=world.enterprise_a, village=world.village_a, sector=world.sector_a)
    bad = StartRectificationForm({"responsible_phone": "12345678901"}, hazard=hazard)
    assert "responsible_phone" in bad.errors
    good = StartRectificationForm({"responsible_phone": "139 1234 5678"}, hazard=hazard)
    good.is_valid()
    assert "responsible_phone" not in good.errors
    assert good.cleaned_data["responsible_phone"] == "13912345678"
    edit = HazardEditForm({"responsible_phone": "0557-12"}, instance=hazard)
    assert "responsible_phone" in edit.errors


def test_it_checks_the_phones_of_places_at_risk_and_inspectors(world: World) -> None:
    scope = get_scope(world.office)
    place = PlaceForm({"keeper_phone": "1391234567"}, scope=scope)
    assert "keeper_phone" in place.errors
    place = PlaceForm({"keeper_phone": "0557 1234567"}, scope=scope)
    place.is_valid()
    assert place.cleaned_data["keeper_phone"] == "0557-1234567"

    inspector = InspectorForm({"phone": "12345678901"}, township_id=world.township.pk)
    assert "phone" in inspector.errors
    inspector = InspectorForm({"phone": "+86 13912345678"}, township_id=world.township.pk)
    inspector.is_valid()
    assert inspector.cleaned_data["phone"] == "13912345678"


# -- the sectors' other names, edited by the office (they decide what imports accept) ---------------


def sector_data(world: World, **overrides: Any) -> dict[str, Any]:
    return {"name": "农业", "lead_unit": world.unit_b.pk, "sort_order": 1, **overrides}


def test_the_office_edits_a_sectors_other_names_with_history(world: World, client_for: Any) -> None:
    client = client_for(world.office)
    url = reverse("units:sector_edit", args=[world.sector_b.pk])
    assert 'name="aliases"' in client.get(url).content.decode()
    response = client.post(url, sector_data(world, aliases=" 农林牧渔 \n\n农业\n种植业\n农林牧渔"))
    assert response.status_code == 302
    sector = Sector.objects.get(pk=world.sector_b.pk)
    assert sector.alias_list == ["农林牧渔", "种植业"]  # blank lines, repeats and its own name dropped
    assert sector.history.first().history_user == world.office
    assert "农林牧渔" in client.get(reverse("units:sector_list")).content.decode()


def test_it_refuses_an_other_name_that_another_sector_goes_by(world: World, client_for: Any) -> None:
    Sector.objects.filter(pk=world.sector_a.pk).update(aliases="建设工程")
    client = client_for(world.office)
    url = reverse("units:sector_edit", args=[world.sector_b.pk])
    for taken in ("建筑施工", "建设工程"):
        response = client.post(url, sector_data(world, aliases=taken))
        assert response.status_code == 200
        assert "建筑施工" in response.content.decode()
    assert Sector.objects.get(pk=world.sector_b.pk).aliases == ""


@pytest.mark.parametrize("who", ["leader", "dept_b", "village_b_officer", "ent_b", "other_office"])
def test_only_the_office_changes_a_sectors_other_names(world: World, client_for: Any, who: str) -> None:
    url = reverse("units:sector_edit", args=[world.sector_b.pk])
    response = client_for(getattr(world, who)).post(url, sector_data(world, aliases="农林牧渔"))
    assert response.status_code == 404
    assert Sector.objects.get(pk=world.sector_b.pk).aliases == ""
