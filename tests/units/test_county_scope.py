"""Two townships of one county: nothing of one is visible or writable from the other (404); the county bureau reads
every township and writes nothing of theirs; a county department reads its sectors in every township."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Model
from django.urls import reverse

from core.errors import WorkflowError
from dashboard.access import accidents_visible_to
from dashboard.accidents import accident_create
from dashboard.models import Accident
from hazards import services as hazard_services
from hazards.access import hazard_actions, hazards_visible_to
from hazards.models import Hazard
from inspections import plans
from inspections.access import inspections_visible_to, places_visible_to, problems_visible_to, visits_visible_to
from inspections.models import Inspection, PlaceAtRisk, SupervisionVisit, WorkProblem
from inspections.services import inspection_plan
from reminders.access import reminders_visible_to, unknown_deliveries_visible_to
from reminders.models import Delivery, Reminder
from tests.conftest import World
from tests.factories import HazardFactory, SupervisionGroupFactory
from units.access import Scope, build_scope, enterprises_visible_to, master_records_visible_to
from units.models import Enterprise, Township, User, Village

TODAY = dt.datetime(2026, 4, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(TODAY, tick=False)]


@dataclass
class Records:
    """One of each record a township keeps."""

    hazard: Hazard
    inspection: Inspection
    accident: Accident
    place: PlaceAtRisk
    visit: SupervisionVisit
    problem: WorkProblem
    reminder: Reminder
    village: Village
    enterprise: Enterprise


def _records(township: Township, office: User, village: Village, enterprise: Enterprise, sector: Any) -> Records:
    group = SupervisionGroupFactory(township=township, leader=office, name=f"{township.name}督导组")
    group.villages.add(village)
    plans.quarter_plan_create(township=township, year=2026, quarter=2)
    visit = group.visits.get(village=village)
    accident = accident_create(
        actor=office,
        township=township,
        fields={
            "occurred_on": dt.date(2026, 3, 8),
            "place": f"{village.name}工地",
            "village": village,
            "kind": "construction",
            "injuries": 1,
            "direct_loss": Decimal("3"),
            "description": "脚手架坍塌",
        },
    )
    return Records(
        hazard=HazardFactory(village=village, sector=sector, enterprise=enterprise, title=f"{township.name}的隐患"),
        inspection=inspection_plan(actor=office, township=township, kind="special", village=village),
        accident=accident,
        place=plans.place_create(
            actor=office, fields={"village": village, "kind": "idle_factory", "name": f"{village.name}闲置厂房"}
        ),
        visit=visit,
        problem=plans.problem_create(
            inspection=visit.inspection, actor=office, description="例会未召开", deadline=dt.date(2026, 4, 30)
        ),
        reminder=Reminder.objects.create(
            rule="test",
            object_key=f"township:{township.pk}",
            period="2026Q2",
            recipient_key=f"user:{office.pk}",
            user=office,
            township=township,
            title=f"{township.name}的提醒",
            email_state=Delivery.UNKNOWN,
        ),
        village=village,
        enterprise=enterprise,
    )


@pytest.fixture
def here(world: World) -> Records:
    return _records(world.township, world.office, world.village_a, world.enterprise_a, world.sector_a)


@pytest.fixture
def there(world: World) -> Records:
    return _records(
        world.other_township, world.other_office, world.other_village, world.enterprise_other, world.other_sector
    )


# Each rule by which a record is visible, as "the rows this user may read".
VISIBLE: dict[str, Callable[[User], Any]] = {
    "hazard": hazards_visible_to,
    "inspection": inspections_visible_to,
    "accident": accidents_visible_to,
    "place": places_visible_to,
    "visit": visits_visible_to,
    "problem": problems_visible_to,
    "reminder": unknown_deliveries_visible_to,
    "village": lambda user: master_records_visible_to(user, Village),
    "enterprise": enterprises_visible_to,
}


def _visible(kind: str, user: User, *records: Records) -> list[bool]:
    rows = VISIBLE[kind](user)
    return [rows.filter(pk=getattr(r, kind).pk).exists() for r in records]


@pytest.mark.parametrize("kind", VISIBLE)
def test_it_shows_each_township_only_its_own_records_and_the_county_all(world, here, there, kind):
    assert _visible(kind, world.office, here, there) == [True, False]
    assert _visible(kind, world.other_office, here, there) == [False, True]
    if kind != "reminder":  # the deliveries to check are the office's own work
        assert _visible(kind, world.county, here, there) == [True, True]


def _detail_urls(r: Records) -> dict[str, str]:
    return {
        "hazard": reverse("hazards:detail", args=[r.hazard.pk]),
        "inspection": reverse("inspections:detail", args=[r.inspection.pk]),
        "accident": reverse("dashboard:accident_detail", args=[r.accident.pk]),
        "place": reverse("inspections:place_detail", args=[r.place.pk]),
        "visit": reverse("inspections:detail", args=[r.visit.inspection_id]),
        "problem": reverse("inspections:problem_detail", args=[r.problem.pk]),
        "enterprise": reverse("units:enterprise_detail", args=[r.enterprise.pk]),
    }


def test_it_answers_404_for_every_page_of_the_other_township(world, here, there, client_for):
    for user, own, other in ((world.office, here, there), (world.other_office, there, here)):
        client = client_for(user)
        for kind, url in _detail_urls(other).items():
            assert client.get(url).status_code == 404, kind
        for kind, url in _detail_urls(own).items():
            assert client.get(url).status_code == 200, kind


def test_it_shows_the_county_every_page_of_every_township(world, here, there, client_for):
    client = client_for(world.county)
    for records in (here, there):
        for kind, url in _detail_urls(records).items():
            assert client.get(url).status_code == 200, kind
    listed = client.get(reverse("hazards:list")).content.decode()
    assert here.hazard.title in listed and there.hazard.title in listed
    enterprises = client.get(reverse("units:enterprise_list")).content.decode()
    assert world.enterprise_a.name in enterprises and world.enterprise_other.name in enterprises


def _edit_posts(r: Records) -> dict[str, tuple[str, dict[str, str]]]:
    """A change to each record, as its page would post it."""
    return {
        "hazard": (reverse("hazards:step", args=[r.hazard.pk, "confirm"]), {"level": "general"}),
        "accident": (reverse("dashboard:accident_edit", args=[r.accident.pk]), {"place": "改"}),
        "place": (reverse("inspections:place_toggle", args=[r.place.pk]), {}),
        "problem": (reverse("inspections:problem_return", args=[r.problem.pk]), {"note": "退回"}),
        "village": (reverse("units:village_edit", args=[r.village.pk]), {"name": "改名村", "code": r.village.code}),
        "enterprise": (reverse("units:enterprise_toggle", args=[r.enterprise.pk]), {}),
    }


def _snapshot(r: Records) -> list[Any]:
    def row(obj: Model) -> dict[str, Any]:
        return type(obj)._default_manager.filter(pk=obj.pk).values().get()  # type: ignore[no-any-return]

    return [row(r.hazard), row(r.accident), row(r.place), row(r.problem), row(r.village), row(r.enterprise)]


def test_it_answers_404_to_every_change_posted_from_the_other_township(world, here, there, client_for):
    before = _snapshot(here)
    client = client_for(world.other_office)
    for kind, (url, data) in _edit_posts(here).items():
        assert client.post(url, data).status_code == 404, kind
    assert _snapshot(here) == before


def test_it_lets_the_county_change_nothing_a_township_writes(world, here, there, client_for):
    before = [_snapshot(here), _snapshot(there)]
    client = client_for(world.county)
    for records in (here, there):
        for kind, (url, data) in _edit_posts(records).items():
            assert client.post(url, data).status_code in (302, 403, 404), kind
    assert [_snapshot(here), _snapshot(there)] == before
    assert client.get(reverse("units:village_create")).status_code == 404
    assert client.get(reverse("dashboard:accident_create")).status_code == 404
    assert client.post(reverse("hazards:report"), {"title": "县里报的"}).status_code in (302, 403, 404)
    assert not Hazard.objects.filter(title="县里报的").exists()


def test_it_offers_the_county_no_step_on_a_township_hazard_and_its_services_refuse_one(world, here, there):
    for records in (here, there):
        actions = hazard_actions(world.county, records.hazard)
        assert not actions.steps and not actions.may_edit and not actions.may_add_evidence
        with pytest.raises(WorkflowError):
            hazard_services.hazard_confirm(hazard_id=records.hazard.pk, actor=world.county, level="general")
    with pytest.raises(WorkflowError):
        plans.problem_accept(problem_id=there.problem.pk, actor=world.county)


def test_it_keeps_the_inbox_personal_whatever_the_township(world, here, there):
    assert list(reminders_visible_to(world.county)) == []
    assert list(reminders_visible_to(world.other_office)) == [there.reminder]


# -- the scope itself ----------------------------------------------------------------------------------------


def enterprise_names(scope: Scope) -> set[str]:
    return set(scope.filter_enterprises(Enterprise.objects.all()).values_list("name", flat=True))


def test_it_gives_the_county_every_township_of_the_county_to_read(world):
    scope = build_scope(world.county)
    assert scope.all_townships == {world.township.pk, world.other_township.pk}
    assert enterprise_names(scope) == {world.enterprise_a.name, world.enterprise_b.name, world.enterprise_other.name}
    assert scope.is_read_only and scope.is_county and scope.may_list_at_county
    assert not scope.office_townships


def test_it_leaves_a_township_of_another_county_out_of_the_countys_reading(world):
    world.other_township.county = None
    world.other_township.save()
    assert build_scope(world.county).all_townships == {world.township.pk}


def test_it_gives_a_county_department_its_sectors_in_every_township_by_name_or_other_name(world):
    scope = build_scope(world.county_dept)
    assert scope.sector_ids == {world.sector_a.pk, world.other_building_sector.pk}
    assert not scope.all_townships
    assert scope.is_read_only and scope.is_county and not scope.may_list_at_county
    assert enterprise_names(scope) == {world.enterprise_a.name}


def test_it_shows_a_county_department_the_hazards_of_its_sectors_in_every_township(world, client_for):
    building_here = HazardFactory(village=world.village_a, sector=world.sector_a, title="刘圩工地隐患")
    building_there = HazardFactory(village=world.other_village, sector=world.other_building_sector, title="邻镇工地")
    farming = HazardFactory(village=world.village_b, sector=world.sector_b, title="农业隐患")
    visible = set(hazards_visible_to(world.county_dept))
    assert visible == {building_here, building_there}
    client = client_for(world.county_dept)
    assert client.get(reverse("hazards:detail", args=[building_there.pk])).status_code == 200
    assert client.get(reverse("hazards:detail", args=[farming.pk])).status_code == 404
    assert not hazard_actions(world.county_dept, building_there).steps


def test_it_keeps_the_township_roles_writing_and_out_of_the_county(world):
    for user in (world.office, world.dept_a, world.village_a_officer, world.ent_a, world.admin):
        scope = build_scope(user)
        assert not scope.is_read_only and not scope.is_county and not scope.may_list_at_county
    assert build_scope(world.leader).is_read_only


@pytest.mark.parametrize("who", ["county", "county_dept"])
def test_it_offers_the_county_only_pages_it_may_open(world, here, there, client_for, who):
    client = client_for(getattr(world, who))
    links = client.get(reverse("home")).context["nav_items"]
    assert links
    for link in links:
        assert client.get(link["url"]).status_code == 200, link["url"]
