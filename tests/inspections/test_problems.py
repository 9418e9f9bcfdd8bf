"""Work problems handed over by supervision (交办单: 限期交办, 跟踪问效) and referrals to the discipline office (§1)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from core.errors import WorkflowError
from inspections import plans
from inspections.access import problems_visible_to
from inspections.models import DisciplineReferral, WorkProblem
from inspections.services import inspection_actions, inspection_plan
from tests.factories import SupervisionGroupFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.datetime(2026, 4, 10, 9, 0, tzinfo=SHANGHAI)
pytestmark = pytest.mark.time_machine(TODAY, tick=False)


@pytest.fixture
def member(world):
    return UserFactory(username="jiwei", full_name="纪委委员")


@pytest.fixture
def group(world, member):
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.members.add(member)
    group.villages.add(world.village_a, world.village_b)
    group.units.add(world.unit_a)
    return group


@pytest.fixture
def visit_a(world, group):
    """The supervision inspection of village A's work this quarter."""
    plans.quarter_plan_create(township=world.township, year=2026, quarter=2)
    return group.visits.get(village=world.village_a).inspection


@pytest.fixture
def visit_unit(world, group, visit_a):
    return group.visits.get(unit=world.unit_a).inspection


def hand_over(inspection, actor, **kwargs):
    kwargs.setdefault("description", "安全生产例会未按月召开")
    kwargs.setdefault("deadline", dt.date(2026, 4, 30))
    return plans.problem_create(inspection=inspection, actor=actor, **kwargs)


# -- the lifecycle -------------------------------------------------------------------------------------------


def test_it_follows_a_problem_from_hand_over_to_acceptance(world, member, visit_a):
    problem = hand_over(visit_a, world.office, required_reply="报送整改情况及会议记录")
    assert (problem.state, problem.village, problem.unit) == ("open", world.village_a, None)

    plans.problem_reply(problem_id=problem.pk, actor=world.village_a_officer, reply="已召开例会")
    problem.refresh_from_db()
    assert (problem.state, problem.replied_by) == ("replied", world.village_a_officer)

    plans.problem_return(problem_id=problem.pk, actor=world.leader, note="缺少会议记录")
    problem.refresh_from_db()
    assert (problem.state, problem.review_note) == ("open", "缺少会议记录")

    plans.problem_reply(problem_id=problem.pk, actor=world.village_a_officer, reply="已补充会议记录")
    plans.problem_accept(problem_id=problem.pk, actor=member)
    problem.refresh_from_db()
    assert (problem.state, problem.reply, problem.accepted_by) == ("accepted", "已补充会议记录", member)
    assert [h.state for h in problem.history.order_by("history_date", "history_id")] == [
        "open",
        "replied",
        "open",
        "replied",
        "accepted",
    ]
    assert {h.history_user for h in problem.history.all()} == {
        world.office,
        world.village_a_officer,
        world.leader,
        member,
    }


def test_it_hands_a_unit_visits_problem_to_the_unit_by_default(world, visit_unit):
    problem = hand_over(visit_unit, world.office)

    assert (problem.village, problem.unit) == (None, world.unit_a)
    plans.problem_reply(problem_id=problem.pk, actor=world.dept_a, reply="已整改")
    with pytest.raises(WorkflowError):
        plans.problem_reply(problem_id=problem.pk, actor=world.dept_b, reply="已整改")


@pytest.mark.parametrize("username", ["office", "leader", "member"])
def test_it_lets_the_office_and_the_group_hand_over(world, member, visit_a, username):
    actor = member if username == "member" else getattr(world, username)

    assert hand_over(visit_a, actor).created_by == actor


# §1: the village supervised (its officer) does not hand problems over to itself.
@pytest.mark.parametrize("username", ["village_a_officer", "dept_b", "ent_a", "village_b_officer", "other_office"])
def test_it_refuses_hand_over_to_others(world, visit_a, username):
    with pytest.raises(WorkflowError):
        hand_over(visit_a, getattr(world, username))
    assert not WorkProblem.objects.exists()


