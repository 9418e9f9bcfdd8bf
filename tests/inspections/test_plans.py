"""Quarterly supervision plans (§1): quarters in Asia/Shanghai, idempotent planning, the board, the command and task,
and the inspection histories of villages, units, enterprises and groups."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core import dates
from core.errors import WorkflowError
from inspections import plans
from inspections.models import Inspection, SupervisionVisit
from inspections.services import inspection_plan
from inspections.tasks import create_quarter_plans
from tests.factories import SupervisionGroupFactory, UnitFactory, UserFactory, VillageFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def member(world):
    """A member of the group (the discipline office's cadre) with no other role."""
    return UserFactory(username="jiwei", full_name="纪委委员")


@pytest.fixture
def group(world, member):
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.members.add(member)
    group.villages.add(world.village_a, world.village_b)
    group.units.add(world.unit_a)
    return group


def submit(inspection: Inspection) -> None:
    Inspection.objects.filter(pk=inspection.pk).update(status="submitted", done_on=timezone.localdate())


# -- quarters ------------------------------------------------------------------------------------------------


def test_it_computes_quarters_and_their_bounds():
    assert dates.quarter_of(dt.date(2026, 3, 31)) == (2026, 1)
    assert dates.quarter_of(dt.date(2026, 4, 1)) == (2026, 2)
    assert dates.quarter_of(dt.date(2026, 12, 31)) == (2026, 4)
    assert dates.quarter_bounds(2024, 1) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert dates.quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError):
        dates.quarter_bounds(2026, 5)


# -- planning ------------------------------------------------------------------------------------------------


def test_it_plans_one_supervision_visit_per_village_and_unit_of_each_group(world, group):
    created = plans.quarter_plan_create(township=world.township, year=2026, quarter=2)

    assert created == 3
    visits = SupervisionVisit.objects.filter(group_id=group.pk, year=2026, quarter=2)
    assert {(v.village_id, v.unit_id) for v in visits} == {
        (world.village_a.pk, None),
        (world.village_b.pk, None),
        (None, world.unit_a.pk),
    }
    for visit in visits:
        inspection = visit.inspection
        assert inspection.kind == "supervision"
        assert inspection.channel == "supervision"
        assert inspection.group == group
        assert inspection.planned_on == dt.date(2026, 4, 1)
        assert inspection.created_by == world.leader  # no actor: the group's leader
        assert inspection.status == "planned"
        assert (inspection.village_id, inspection.unit_id) == (visit.village_id, visit.unit_id)


@time_machine.travel(at(2026, 3, 31, 23, 30), tick=False)
def test_it_plans_the_first_quarter_until_midnight_in_shanghai(world, group):
    plans.quarter_plans_create_all()

    assert set(SupervisionVisit.objects.values_list("year", "quarter")) == {(2026, 1)}
    assert set(Inspection.objects.values_list("planned_on", flat=True)) == {dt.date(2026, 1, 1)}


@time_machine.travel(at(2026, 4, 1, 0, 30), tick=False)
def test_it_plans_the_second_quarter_from_midnight_in_shanghai_although_utc_is_still_in_march(world, group):
    assert timezone.now().astimezone(dt.UTC).date() == dt.date(2026, 3, 31)

    plans.quarter_plans_create_all()

    assert set(SupervisionVisit.objects.values_list("year", "quarter")) == {(2026, 2)}
    assert set(Inspection.objects.values_list("planned_on", flat=True)) == {dt.date(2026, 4, 1)}


def test_it_plans_nothing_twice(world, group):
    assert plans.quarter_plan_create(township=world.township, year=2026, quarter=2) == 3
    assert plans.quarter_plan_create(township=world.township, year=2026, quarter=2) == 0
    assert SupervisionVisit.objects.count() == 3
    assert Inspection.objects.count() == 3

    village_c = VillageFactory(township=world.township, name="新增村")
    group.villages.add(village_c)
    assert plans.quarter_plan_create(township=world.township, year=2026, quarter=2) == 1
    assert SupervisionVisit.objects.filter(village_id=village_c.pk).count() == 1


