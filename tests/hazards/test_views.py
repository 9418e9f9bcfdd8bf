"""The hazard pages: scope on every page, the steps through the browser's forms, the list's filters and cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hazards.models import Hazard, Status
from tests.factories import HazardFactory
from tests.hazards.conftest import upload

pytestmark = pytest.mark.django_db

SEES_A = {"office": True, "leader": True, "dept_a": True, "village_a_officer": True,
          "dept_b": False, "village_b_officer": False, "ent_b": False, "other_office": False}  # fmt: skip


@pytest.mark.parametrize(("who", "sees"), SEES_A.items())
def test_it_shows_a_hazard_only_within_scope_on_every_page(world, client_for, hazard_a, who, sees):
    client = client_for(getattr(world, who))
    listing = client.get(reverse("hazards:list"))
    assert (hazard_a.title in listing.content.decode()) == sees
    assert client.get(reverse("hazards:detail", args=[hazard_a.pk])).status_code == (200 if sees else 404)
    step = client.post(reverse("hazards:step", args=[hazard_a.pk, "dismiss"]), {"note": "x"})
    assert step.status_code == (302 if sees else 404)
    export = client.get(reverse("hazards:ledger_export"))
    assert export.status_code == 200


def test_it_hides_a_reported_hazard_from_the_enterprise_until_it_is_registered(world, client_for, hazard_a):
    client = client_for(world.ent_a)
    url = reverse("hazards:detail", args=[hazard_a.pk])
    assert client.get(url).status_code == 404
    assert hazard_a.title not in client.get(reverse("hazards:list")).content.decode()
    Hazard.objects.filter(pk=hazard_a.pk).update(status=Status.CONFIRMED)
    assert client.get(url).status_code == 200


def test_it_shows_an_enterprise_what_it_reported_itself(world, client_for):
    own = HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a, reported_by=world.ent_a
    )
    assert client_for(world.ent_a).get(reverse("hazards:detail", args=[own.pk])).status_code == 200


def test_it_lets_leadership_read_but_take_no_step(world, client_for, hazard_a):
    client = client_for(world.leader)
    page = client.get(reverse("hazards:detail", args=[hazard_a.pk]))
    assert page.context["steps"] == []
    client.post(reverse("hazards:step", args=[hazard_a.pk, "confirm"]), {"level": "general", "hazard_type": "fire",
                                                                       "sector": world.sector_a.pk})  # fmt: skip
    assert Hazard.objects.get(pk=hazard_a.pk).status == Status.REPORTED
    assert client.get(reverse("hazards:report")).status_code == 404


def test_it_offers_each_role_exactly_its_steps(world, client_for, hazard_a):
    steps = {
        who: [s["name"] for s in client_for(getattr(world, who)).get(hazard_a.get_absolute_url()).context["steps"]]
        for who in ("office", "dept_a", "village_a_officer")
    }
    assert steps == {"office": ["confirm", "dismiss"], "dept_a": ["confirm", "dismiss"], "village_a_officer": []}


def test_it_reports_a_hazard_with_a_photo_through_the_form(world, client_for):
    client = client_for(world.village_a_officer)
    data = {
        "title": "液化气软管老化", "description": "厨房软管开裂", "location": "后厨", "village": world.village_a.pk,
        "enterprise": world.enterprise_a.pk, "sector": world.sector_a.pk, "hazard_type": "gas", "level": "general",
        "channel": "department", "found_on": timezone.localdate().isoformat(),
        "photos": [upload("a.jpg"), upload("b.jpg")],
    }  # fmt: skip
    response = client.post(reverse("hazards:report"), data)
    hazard = Hazard.objects.get(title="液化气软管老化")
    assert response.status_code == 302
    assert hazard.evidence.count() == 2 and hazard.reported_by == world.village_a_officer


def test_it_keeps_the_form_and_explains_a_bad_photo(world, client_for):
    client = client_for(world.village_a_officer)
    data = {
        "title": "x", "description": "y", "village": world.village_a.pk, "sector": world.sector_a.pk,
        "hazard_type": "gas", "level": "general", "channel": "department", "found_on": timezone.localdate().isoformat(),
        "photos": [upload("ok.jpg"), SimpleUploadedFile("bad.jpg", b"not an image")],
    }  # fmt: skip
    response = client.post(reverse("hazards:report"), data)
    assert response.status_code == 200
    assert "bad.jpg" in response.content.decode()
    assert not Hazard.objects.exists()


def test_it_refuses_a_village_outside_the_officers_area_in_the_form(world, client_for):
    client = client_for(world.village_a_officer)
    data = {"title": "x", "description": "y", "village": world.village_b.pk, "sector": world.sector_b.pk,
            "hazard_type": "gas", "level": "general", "channel": "department",
            "found_on": timezone.localdate().isoformat()}  # fmt: skip
    assert client.post(reverse("hazards:report"), data).status_code == 200
    assert not Hazard.objects.exists()


def test_it_takes_a_step_from_the_page_and_reports_a_refusal_as_a_message(world, client_for, hazard_a):
    client = client_for(world.dept_a)
    url = reverse("hazards:step", args=[hazard_a.pk, "confirm"])
    data = {"expected_status": "reported", "level": "major", "hazard_type": "fire", "sector": world.sector_a.pk,
            "basis": "《重大火灾隐患判定方法》", "clause": "第6.1条"}  # fmt: skip
    client.post(url, data)
    assert Hazard.objects.get(pk=hazard_a.pk).status == Status.CONFIRMED
    again = client.post(url, data, follow=True)
    assert any("他人" in str(m) for m in again.context["messages"])


def test_it_filters_by_everything_in_the_url(world, client_for, hazard_a, hazard_b):
    client = client_for(world.office)
    Hazard.objects.filter(pk=hazard_b.pk).update(level="major", status="rectifying", deadline=dt.date(2024, 1, 1),
                                                 found_on=dt.date(2023, 5, 1))  # fmt: skip
    cases = [
        ({"village": world.village_b.pk}, {hazard_b.pk}),
        ({"level": "major"}, {hazard_b.pk}),
        ({"overdue": "true"}, {hazard_b.pk}),
        ({"stock": "stock"}, {hazard_b.pk}),
        ({"stock": "increment"}, {hazard_a.pk}),
        ({"status": ["reported"]}, {hazard_a.pk}),
        ({"lead_unit": world.unit_a.pk}, {hazard_a.pk}),
        ({"q": world.enterprise_b.credit_code}, {hazard_b.pk}),
        ({"found_from": "2024-01-01"}, {hazard_a.pk}),
        ({"deadline_to": "2024-06-30"}, {hazard_b.pk}),
    ]
    for params, expected in cases:
        page = client.get(reverse("hazards:list"), params)
        assert {h.pk for h in page.context["page_obj"]} == expected, params


def test_it_shows_nothing_for_an_invalid_filter_rather_than_everything(world, client_for, hazard_a):
    page = client_for(world.office).get(reverse("hazards:list"), {"found_from": "not-a-date"})
    assert list(page.context["page_obj"]) == []


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("hazards:list")).status_code == 200
    return len(ctx.captured_queries)


def test_it_lists_hazards_in_a_constant_number_of_queries(world, client_for):
    client = client_for(world.village_a_officer)
    HazardFactory.create_batch(3, village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a)
    few = list_queries(client)
    HazardFactory.create_batch(40, village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a)
    assert list_queries(client) == few
    assert few <= 12


def test_it_shows_the_timeline_with_photos(world, client_for, hazard_a):
    from hazards import services
    from tests.hazards.conftest import checked

    services.hazard_add_evidence(
        hazard_id=hazard_a.pk, actor=world.village_a_officer, kind="problem", photos=[checked()]
    )
    body = client_for(world.office).get(hazard_a.get_absolute_url()).content.decode()
    assert 'data-testid="evidence-problem"' in body


def test_it_shows_on_the_hazard_how_often_and_how_far_its_deadline_was_extended(world, client_for):
    hazard = HazardFactory(
        village=world.village_a, sector=world.sector_a, status="rectifying", deadline=dt.date(2099, 1, 1),
        extension_count=2, extension_days=17,
    )  # fmt: skip
    page = client_for(world.office).get(hazard.get_absolute_url()).content.decode()
    assert 'data-testid="hazard-extensions"' in page and "17" in page


def test_the_hazard_page_puts_what_the_user_can_do_first_and_hides_missing_items_from_who_cannot_fill_them(
    world, client_for
):
    from tests.factories import HazardFactory

    hazard = HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a, level="major",
        status="confirmed", measures="", deadline=None,
    )  # fmt: skip
    office = client_for(world.office).get(hazard.get_absolute_url()).content.decode()
    assert office.index('data-testid="steps"') < office.index('data-testid="next-turn"') < office.index("<dl")
    assert "尚缺：" in office  # the office fills the 五落实
    enterprise = client_for(world.ent_a).get(hazard.get_absolute_url()).content.decode()
    assert "尚缺：" not in enterprise


def test_panels_with_nothing_recorded_and_nothing_to_do_stay_folded(world, client_for):
    import re

    from tests.factories import HazardFactory

    hazard = HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a, level="major",
        status="rectifying", deadline=dt.date(2099, 1, 1),
    )  # fmt: skip

    def panels(user) -> dict[str, bool]:
        page = client_for(user).get(hazard.get_absolute_url()).content.decode()
        found = re.findall(r'<details class="card mb-3 panel-fold"(?: data-testid="([\w-]+)")?( open)?>', page)
        return {name or "panel-extensions": bool(opened) for name, opened in found}

    leader = panels(world.leader)  # reads only: nothing recorded, nothing to do
    assert leader and not any(leader.values())
    office = panels(world.office)  # lists, issues notices, escalates, records refusals
    assert office["panel-listings"] and office["panel-notices"] and office["panel-escalations"]
