"""Who accepts a rectification (§3 duty kinds, §17 审核把关), as a rule: allowed and refused per unit kind and level.

General hazard: its lead unit when that unit has supervision or sector-management duties, otherwise the office.
Major hazard: a unit with supervision duties (lead or participating), otherwise the office. Never the requester,
never the enterprise, never the unit that operates the place; the office may always stand in, recorded as such.
"""

from __future__ import annotations

import pytest

from core.errors import WorkflowError
from hazards import services
from hazards.models import HazardEvent, Level, Status
from tests.factories import HazardFactory, SectorFactory
from tests.hazards.conftest import checked
from tests.hazards.test_workflow import to_rectifying

pytestmark = pytest.mark.django_db

OWN, LAST_RESORT = HazardEvent.Capacity.OWN, HazardEvent.Capacity.LAST_RESORT


def pending(world, future, *, sector, level=Level.GENERAL, enterprise=None):
    hazard = HazardFactory(village=world.village_b, sector=sector, enterprise=enterprise or world.enterprise_b)
    to_rectifying(hazard, world, future, level)
    services.hazard_request_acceptance(hazard_id=hazard.pk, actor=world.village_b_officer, photos=[checked()])
    return hazard


def verifies(hazard, actor) -> str | None:
    """The capacity the actor verified in, or None when refused."""
    try:
        services.hazard_verify(hazard_id=hazard.pk, actor=actor)
    except WorkflowError:
        return None
    return hazard.events.get(action="verify").capacity


def set_duty(unit, kind):
    unit.duty_kind = kind
    unit.save()


@pytest.mark.parametrize(
    ("duty", "level", "unit_verifies", "office_capacity"),
    [
        ("supervision", Level.GENERAL, True, LAST_RESORT),
        ("sector", Level.GENERAL, True, LAST_RESORT),
        ("other", Level.GENERAL, False, OWN),
        ("supervision", Level.MAJOR, True, LAST_RESORT),
        ("sector", Level.MAJOR, False, OWN),
        ("other", Level.MAJOR, False, OWN),
    ],
)
def test_it_follows_the_lead_units_duty_kind_and_the_level(world, future, duty, level, unit_verifies, office_capacity):
    set_duty(world.unit_b, duty)
    hazard = pending(world, future, sector=world.sector_b, level=level)
    assert (verifies(hazard, world.dept_b) == OWN) is unit_verifies
    if not unit_verifies:
        assert verifies(hazard, world.office) == office_capacity
    else:
        other = pending(world, future, sector=world.sector_b, level=level)
        assert verifies(other, world.office) == office_capacity


def test_it_lets_a_participating_unit_with_supervision_duties_accept_a_major_hazard(world, future):
    set_duty(world.unit_b, "sector")
    world.sector_b.participating_units.add(world.unit_a)
    hazard = pending(world, future, sector=world.sector_b, level=Level.MAJOR)
    assert verifies(hazard, world.dept_b) is None
    assert verifies(hazard, world.dept_a) == OWN


def test_it_never_lets_a_participating_unit_accept_a_general_hazard(world, future):
    set_duty(world.unit_b, "other")
    world.sector_b.participating_units.add(world.unit_a)
    hazard = pending(world, future, sector=world.sector_b)
    assert verifies(hazard, world.dept_a) is None
    assert verifies(hazard, world.office) == OWN


def test_it_has_office_staff_verify_where_the_lead_unit_is_the_safety_office(world, future):
    sector = SectorFactory(township=world.township, name="工贸", lead_unit=world.office_unit)
    hazard = pending(world, future, sector=sector, level=Level.MAJOR)
    assert verifies(hazard, world.office) == OWN


def test_it_never_lets_the_unit_that_operates_the_place_accept_its_rectification(world, future):
    world.enterprise_b.operated_by = world.unit_b
    world.enterprise_b.save()
    set_duty(world.unit_b, "sector")
    hazard = pending(world, future, sector=world.sector_b)
    assert verifies(hazard, world.dept_b) is None
    assert verifies(hazard, world.office) == OWN


def test_it_hands_a_deactivated_units_acceptance_to_the_office_in_its_own_right(world, future):
    set_duty(world.unit_b, "sector")
    world.unit_b.is_active = False
    world.unit_b.save()
    hazard = pending(world, future, sector=world.sector_b)
    assert verifies(hazard, world.office) == OWN


@pytest.mark.parametrize("who", ["ent_b", "village_b_officer", "leader", "other_office"])
def test_it_never_lets_the_enterprise_the_requester_leadership_or_another_township_accept(world, future, who):
    set_duty(world.unit_b, "sector")
    hazard = pending(world, future, sector=world.sector_b)
    assert verifies(hazard, getattr(world, who)) is None
    hazard.refresh_from_db()
    assert hazard.status == Status.PENDING_ACCEPTANCE


def test_it_records_acceptance_asked_on_behalf_of_an_enterprise_without_an_account(world, future):
    hazard = pending(world, future, sector=world.sector_b)
    event = hazard.events.get(action="request_acceptance")
    assert event.capacity == HazardEvent.Capacity.ON_BEHALF
    assert event.on_behalf_of == world.enterprise_b.name


def test_it_records_the_enterprises_own_request_in_its_own_right(world, future):
    hazard = HazardFactory(village=world.village_b, sector=world.sector_b, enterprise=world.enterprise_b)
    to_rectifying(hazard, world, future)
    services.hazard_request_acceptance(hazard_id=hazard.pk, actor=world.ent_b, photos=[checked()])
    assert hazard.events.get(action="request_acceptance").capacity == OWN