def test_it_refuses_problems_outside_a_supervision_inspection_or_past_their_deadline(world, visit_a):
    special = inspection_plan(actor=world.office, township=world.township, kind="special", village=world.village_a)
    with pytest.raises(WorkflowError, match="督导检查"):
        hand_over(special, world.office)
    with pytest.raises(WorkflowError):
        hand_over(visit_a, world.office, deadline=dt.date(2026, 4, 9))
    with pytest.raises(WorkflowError):
        hand_over(visit_a, world.office, village=world.village_a, unit=world.unit_a)
    with pytest.raises(WorkflowError):
        hand_over(visit_a, world.office, village=world.enterprise_other.village)
    with pytest.raises(WorkflowError):
        hand_over(visit_a, world.office, description="  ")


def test_it_refuses_steps_by_the_wrong_people_or_in_the_wrong_state(world, visit_a):
    problem = hand_over(visit_a, world.office)
    for actor in (world.village_b_officer, world.office, world.leader, world.ent_a):
        with pytest.raises(WorkflowError):
            plans.problem_reply(problem_id=problem.pk, actor=actor, reply="已整改")
    with pytest.raises(WorkflowError, match="不能进行"):
        plans.problem_accept(problem_id=problem.pk, actor=world.office)
    with pytest.raises(WorkflowError):
        plans.problem_reply(problem_id=problem.pk, actor=world.village_a_officer, reply=" ")

    plans.problem_reply(problem_id=problem.pk, actor=world.village_a_officer, reply="已整改")
    for actor in (world.village_a_officer, world.dept_a, world.other_office):
        with pytest.raises(WorkflowError):
            plans.problem_accept(problem_id=problem.pk, actor=actor)
    with pytest.raises(WorkflowError):
        plans.problem_return(problem_id=problem.pk, actor=world.office, note="")
    with pytest.raises(WorkflowError, match="不能进行"):
        plans.problem_reply(problem_id=problem.pk, actor=world.village_a_officer, reply="再次回复")
    problem.refresh_from_db()
    assert problem.state == "replied"


# -- pages ---------------------------------------------------------------------------------------------------