def test_it_leaves_out_deactivated_villages_units_and_groups(world, group):
    world.village_b.is_active = False
    world.village_b.save()
    inactive_unit = UnitFactory(township=world.township, name="撤并站", is_active=False)
    group.units.add(inactive_unit)
    old_group = SupervisionGroupFactory(township=world.township, leader=world.leader, is_active=False)
    old_group.villages.add(world.village_a)

    plans.quarter_plan_create(township=world.township, year=2026, quarter=2)

    visits = SupervisionVisit.objects.all()
    assert {(v.group_id, v.village_id, v.unit_id) for v in visits} == {
        (group.pk, world.village_a.pk, None),
        (group.pk, None, world.unit_a.pk),
    }


def test_it_plans_only_the_given_township(world, group):
    other_group = SupervisionGroupFactory(township=world.other_township, leader=world.other_office)
    other_group.villages.add(world.enterprise_other.village)

    plans.quarter_plan_create(township=world.township, year=2026, quarter=2)

    assert not SupervisionVisit.objects.filter(group_id=other_group.pk).exists()
    assert plans.quarter_plans_create_all(year=2026, quarter=2) == {
        world.township.code: 0,
        world.other_township.code: 1,
    }


def test_it_lets_only_the_office_plan_on_demand(world, group):
    with pytest.raises(WorkflowError):
        plans.quarter_plan_create(township=world.township, year=2026, quarter=2, actor=world.leader)
    with pytest.raises(WorkflowError):
        plans.quarter_plan_create(township=world.township, year=2026, quarter=2, actor=world.other_office)

    plans.quarter_plan_create(township=world.township, year=2026, quarter=2, actor=world.office)

    assert set(Inspection.objects.values_list("created_by", flat=True)) == {world.office.pk}


@time_machine.travel(at(2026, 8, 20, 9, 0), tick=False)
def test_it_plans_the_current_quarter_from_the_command_and_any_quarter_on_demand(world, group):
    call_command("create_quarter_plans")
    assert set(SupervisionVisit.objects.values_list("year", "quarter")) == {(2026, 3)}

    call_command("create_quarter_plans", year=2026, quarter=4)
    assert SupervisionVisit.objects.filter(year=2026, quarter=4).count() == 3

    with pytest.raises(CommandError):
        call_command("create_quarter_plans", year=2026)


@time_machine.travel(at(2026, 10, 1, 0, 5), tick=False)
def test_it_plans_the_new_quarter_from_the_celery_task(world, group):
    result = create_quarter_plans.delay()

    assert result.get() == {world.township.code: 3, world.other_township.code: 0}
    assert set(SupervisionVisit.objects.values_list("year", "quarter")) == {(2026, 4)}


# -- the board -----------------------------------------------------------------------------------------------


def board_url(year: int = 2026, quarter: int = 2) -> str:
    return f"{reverse('inspections:quarter_board')}?year={year}&quarter={quarter}"


@pytest.fixture
def planned_quarter(world, group):
    plans.quarter_plan_create(township=world.township, year=2026, quarter=2)
    visit = SupervisionVisit.objects.get(village=world.village_a)
    submit(visit.inspection)
    return visit


def test_it_counts_done_and_not_done_visits_per_group(world, group, planned_quarter):
    (board,) = plans.quarter_board(world.office, year=2026, quarter=2)

    assert (board.done, board.not_done, board.total) == (1, 2, 3)
    # Villages first, in the order of their division codes; then units.
    assert [v.village_id or v.unit_id for v in board.visits] == [
        world.village_a.pk,
        world.village_b.pk,
        world.unit_a.pk,
    ]
    assert plans.quarter_board(world.office, year=2026, quarter=3) == []


