"""Migrations inspections 0005 and hazards 0007 move "found in inspection" from the hazard to the inspections side:
every hazard that named its inspection is linked to it afterwards, the others to none — and back again."""

from __future__ import annotations

import pytest

from inspections.models import InspectionHazard
from tests.factories import HazardFactory

BEFORE = [("inspections", "0004_clamp_answer_client_times"), ("hazards", "0006_major_fire_is_major_typical_fire_apart")]
AFTER = [("hazards", "0007_hazard_link_moved_to_inspections")]


@pytest.mark.django_db(transaction=True)
def test_it_copies_each_hazards_inspection_to_a_link_and_back(world, planned, migrator):
    found, elsewhere = (HazardFactory(village=world.village_a, sector=world.sector_a) for _ in range(2))
    old = migrator.migrate(BEFORE)
    old.get_model("hazards", "Hazard").objects.filter(pk=found.pk).update(inspection_id=planned.pk)

    migrator.migrate(AFTER)
    links = InspectionHazard.objects.values_list("hazard_id", "inspection_id")
    assert list(links) == [(found.pk, planned.pk)]

    old = migrator.migrate(BEFORE)
    hazards = old.get_model("hazards", "Hazard").objects
    assert dict(hazards.values_list("pk", "inspection_id")) == {found.pk: planned.pk, elsewhere.pk: None}