def test_it_hands_over_a_problem_from_the_inspection(world, visit_a, client_for):
    client = client_for(world.office)
    url = reverse("inspections:problem_create", args=[visit_a.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "description": "隐患排查台账不全",
            "target": f"village:{world.village_a.pk}",
            "deadline": "2026-04-25",
            "required_reply": "报送台账",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:detail", args=[visit_a.pk])
    problem = WorkProblem.objects.get()
    assert (problem.description, problem.village, problem.deadline) == (
        "隐患排查台账不全",
        world.village_a,
        dt.date(2026, 4, 25),
    )


def test_it_hides_the_hand_over_page_from_people_who_may_not(world, visit_a, client_for):
    url = reverse("inspections:problem_create", args=[visit_a.pk])
    for user in (world.dept_b, world.ent_a, world.village_b_officer):
        assert client_for(user).get(url).status_code == 404


def test_it_walks_the_lifecycle_through_the_pages(world, visit_a, client_for):
    problem = hand_over(visit_a, world.office)
    detail = reverse("inspections:problem_detail", args=[problem.pk])

    officer = client_for(world.village_a_officer)
    assert 'data-testid="reply-form"' in officer.get(detail).content.decode()
    assert officer.post(reverse("inspections:problem_accept", args=[problem.pk])).status_code == 404
    assert (
        officer.post(reverse("inspections:problem_reply", args=[problem.pk]), {"reply": "已整改"})["Location"] == detail
    )

    office = client_for(world.office)
    assert 'data-testid="review-forms"' in office.get(detail).content.decode()
    office.post(reverse("inspections:problem_return", args=[problem.pk]), {"note": "请附照片"})
    problem.refresh_from_db()
    assert (problem.state, problem.review_note) == ("open", "请附照片")

    client_for(world.village_a_officer).post(
        reverse("inspections:problem_reply", args=[problem.pk]), {"reply": "附照片"}
    )
    client_for(world.office).post(reverse("inspections:problem_accept", args=[problem.pk]), {"note": ""})
    problem.refresh_from_db()
    assert problem.state == "accepted"
    assert client_for(world.office).get(detail).content.decode().count('<li class="list-group-item px-0">') >= 5


def test_it_keeps_an_empty_reply_on_the_page_with_its_error(world, visit_a, client_for):
    problem = hand_over(visit_a, world.office)

    response = client_for(world.village_a_officer).post(reverse("inspections:problem_reply", args=[problem.pk]), {})

    assert response.status_code == 200
    assert 'data-testid="field-error"' in response.content.decode()
    problem.refresh_from_db()
    assert problem.state == "open"


def test_it_shows_each_role_the_problems_in_its_scope(world, member, visit_a, visit_unit, client_for):
    to_a = hand_over(visit_a, world.office)
    to_b = hand_over(visit_a, world.office, village=world.village_b)
    to_unit = hand_over(visit_unit, world.office)
    expected = {
        world.office: {to_a, to_b, to_unit},
        world.leader: {to_a, to_b, to_unit},
        member: {to_a, to_b, to_unit},
        world.village_a_officer: {to_a},
        world.village_b_officer: {to_b},
        world.dept_a: {to_unit},
        world.dept_b: set(),
        world.ent_a: set(),
        world.other_office: set(),
    }
    for user, problems in expected.items():
        assert set(problems_visible_to(user)) == problems, user
    assert (
        client_for(world.village_b_officer).get(reverse("inspections:problem_detail", args=[to_a.pk])).status_code
        == 404
    )
    page = client_for(world.village_a_officer).get(reverse("inspections:problems")).content.decode()
    assert f'data-problem="{to_a.pk}"' in page
    assert f'data-problem="{to_b.pk}"' not in page
    member_page = client_for(member).get(reverse("inspections:problems")).content.decode()
    assert member_page.count('data-testid="problem-row"') == 3


def test_it_filters_overdue_problems(world, visit_a, client_for):
    late = hand_over(visit_a, world.office, deadline=dt.date(2026, 4, 20))
    later = hand_over(visit_a, world.office, deadline=dt.date(2026, 5, 30))
    replied = hand_over(visit_a, world.office, deadline=dt.date(2026, 4, 20))
    plans.problem_reply(problem_id=replied.pk, actor=world.village_a_officer, reply="已整改")

    with time_machine.travel(dt.datetime(2026, 4, 25, 9, 0, tzinfo=SHANGHAI), tick=False):
        page = client_for(world.office).get(reverse("inspections:problems"), {"overdue": "on"}).content.decode()
        everything = client_for(world.office).get(reverse("inspections:problems")).content.decode()

    assert f'data-problem="{late.pk}"' in page
    assert f'data-problem="{later.pk}"' not in page
    assert f'data-problem="{replied.pk}"' not in page
    assert everything.count('data-testid="problem-row"') == 3
    assert everything.count('data-testid="problem-overdue"') == 1


def test_it_lists_accepted_problems_only_when_asked(world, visit_a, client_for):
    problem = hand_over(visit_a, world.office)
    plans.problem_reply(problem_id=problem.pk, actor=world.village_a_officer, reply="已整改")
    plans.problem_accept(problem_id=problem.pk, actor=world.office)
    client = client_for(world.office)

    assert f'data-problem="{problem.pk}"' not in client.get(reverse("inspections:problems")).content.decode()
    assert (
        f'data-problem="{problem.pk}"' in client.get(reverse("inspections:problems"), {"state": "all"}).content.decode()
    )
    assert (
        f'data-problem="{problem.pk}"'
        in client.get(reverse("inspections:problems"), {"state": "accepted"}).content.decode()
    )


# -- referrals -----------------------------------------------------------------------------------------------


def refer(inspection, actor, **kwargs):
    fields = {
        "cadre_name": "王某",
        "cadre_position": "村安全员",
        "facts": "隐患台账长期不更新",
        "referred_on": dt.date(2026, 4, 10),
    }
    return plans.referral_create(inspection=inspection, actor=actor, **{**fields, **kwargs})


def test_it_records_a_referral_by_the_office_or_the_groups_leader(world, visit_a):
    assert refer(visit_a, world.leader).referred_by == world.leader
    assert refer(visit_a, world.office).township == world.township
    assert DisciplineReferral.objects.filter(inspection=visit_a).count() == 2


@pytest.mark.parametrize("username", ["member", "village_a_officer", "dept_a", "other_office"])
def test_it_refuses_referrals_by_anyone_else(world, member, visit_a, username):
    with pytest.raises(WorkflowError):
        refer(visit_a, member if username == "member" else getattr(world, username))


def test_it_refuses_referrals_outside_supervision_or_dated_in_the_future(world, visit_a):
    special = inspection_plan(actor=world.office, township=world.township, kind="special", village=world.village_a)
    with pytest.raises(WorkflowError):
        refer(special, world.office)
    with pytest.raises(WorkflowError):
        refer(visit_a, world.office, referred_on=dt.date(2026, 4, 11))


def test_it_records_a_referral_from_its_page_and_lists_it_for_the_office(world, visit_a, client_for):
    url = reverse("inspections:referral_create", args=[visit_a.pk])
    assert client_for(world.village_a_officer).get(url).status_code == 404

    response = client_for(world.leader).post(
        url, {"cadre_name": "王某", "cadre_position": "", "facts": "不担当", "referred_on": "2026-04-10"}
    )

    assert response.status_code == 302
    referral = DisciplineReferral.objects.get()
    listing = client_for(world.office).get(reverse("inspections:referrals")).content.decode()
    assert f'data-referral="{referral.pk}"' in listing
    assert client_for(world.village_a_officer).get(reverse("inspections:referrals")).status_code == 404
    assert client_for(world.ent_a).get(reverse("inspections:referrals")).status_code == 404


# -- the partial on the inspection page ---------------------------------------------------------------------------


def _partial(inspection, user):
    context = {"inspection": inspection, "user": user, "actions": inspection_actions(user, inspection)}
    return render_to_string("inspections/plans/_inspection_problems.html", context)


def test_it_renders_the_inspection_partial_with_problems_and_referrals_for_the_group(world, member, visit_a):
    problem = hand_over(visit_a, world.office)
    refer(visit_a, world.leader)

    for_member = _partial(visit_a, member)
    assert reverse("inspections:problem_detail", args=[problem.pk]) in for_member
    assert reverse("inspections:problem_create", args=[visit_a.pk]) in for_member
    assert 'data-testid="inspection-referral"' in for_member
    assert 'data-testid="referral-create"' not in for_member  # only the leader or the office refers

    for_village = _partial(visit_a, world.village_a_officer)
    assert reverse("inspections:problem_detail", args=[problem.pk]) in for_village
    assert reverse("inspections:problem_create", args=[visit_a.pk]) not in for_village  # §1: not its own visit
    assert 'data-testid="inspection-referral"' not in for_village


def test_it_follows_the_actions_the_inspection_page_passes(world, visit_a):
    refer(visit_a, world.leader)
    context = {"inspection": visit_a, "user": world.office}

    without = render_to_string("inspections/plans/_inspection_problems.html", context)
    flagged = render_to_string(
        "inspections/plans/_inspection_problems.html",
        {**context, "actions": inspection_actions(world.office, visit_a)},
    )

    assert 'data-testid="inspection-referral"' not in without
    assert 'data-testid="inspection-referral"' in flagged
    assert 'data-testid="referral-create"' in flagged
