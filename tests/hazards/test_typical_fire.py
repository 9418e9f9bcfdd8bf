"""The township's yearly list of typical fire hazards (一批典型火灾隐患, §7): general and major fire hazards,
kept by the office, separate from listing supervision (挂牌督办)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import WorkflowError
from hazards import supervision_services as services
from hazards.models import HazardEvent, Listing, TypicalFireHazard
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db


def year() -> int:
    return timezone.localdate().year


def fire(world, village="a", **kw):
    where = {
        "a": {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a},
        "b": {"village": world.village_b, "sector": world.sector_b, "enterprise": world.enterprise_b},
    }[village]
    return HazardFactory(
        **{"hazard_type": "fire", "status": "rectifying", "deadline": timezone.localdate(), **where, **kw}
    )


def test_it_puts_general_and_major_fire_hazards_on_a_years_list(world):
    general = services.typical_fire_add(hazard_id=fire(world).pk, actor=world.office, year=year(), note="夜间值守")
    major = services.typical_fire_add(hazard_id=fire(world, level="major").pk, actor=world.office, year=year())
    assert {general.hazard.level, major.hazard.level} == {"general", "major"}
    assert not Listing.objects.exists()  # the list is not 挂牌督办
    event = general.hazard.events.get(action=HazardEvent.Action.TYPICAL_FIRE_ADDED)
    assert event.actor == world.office and str(year()) in event.note


@pytest.mark.parametrize("who", ["dept_a", "village_a_officer", "leader", "ent_a", "other_office"])
def test_it_lets_only_the_office_keep_the_list(world, who):
    hazard = fire(world)
    with pytest.raises(WorkflowError):
        services.typical_fire_add(hazard_id=hazard.pk, actor=getattr(world, who), year=year())
    entry = services.typical_fire_add(hazard_id=hazard.pk, actor=world.office, year=year())
    with pytest.raises(WorkflowError):
        services.typical_fire_remove(entry_id=entry.pk, actor=getattr(world, who), reason="x")
    assert TypicalFireHazard.objects.count() == 1


def test_it_keeps_the_list_for_fire_hazards(world):
    with pytest.raises(WorkflowError):
        services.typical_fire_add(hazard_id=fire(world, hazard_type="gas").pk, actor=world.office, year=year())
    with pytest.raises(WorkflowError):
        services.typical_fire_add(hazard_id=fire(world, status="dismissed").pk, actor=world.office, year=year())


def test_it_puts_a_hazard_on_a_years_list_once_and_bounds_the_year(world):
    hazard = fire(world)
    services.typical_fire_add(hazard_id=hazard.pk, actor=world.office, year=year())
    with pytest.raises(WorkflowError):
        services.typical_fire_add(hazard_id=hazard.pk, actor=world.office, year=year())
    for wrong in (1999, year() + 2):
        with pytest.raises(WorkflowError):
            services.typical_fire_add(hazard_id=hazard.pk, actor=world.office, year=wrong)
    assert services.typical_fire_add(hazard_id=hazard.pk, actor=world.office, year=year() - 1)
    assert hazard.typical_fire_entries.count() == 2


def test_it_takes_a_hazard_off_the_list_only_with_a_reason(world):
    entry = services.typical_fire_add(hazard_id=fire(world).pk, actor=world.office, year=year())
    with pytest.raises(WorkflowError):
        services.typical_fire_remove(entry_id=entry.pk, actor=world.office, reason=" ")
    services.typical_fire_remove(entry_id=entry.pk, actor=world.office, reason="经复核不属典型")
    assert not TypicalFireHazard.objects.exists()
    event = entry.hazard.events.get(action=HazardEvent.Action.TYPICAL_FIRE_REMOVED)
    assert "经复核不属典型" in event.note


def test_it_shows_a_years_printable_list_in_scope(world, client_for):
    a = fire(world, title="商场疏散通道堵塞")
    b = fire(world, "b", title="旅馆安全出口锁闭")
    last_year = fire(world, title="去年的隐患")
    for hazard in (a, b):
        services.typical_fire_add(hazard_id=hazard.pk, actor=world.office, year=year())
    services.typical_fire_add(hazard_id=last_year.pk, actor=world.office, year=year() - 1)
    url = reverse("hazards:typical_fire", args=[year()])
    office = client_for(world.office).get(url).content.decode()
    assert "商场疏散通道堵塞" in office and "旅馆安全出口锁闭" in office and "去年的隐患" not in office
    assert 'data-testid="typical-fire-remove"' in office and "data-print" in office
    village = client_for(world.village_a_officer).get(url).content.decode()
    assert "商场疏散通道堵塞" in village and "旅馆安全出口锁闭" not in village
    assert 'data-testid="typical-fire-remove"' not in village
    assert client_for(world.office).get(reverse("hazards:typical_fire_index")).url == url


def test_it_answers_404_for_a_year_out_of_bounds(world, client_for):
    client = client_for(world.office)
    assert client.get(reverse("hazards:typical_fire", args=[1999])).status_code == 404
    assert client.get(reverse("hazards:typical_fire", args=[year() + 2])).status_code == 404


def test_it_adds_and_removes_through_the_pages(world, client_for):
    hazard = fire(world)
    client = client_for(world.office)
    assert 'data-testid="typical-fire-form"' in client.get(hazard.get_absolute_url()).content.decode()
    response = client.post(reverse("hazards:typical_fire_add", args=[hazard.pk]), {"year": year(), "note": "典型"})
    assert response.status_code == 302 and response.url == reverse("hazards:typical_fire", args=[year()])
    entry = hazard.typical_fire_entries.get()
    client.post(reverse("hazards:typical_fire_remove", args=[entry.pk]), {"reason": ""})
    assert TypicalFireHazard.objects.exists()
    client.post(reverse("hazards:typical_fire_remove", args=[entry.pk]), {"reason": "误录"})
    assert not TypicalFireHazard.objects.exists()


@pytest.mark.parametrize("who", ["dept_a", "village_a_officer", "leader"])
def test_it_answers_404_to_anyone_else_adding_or_removing(world, client_for, who):
    hazard = fire(world)
    entry = services.typical_fire_add(hazard_id=hazard.pk, actor=world.office, year=year())
    client = client_for(getattr(world, who))
    assert client.post(reverse("hazards:typical_fire_add", args=[hazard.pk]), {"year": year()}).status_code == 404
    assert client.post(reverse("hazards:typical_fire_remove", args=[entry.pk]), {"reason": "x"}).status_code == 404
    assert TypicalFireHazard.objects.count() == 1
