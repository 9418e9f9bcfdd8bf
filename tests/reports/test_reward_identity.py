"""The reporter's identity never reaches a reward: plant a sentinel name and phone, run the reward to its payment and
the reporter's claim, and read every reward page, the export, the timeline and the tier history as every staff role
of both townships; the sentinel is nowhere."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.dates import local_today
from reports import rewards, services
from reports.models import Reward, RewardTier
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

NAME, PHONE = "哨兵李四喜", "13977771234"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def test_no_reward_page_export_or_event_names_the_reporter(world, client_for, client):
    rewards.ensure_default_tiers(world.township)
    tier = RewardTier.objects.get(township=world.township, level="general")
    report, code = services.submit_web_report(
        township=world.township,
        fields={"village": world.village_a, "place": "村东", "enterprise_name": "", "content": "仓库住人"},
        identity=services.Identity(NAME, PHONE, f"{NAME}的地址"),
    )
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a)
    services.merge(actor=world.office, report_id=report.pk, hazard_id=hazard.pk)
    rewards.propose(actor=world.custodian, report_id=report.pk, tier=tier)
    rewards.approve(actor=world.office, report_id=report.pk)
    assert "track-reward-claimed" in client.post(reverse("report:claim"), {"code": code}).content.decode()
    rewards.pay(actor=world.custodian, report_id=report.pk, paid_on=local_today(), method="mobile")
    assert Reward.objects.get().status == "paid"

    urls = [
        reverse("reports:rewards"),
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:reward_tiers"),
        reverse("reports:posters"),
        reverse("reports:poster", args=[world.village_a.pk]),
    ]
    users = [world.office, world.leader, world.county, world.custodian, world.other_office, world.ent_a, world.dept_a]
    for user in users:
        staff = client_for(user)
        for url in urls:
            body = staff.get(url).content.decode()
            assert NAME not in body and PHONE not in body, (user, url)
        export = staff.get(reverse("reports:reward_export"))
        if export.status_code == 200:
            with zipfile.ZipFile(io.BytesIO(export.content)) as book:
                text = "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
            assert NAME not in text and PHONE not in text, user
    tracked = client.post(reverse("report:track"), {"code": code}).content.decode()
    assert NAME not in tracked and PHONE not in tracked
    for event in report.events.all():
        assert NAME not in event.note and PHONE not in event.note
    for row in Reward.objects.values():
        assert NAME not in str(row) and PHONE not in str(row)
    for row in RewardTier.history.values():
        assert NAME not in str(row) and PHONE not in str(row)
