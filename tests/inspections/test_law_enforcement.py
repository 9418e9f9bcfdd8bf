"""§28 执法检查: only an inspection of an enterprise, by a unit holding administrative enforcement power (执法权),
can be a law-enforcement inspection — whatever its method; inspectors hold enforcement credentials (执法证)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from inspections import services
from inspections.models import Inspection, Inspector
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(world):
    """A unit holding enforcement power, with unit B's sector among its duties; dept_b works there too."""
    unit = UnitFactory(township=world.township, name="派出所", kind="police", has_enforcement_power=True)
    world.dept_b.assignments.create(role="department", township=world.township, unit=unit)
    return unit


def plan(world, actor=None, **kwargs):
    kwargs.setdefault("kind", "special")
    kwargs.setdefault("enterprise", world.enterprise_a)
    return services.inspection_plan(actor=actor or world.office, township=world.township, **kwargs)


@pytest.mark.parametrize("kind", ["special", "unannounced", "random", "holiday"])
def test_it_flags_an_inspection_of_an_enterprise_by_a_unit_with_the_power(world, police, kind):
    inspection = plan(world, kind=kind, inspecting_unit=police, is_law_enforcement=True)
    assert inspection.is_law_enforcement and inspection.inspecting_unit == police
    assert list(Inspection.objects.law_enforcement()) == [inspection]


def test_it_refuses_the_flag_for_a_unit_without_the_power(world, police):
    with pytest.raises(services.WorkflowError):
        plan(world, inspecting_unit=world.unit_b, is_law_enforcement=True)
    with pytest.raises(services.WorkflowError):  # the office's own unit, without the power here
        plan(world, is_law_enforcement=True)
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    "target",
    [
        {"kind": "special", "enterprise": None, "village": "village_a"},  # not an enterprise
        {"kind": "special", "enterprise": None, "unit": "unit_a"},
        {"kind": "grid_patrol"},
        {"kind": "fire_knock"},
        {"kind": "self"},
    ],
)
def test_it_refuses_the_flag_for_a_non_enterprise_target_or_a_kind_that_is_never_enforcement(world, police, target):
    kwargs = {k: getattr(world, v) if isinstance(v, str) and k != "kind" else v for k, v in target.items()}
    with pytest.raises(services.WorkflowError):
        plan(world, inspecting_unit=police, is_law_enforcement=True, **kwargs)
    assert not Inspection.objects.exists()


def test_it_lets_department_staff_name_only_their_own_unit(world, police):
    assert plan(world, actor=world.dept_a).inspecting_unit == world.unit_a  # their unit by default
    with pytest.raises(services.WorkflowError):
        plan(world, actor=world.dept_a, inspecting_unit=police, is_law_enforcement=True)
    own = plan(world, actor=world.dept_b, inspecting_unit=police, is_law_enforcement=True)
    assert own.is_law_enforcement
    assert plan(world, actor=world.village_a_officer).inspecting_unit is None


def test_it_keeps_the_rule_in_the_database(world, police):
    inspection = plan(world, kind="grid_patrol", enterprise=None, village=world.village_a, inspecting_unit=police)
    for change in ({"enterprise": None}, {"inspecting_unit": None}, {"kind": "self"}):
        flagged = plan(world, inspecting_unit=police, is_law_enforcement=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            Inspection.objects.filter(pk=flagged.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.filter(pk=inspection.pk).update(is_law_enforcement=True)


def test_it_validates_the_flag_on_the_new_inspection_page(world, police, client_for):
    data = {
        "kind": "unannounced",
        "target": "enterprise",
        "enterprise": world.enterprise_a.pk,
        "planned_on": "2026-04-10",
        "inspecting_unit": world.unit_b.pk,
        "is_law_enforcement": "on",
    }
    client = client_for(world.office)
    response = client.post(reverse("inspections:create"), data)
    assert response.status_code == 200
    assert "is_law_enforcement" in response.context["form"].errors
    response = client.post(
        reverse("inspections:create"), {**data, "target": "village", "enterprise": "", "village": world.village_a.pk}
    )
    assert "is_law_enforcement" in response.context["form"].errors
    assert not Inspection.objects.exists()

    response = client.post(reverse("inspections:create"), {**data, "inspecting_unit": police.pk})
    assert response.status_code == 302
    created = Inspection.objects.get()
    assert (created.inspecting_unit, created.is_law_enforcement) == (police, True)
    body = client.get(reverse("inspections:detail", args=[created.pk])).content.decode()
    assert 'data-testid="law-enforcement"' in body


def test_it_offers_the_flag_only_to_people_of_a_unit(world, client_for):
    form = client_for(world.village_a_officer).get(reverse("inspections:create")).context["form"]
    assert "is_law_enforcement" not in form.fields and "inspecting_unit" not in form.fields
    form = client_for(world.dept_a).get(reverse("inspections:create")).context["form"]
    assert list(form.fields["inspecting_unit"].queryset) == [world.unit_a]


# -- enforcement credentials in the inspector pool --------------------------------------------------------------


def test_it_holds_a_credential_only_with_a_number_not_expired():
    day = dt.date(2026, 4, 10)
    assert Inspector(credential_number="皖执0001").holds_credential(day)
    assert Inspector(credential_number="皖执0001", credential_expires_on=day).holds_credential(day)
    assert not Inspector(credential_number="皖执0001", credential_expires_on=dt.date(2026, 4, 9)).holds_credential(day)
    assert not Inspector(credential_number="  ").holds_credential(day)
    assert not Inspector(credential_expires_on=dt.date(2030, 1, 1)).holds_credential(day)


def test_it_records_the_credential_in_the_inspector_pool(world, client_for):
    client = client_for(world.office)
    data = {"name": "李执法", "pool": "staff", "credential_number": "皖执0042", "credential_expires_on": "2028-12-31"}
    assert client.post(reverse("inspections:inspector_create"), data).status_code == 302
    inspector = Inspector.objects.get()
    assert (inspector.credential_number, inspector.credential_expires_on) == ("皖执0042", dt.date(2028, 12, 31))
    assert "皖执0042" in client.get(reverse("inspections:inspector_list")).content.decode()
    response = client.post(
        reverse("inspections:inspector_create"), {"name": "无证", "pool": "social", "credential_expires_on": "2028-1-1"}
    )
    assert response.status_code == 200 and Inspector.objects.count() == 1
