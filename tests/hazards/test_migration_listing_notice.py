"""Migration 0013 gives every existing listing its notice's snapshot from the data as it stands: the listing authority
in the township's own name (or the county bureau's), the enterprise and its principal, 属地, the supervising unit,
the copy-to list and the hazard; production during rectification, never recorded, stays blank."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import HazardFactory
from units.models import User

BEFORE = [("hazards", "0012_notice_snapshot")]
AFTER = [("hazards", "0013_listing_notice")]


@pytest.mark.django_db(transaction=True)
def test_it_fills_the_snapshot_of_existing_listings(world, migrator):
    User.objects.filter(pk=world.village_a_officer.pk).update(full_name="李村干", phone="13900000011")
    hazard = HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a, level="major",
        status="confirmed", title="液化气储罐区防火间距不足", description="储罐区与厂房间距不足十米",
        location="三号仓库东侧", basis="GB 50016", clause="第4.4.1条",
    )  # fmt: skip
    other = HazardFactory(
        village=world.village_b, sector=world.sector_b, enterprise=None, level="major", status="confirmed"
    )
    old = migrator.migrate(BEFORE)
    try:
        listings = old.get_model("hazards", "Listing").objects
        common = {"supervising_leader": "李镇长", "listed_on": dt.date(2026, 3, 2), "required_by": dt.date(2026, 6, 30)}
        township = listings.create(
            hazard_id=hazard.pk, level="township", document_number="刘安委〔2026〕7号",
            supervising_unit_id=world.unit_a.pk, listed_by_id=world.office.pk, **common,
        )  # fmt: skip
        county = listings.create(
            hazard_id=other.pk, level="county", document_number="泗安委〔2026〕30号", listed_by_id=world.county.pk,
            listed_by_county_id=world.the_county.pk, supervising_department_id=world.county_department.pk, **common,
        )  # fmt: skip
    finally:
        new = migrator.migrate(AFTER)
    rows = new.get_model("hazards", "Listing").objects
    got = rows.values(*SNAPSHOT).get(pk=township.pk)
    assert got == {
        "authority_name": "刘圩镇安全生产委员会",
        "office_name": "刘圩镇应急办",
        "enterprise_name": "刘圩建筑工程有限公司",
        "principal_name": "张三",
        "principal_phone": "13800000001",
        "territorial_unit": "刘圩村",
        "territorial_person": "李村干",
        "territorial_phone": "13900000011",
        "supervising_unit_name": "刘圩镇住建所",
        "supervising_contact": "",
        "production": "",
        "copy_to": "泗县应急管理局，刘圩村，刘圩镇住建所",
        "hazard_title": "液化气储罐区防火间距不足",
        "hazard_location": "刘圩村 三号仓库东侧",
        "hazard_basis": "GB 50016 第4.4.1条",
    }
    got = rows.values(*SNAPSHOT).get(pk=county.pk)
    assert got | {"hazard_title": "", "hazard_location": "", "hazard_basis": ""} == {
        "authority_name": "泗县应急管理局",
        "office_name": "刘圩镇应急办",
        "enterprise_name": "",
        "principal_name": "",
        "principal_phone": "",
        "territorial_unit": "新集村",
        "territorial_person": "village_b",
        "territorial_phone": "",
        "supervising_unit_name": "县住建局",
        "supervising_contact": "",
        "production": "",
        "copy_to": "刘圩镇应急办，新集村，刘圩镇农经站",
        "hazard_title": "",
        "hazard_location": "",
        "hazard_basis": "",
    }


SNAPSHOT = (
    "authority_name", "office_name", "enterprise_name", "principal_name", "principal_phone", "territorial_unit",
    "territorial_person", "territorial_phone", "supervising_unit_name", "supervising_contact", "production",
    "copy_to", "hazard_title", "hazard_location", "hazard_basis",
)  # fmt: skip
