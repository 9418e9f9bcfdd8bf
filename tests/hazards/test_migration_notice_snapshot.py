"""Migration 0012 gives existing notices the snapshot of what they print, from their hazard and enterprise as they
are now (the best that is known), and the receipt of a served one its serving unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import HazardFactory

BEFORE = [("hazards", "0011_hazard_number")]
AFTER = [("hazards", "0012_notice_snapshot")]


@pytest.mark.django_db(transaction=True)
def test_it_fills_the_snapshot_of_existing_notices(world, migrator):
    ent = world.enterprise_a
    ent.name, ent.principal_name, ent.address = "刘圩木业有限公司", "张主要", "工业园3号"
    ent.save()
    hazard = HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=ent, level="major", title="安全出口锁闭",
        description="二楼安全出口上锁", location="", found_on=dt.date(2026, 3, 2), found_by="王检查",
        basis="《消防法》", clause="第二十八条", measures="拆除铁链", deadline=dt.date(2026, 4, 5),
        channel="department",
    )  # fmt: skip
    reported = HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=ent, found_by="举报人甲", channel="public",
    )  # fmt: skip
    old = migrator.migrate(BEFORE)
    try:
        notices = old.get_model("hazards", "Notice").objects
        served = notices.create(
            hazard_id=hazard.pk, township_id=world.township.pk, number="刘圩安隐改〔2026〕第0001号",
            issued_on=dt.date(2026, 3, 5), issued_by_id=world.office.pk, principal_name="原负责人",
            served_to="张主要", served_at=timezone.now(), signed_by="张主要",
        )  # fmt: skip
        unserved = notices.create(
            hazard_id=reported.pk, township_id=world.township.pk, number="刘圩安隐改〔2026〕第0002号",
            issued_on=dt.date(2026, 3, 5), issued_by_id=world.office.pk,
        )  # fmt: skip
    finally:
        new = migrator.migrate(AFTER)
    Notice = new.get_model("hazards", "Notice")
    first = Notice.objects.get(pk=served.pk)
    assert {
        "township_name": first.township_name,
        "issuer_name": first.issuer_name,
        "enterprise_name": first.enterprise_name,
        "principal_name": first.principal_name,
        "address": first.address,
        "location": first.location,
        "hazard_title": first.hazard_title,
        "description": first.description,
        "level": first.level,
        "inspected_on": first.inspected_on,
        "inspectors": first.inspectors,
        "basis": first.basis,
        "clause": first.clause,
        "requirement": first.requirement,
        "deadline": first.deadline,
        "review": first.review,
        "serving_unit": first.serving_unit,
        "replaces_id": first.replaces_id,
        "voided_at": first.voided_at,
    } == {
        "township_name": "刘圩镇",
        "issuer_name": "刘圩镇应急办",
        "enterprise_name": "刘圩木业有限公司",
        "principal_name": "原负责人",  # kept as it was on the day
        "address": "工业园3号",
        "location": "工业园3号",  # no location of its own: the enterprise's address
        "hazard_title": "安全出口锁闭",
        "description": "二楼安全出口上锁",
        "level": "major",
        "inspected_on": dt.date(2026, 3, 2),
        "inspectors": "王检查",
        "basis": "《消防法》",
        "clause": "第二十八条",
        "requirement": "拆除铁链",
        "deadline": dt.date(2026, 4, 5),
        "review": "整改期限届满后五个工作日内组织复查",
        "serving_unit": "刘圩镇应急办",
        "replaces_id": None,
        "voided_at": None,
    }
    second = Notice.objects.get(pk=unserved.pk)
    assert (second.inspectors, second.serving_unit) == ("", "")  # §27: a reporter never goes on the paper
