"""The overdue page (§18 "overdue hazards are visible at once"): days overdue, the rung reached, the next proposed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.dates import local_today
from hazards import supervision_services as services
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return local_today() + dt.timedelta(days=n)


def overdue_hazard(world, late=10, **kw):
    fields = {
        "village": world.village_a,
        "sector": world.sector_a,
        "enterprise": world.enterprise_a,
        "level": "major",
        "status": "rectifying",
        "deadline": days(-late),
        "found_on": days(-late - 30),
    }
    fields.update(kw)
    return HazardFactory(**fields)


def escalate(world, hazard, rung, note="", year_ago=False):
    services.escalation_create(
        actor=world.office,
        township=world.township,
        rung=rung,
        target_kind="hazard",
        hazard=hazard,
        taken_on=days(-400 if year_ago else 0),
        document_number=f"{rung}-{hazard.pk}",
        note=note,
    )


def row(page: str, hazard) -> str:
    match = re.search(rf'<tr data-testid="overdue-row" data-hazard="{hazard.pk}">(.*?)</tr>', page, re.S)
    assert match, f"hazard {hazard.pk} is not on the page"
    return match.group(1)


def proposed(page: str, hazard) -> str:
    return re.search(r'data-testid="proposed-rung" data-rung="(\w*)"', row(page, hazard)).group(1)


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        ([], "letter"),
        (["letter"], "circular"),
        (["letter", "circular"], "interview"),
        (["letter", "circular", "interview"], "exposure"),
        (["letter", "circular", "interview", "exposure"], ""),
    ],
)
def test_it_proposes_the_next_rung(world, client_for, taken, expected):
    hazard = overdue_hazard(world)
    for rung in taken:
        escalate(world, hazard, rung)
    page = client_for(world.office).get(reverse("hazards:overdue")).content.decode()
    assert proposed(page, hazard) == expected
    reached = re.search(r'data-testid="rung-reached" data-rung="(\w*)"', row(page, hazard)).group(1)
    assert reached == (taken[-1] if taken else "")


def test_it_proposes_from_the_highest_rung_not_the_latest_record(world, client_for):
    hazard = overdue_hazard(world)
    escalate(world, hazard, "interview", note="直接约谈", year_ago=True)
    escalate(world, hazard, "interview")  # the same rung again, later
    page = client_for(world.office).get(reverse("hazards:overdue")).content.decode()
    assert proposed(page, hazard) == "exposure"


def test_it_shows_days_overdue_most_overdue_first(world, client_for):
    a = overdue_hazard(world, late=3, title="三天")
    b = overdue_hazard(world, late=40, title="四十天")
    c = overdue_hazard(world, late=12, title="十二天")
    page = client_for(world.office).get(reverse("hazards:overdue")).content.decode()
    assert page.index("四十天") < page.index("十二天") < page.index("三天")
    for hazard, late in ((a, 3), (b, 40), (c, 12)):
        assert f'data-testid="days-overdue">{late}<' in row(page, hazard)


def test_it_leaves_out_what_is_not_overdue(world, client_for):
    overdue_hazard(world, late=0, title="今天到期")
    overdue_hazard(world, late=-5, title="还没到期")
    overdue_hazard(world, status="verified", title="已验收")
    overdue_hazard(world, status="closed", title="已销号")
    page = client_for(world.office).get(reverse("hazards:overdue")).content.decode()
    for title in ("今天到期", "还没到期", "已验收", "已销号"):
        assert title not in page


def test_it_shows_each_user_the_overdue_hazards_in_their_scope(world, client_for):
    hazard = overdue_hazard(world, title="刘圩村逾期隐患")
    assert "刘圩村逾期隐患" not in client_for(world.village_b_officer).get(reverse("hazards:overdue")).content.decode()
    page = client_for(world.village_a_officer).get(reverse("hazards:overdue")).content.decode()
    assert "刘圩村逾期隐患" in page
    assert f'data-testid="escalate-{hazard.pk}"' not in page


def test_it_offers_the_office_a_button_and_leadership_none(world, client_for):
    hazard = overdue_hazard(world)
    office = client_for(world.office).get(reverse("hazards:overdue")).content.decode()
    assert f'data-testid="escalate-{hazard.pk}"' in office
    assert f"?hazard={hazard.pk}&amp;rung=letter" in office
    leader = client_for(world.leader).get(reverse("hazards:overdue"))
    assert leader.status_code == 200
    assert f'data-testid="escalate-{hazard.pk}"' not in leader.content.decode()


def test_it_runs_a_constant_number_of_queries(world, client_for):
    def count(n: int) -> int:
        for i in range(n):
            hazard = overdue_hazard(world, late=i + 1)
            if i % 2:
                escalate(world, hazard, "letter")
        client = client_for(world.office)
        client.get(reverse("hazards:overdue"))  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("hazards:overdue")).status_code == 200
        return len(ctx.captured_queries)

    few = count(3)
    many = count(17)  # 20 in all
    assert few == many


def test_it_shows_reports_waiting_past_the_confirmation_limit_and_links_to_them(world, client_for):
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now() - dt.timedelta(days=6), tick=False):
        waiting = HazardFactory(village=world.village_a, sector=world.sector_a)
    HazardFactory(village=world.village_a, sector=world.sector_a)  # reported today: not overdue
    page = client_for(world.office).get(reverse("hazards:overdue"))
    assert 'data-testid="unconfirmed-overdue"' in page.content.decode()
    listed = client_for(world.office).get(reverse("hazards:list"), {"confirmation_overdue": "true"})
    assert [h.pk for h in listed.context["page_obj"]] == [waiting.pk]
    # Another village's officer is not told about it.
    other = client_for(world.village_b_officer).get(reverse("hazards:overdue")).content.decode()
    assert "unconfirmed-overdue" not in other
