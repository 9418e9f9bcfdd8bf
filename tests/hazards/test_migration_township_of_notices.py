"""Migrations 0008–0009 give existing notices their hazard's township and existing export jobs the township they were
written for, before both become required and notice numbers unique per township."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import HazardFactory, UserFactory

BEFORE = [("hazards", "0007_hazard_link_moved_to_inspections")]
AFTER = [("hazards", "0009_township_required_notice_numbers_per_township")]


@pytest.mark.django_db(transaction=True)
def test_it_fills_in_the_township_of_notices_and_export_jobs(world, migrator):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a)
    nobody = UserFactory(username="no-role")
    old = migrator.migrate(BEFORE)
    try:
        notice = old.get_model("hazards", "Notice").objects.create(
            hazard_id=hazard.pk, number="刘圩安隐改〔2026〕第0001号", issued_on=dt.date(2026, 3, 1),
            issued_by_id=world.office.pk,
        )  # fmt: skip
        jobs = old.get_model("hazards", "ExportJob").objects
        office_job = jobs.create(user_id=world.other_office.pk, query="")
        jobs.create(user_id=nobody.pk, query="")  # a user without a township only ever had an empty list
    finally:
        new = migrator.migrate(AFTER)
    assert new.get_model("hazards", "Notice").objects.get(pk=notice.pk).township_id == world.township.pk
    [job] = new.get_model("hazards", "ExportJob").objects.all()
    assert (job.pk, job.township_id) == (office_job.pk, world.other_township.pk)
