"""Migration 0006 fixes existing rows before the rule becomes a constraint: a flagged general hazard is raised to
major (§7), and a typical fire year still on a listing moves to the typical fire list before the column goes."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import HazardFactory

BEFORE = [("hazards", "0005_fire_judgement_extensions_event_capacity_typical_fire")]
AFTER = [("hazards", "0006_major_fire_is_major_typical_fire_apart")]


@pytest.mark.django_db(transaction=True)
def test_it_raises_flagged_general_hazards_and_moves_typical_fire_years(world, migrator):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a)
    old = migrator.migrate(BEFORE)
    try:
        old.get_model("hazards", "Hazard").objects.filter(pk=hazard.pk).update(is_major_fire=True, level="general")
        old.get_model("hazards", "Listing").objects.create(
            hazard_id=hazard.pk,
            level="township",
            document_number="刘安委督〔2025〕1号",
            supervising_leader="赵文华",
            listed_on=dt.date(2025, 3, 1),
            required_by=dt.date(2025, 6, 1),
            typical_fire_year=2025,
            listed_by_id=world.office.pk,
        )
    finally:
        new = migrator.migrate(AFTER)
    assert new.get_model("hazards", "Hazard").objects.get(pk=hazard.pk).level == "major"
    entry = new.get_model("hazards", "TypicalFireHazard").objects.get(hazard_id=hazard.pk)
    assert entry.year == 2025 and entry.added_by_id == world.office.pk