def test_it_shows_the_office_every_group_on_the_board(world, group, planned_quarter, client_for):
    response = client_for(world.office).get(board_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-group="{group.pk}" data-done="1" data-total="3"' in html
    assert f'data-visit="{planned_quarter.pk}" data-target="village:{world.village_a.pk}" data-state="done"' in html
    assert f'data-target="village:{world.village_b.pk}" data-state="not_done"' in html
    assert 'data-testid="create-plan"' in html


@pytest.mark.parametrize(
    ("username", "targets"),
    [
        ("leader", {"village_a", "village_b", "unit_a"}),
        ("member", {"village_a", "village_b", "unit_a"}),
        ("village_b_officer", {"village_b"}),
        ("dept_a", {"unit_a"}),
        ("dept_b", set()),
    ],
)
def test_it_shows_each_role_its_own_visits(world, group, member, planned_quarter, username, targets):
    user = member if username == "member" else getattr(world, username)
    keys = {"village_a": world.village_a.pk, "village_b": world.village_b.pk, "unit_a": world.unit_a.pk}
    boards = plans.quarter_board(user, year=2026, quarter=2)

    seen = {v.village_id or v.unit_id for b in boards for v in b.visits}
    assert seen == {keys[t] for t in targets}


def test_it_hides_the_board_from_enterprises_and_the_create_button_from_others(world, planned_quarter, client_for):
    assert client_for(world.ent_a).get(board_url()).status_code == 404
    response = client_for(world.village_a_officer).get(board_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="create-plan"' not in html
    assert reverse("inspections:group_record", args=[planned_quarter.group_id]) not in html  # the record is 404 to it


def test_it_creates_the_quarter_plan_from_the_board(world, group, client_for):
    response = client_for(world.office).post(reverse("inspections:quarter_plan_create"), {"year": 2026, "quarter": 3})

    assert response.status_code == 302
    assert response["Location"] == board_url(2026, 3)
    assert SupervisionVisit.objects.filter(year=2026, quarter=3).count() == 3
    assert set(Inspection.objects.values_list("created_by", flat=True)) == {world.office.pk}


@pytest.mark.parametrize("username", ["leader", "village_a_officer", "dept_a", "ent_a"])
def test_it_refuses_plan_creation_to_anyone_but_the_office(world, group, client_for, username):
    client = client_for(getattr(world, username))
    response = client.post(reverse("inspections:quarter_plan_create"), {"year": 2026, "quarter": 3})

    assert response.status_code == 404
    assert not SupervisionVisit.objects.exists()


# -- histories -----------------------------------------------------------------------------------------------


@pytest.fixture
def inspections_done(world, group):
    """A done inspection of enterprise A (village A) and the group's supervision of unit A's work."""
    ent = inspection_plan(actor=world.office, township=world.township, kind="special", enterprise=world.enterprise_a)
    unit = inspection_plan(
        actor=world.office, township=world.township, kind="supervision", unit=world.unit_a, group=group
    )
    submit(ent)
    submit(unit)
    return ent, unit


HISTORY_SCOPE = [
    # (url name, target, users who see it; everyone else gets 404)
    ("village_history", "village_a", {"office", "leader", "admin", "village_a_officer"}),
    ("unit_history", "unit_a", {"office", "leader", "admin", "dept_a"}),
    ("enterprise_history", "enterprise_a", {"office", "leader", "admin", "dept_a", "village_a_officer", "ent_a"}),
]
USERS = [
    "office",
    "leader",
    "admin",
    "dept_a",
    "dept_b",
    "village_a_officer",
    "village_b_officer",
    "ent_a",
    "ent_b",
    "other_office",
]


@pytest.mark.parametrize(("name", "target", "allowed"), HISTORY_SCOPE)
def test_it_scopes_each_history_page_to_the_roles_that_see_its_subject(
    world, inspections_done, client_for, name, target, allowed
):
    url = reverse(f"inspections:{name}", args=[getattr(world, target).pk])
    for username in USERS:
        response = client_for(getattr(world, username)).get(url)
        expected = 200 if username in allowed else 404
        assert response.status_code == expected, (name, username)


def test_it_lists_the_inspections_of_a_village_unit_and_enterprise(world, inspections_done, client_for):
    ent, unit = inspections_done
    client = client_for(world.office)

    village_page = client.get(reverse("inspections:village_history", args=[world.village_a.pk])).content.decode()
    unit_page = client.get(reverse("inspections:unit_history", args=[world.unit_a.pk])).content.decode()
    ent_page = client.get(reverse("inspections:enterprise_history", args=[world.enterprise_a.pk])).content.decode()

    assert f'data-inspection="{ent.pk}"' in village_page
    assert f'data-inspection="{unit.pk}"' not in village_page
    assert f'data-inspection="{unit.pk}"' in unit_page
    assert f'data-inspection="{ent.pk}"' in ent_page
    assert 'data-testid="self-inspection-status"' in ent_page


def test_it_shows_a_groups_record_to_the_office_leadership_and_the_group(
    world, group, member, planned_quarter, client_for
):
    url = reverse("inspections:group_record", args=[group.pk])
    for user in (world.office, world.leader, member):
        response = client_for(user).get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('data-testid="record-visit"') == 3
        assert html.count('data-state="done"') == 1
    for user in (world.village_a_officer, world.dept_a, world.ent_a, world.other_office):
        assert client_for(user).get(url).status_code == 404
