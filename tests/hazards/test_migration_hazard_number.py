"""Migration 0011 numbers every registered hazard per township and year of registration, in the order of
registration, and takes the acceptance (unit, person, date) from the hazard's VERIFY event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hazards.models import HazardEvent
from tests.factories import HazardFactory

BEFORE = [("hazards", "0010_county_listing")]
AFTER = [("hazards", "0011_hazard_number")]
TZ = timezone.get_default_timezone()


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.mark.django_db(transaction=True)
def test_it_numbers_registered_hazards_and_snapshots_their_acceptance(world, migrator):
    here = {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a}
    closed = HazardFactory(
        **here, status="closed", confirmed_at=local(2026, 1, 10, 9), found_on=dt.date(2026, 1, 9),
        verified_at=dt.datetime(2026, 1, 20, 17, tzinfo=dt.UTC), closed_at=local(2026, 1, 22, 9),
        deadline=dt.date(2026, 2, 1),
    )  # fmt: skip
    late_in_2025 = HazardFactory(
        **here, status="rectifying", confirmed_at=local(2025, 12, 31, 23, 30), found_on=dt.date(2025, 12, 30),
        deadline=dt.date(2026, 3, 1),
    )  # fmt: skip
    early_2026 = HazardFactory(
        **here, status="confirmed", confirmed_at=local(2026, 1, 5, 9), found_on=dt.date(2026, 1, 5)
    )
    undated = HazardFactory(**here, status="confirmed", confirmed_at=None, found_on=dt.date(2025, 6, 1))
    reported = HazardFactory(**here, status="reported", found_on=dt.date(2026, 1, 2))
    dismissed = HazardFactory(**here, status="dismissed", found_on=dt.date(2026, 1, 2))
    other = HazardFactory(
        village=world.other_village, sector=world.other_sector, status="confirmed", confirmed_at=local(2026, 2, 1, 9)
    )
    HazardEvent.objects.create(hazard=closed, action="verify", actor=world.dept_a, created_at=closed.verified_at)
    migrator.migrate(BEFORE)
    new = migrator.migrate(AFTER)
    Hazard = new.get_model("hazards", "Hazard")
    numbers = dict(Hazard.objects.values_list("pk", "number"))
    assert numbers == {
        undated.pk: "刘圩隐〔2025〕0001",  # found in June, registered before the one of 31 December
        late_in_2025.pk: "刘圩隐〔2025〕0002",  # 23:30 on 31 December is still 2025 in the township
        early_2026.pk: "刘圩隐〔2026〕0001",
        closed.pk: "刘圩隐〔2026〕0002",
        reported.pk: "",
        dismissed.pk: "",
        other.pk: "邻隐〔2026〕0001",
    }
    accepted = Hazard.objects.get(pk=closed.pk)
    assert (accepted.accepted_by_unit, accepted.accepted_by_person, accepted.accepted_on) == (
        "刘圩镇住建所", world.dept_a.display_name, dt.date(2026, 1, 21)
    )  # fmt: skip
    assert Hazard.objects.filter(accepted_on__isnull=False).count() == 1
