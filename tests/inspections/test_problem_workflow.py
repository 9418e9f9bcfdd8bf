"""A handed-over problem's life as a table (models.PROBLEM_TRANSITIONS, 限期交办、跟踪问效 §1): every step allowed for
the right people from the right states and refused to everyone else, one event row per step, and the page offering
exactly what the services accept."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from core.errors import WorkflowError
from inspections import plans
from inspections.access import problem_roles
from inspections.models import PROBLEM_TRANSITIONS, ProblemRole, WorkProblem, final_statuses
from tests.factories import SupervisionGroupFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 4, 10, 9, 0, tzinfo=SHANGHAI)
pytestmark = pytest.mark.time_machine(NOW, tick=False)

State = WorkProblem.State
R = ProblemRole
# Who holds which role on a problem handed to village A from the group's visit of village A.
ROLES = {
    "office": {R.REVIEWER},
    "admin": {R.REVIEWER},
    "leader": {R.REVIEWER},  # leads the group
    "member": {R.REVIEWER},  # sits in the group
    "village_a_officer": {R.RESPONSIBLE},  # replies, never reviews its own reply (§1)
    "village_b_officer": set(),
    "dept_a": set(),
    "dept_b": set(),
    "ent_a": set(),
    "other_office": set(),
}
NOTES = {"reply": "已召开例会", "accept": "", "return": "缺少会议记录"}
STEPS = {
    "reply": lambda pk, actor: plans.problem_reply(problem_id=pk, actor=actor, reply=NOTES["reply"]),
    "accept": lambda pk, actor: plans.problem_accept(problem_id=pk, actor=actor, note=NOTES["accept"]),
    "return": lambda pk, actor: plans.problem_return(problem_id=pk, actor=actor, note=NOTES["return"]),
}


@pytest.fixture
def member(world):
    return UserFactory(username="jiwei", full_name="纪委委员")


@pytest.fixture
def users(world, member):
    return {name: member if name == "member" else getattr(world, name) for name in ROLES}


@pytest.fixture
def visit(world, member):
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.members.add(member)
    group.villages.add(world.village_a)
    group.units.add(world.unit_a)
    plans.quarter_plan_create(township=world.township, year=2026, quarter=2)
    return group.visits.get(village=world.village_a).inspection


def _hand_over(world, visit, **kwargs) -> WorkProblem:
    kwargs.setdefault("description", "安全生产例会未按月召开")
    return plans.problem_create(inspection=visit, actor=world.office, deadline=dt.date(2026, 4, 30), **kwargs)


def _in(world, visit, state: str) -> WorkProblem:
    problem = _hand_over(world, visit)
    if state in (State.REPLIED, State.ACCEPTED):
        plans.problem_reply(problem_id=problem.pk, actor=world.village_a_officer, reply="已整改")
    if state == State.ACCEPTED:
        plans.problem_accept(problem_id=problem.pk, actor=world.office)
    problem.refresh_from_db()
    assert problem.state == state
    return problem


def test_it_declares_a_service_for_every_step_and_which_states_are_final():
    assert set(STEPS) == set(PROBLEM_TRANSITIONS)
    assert final_statuses(PROBLEM_TRANSITIONS, State.values) == {State.ACCEPTED}


def test_it_gives_each_user_the_roles_the_rules_say(world, users, visit):
    problem = _hand_over(world, visit)
    for username, roles in ROLES.items():
        assert problem_roles(users[username], problem) == roles, username
    to_unit = _hand_over(world, visit, unit=world.unit_a)
    assert problem_roles(world.dept_a, to_unit) == {R.RESPONSIBLE}
    assert problem_roles(world.village_a_officer, to_unit) == frozenset()


@pytest.mark.parametrize("name", sorted(PROBLEM_TRANSITIONS))
def test_it_takes_each_step_only_from_its_states_and_for_its_roles(world, users, visit, name):
    """Every user × every state: the step succeeds exactly when the table allows it, writes one event row with who,
    when, from, to and what was said, and the page's actions offered it exactly then."""
    step = PROBLEM_TRANSITIONS[name]
    for state in State.values:
        for username, roles in ROLES.items():
            user = users[username]
            problem = _in(world, visit, state)
            events_before = problem.events.count()
            offered = name in plans.problem_actions(user, problem)
            expected = state in step.source and bool(roles & step.roles)
            try:
                STEPS[name](problem.pk, user)
                taken = True
            except WorkflowError:
                taken = False
            problem.refresh_from_db()
            assert (taken, offered) == (expected, expected), (name, state, username)
            if not taken:
                assert (problem.state, problem.events.count()) == (state, events_before)
                continue
            event = problem.events.latest("created_at", "pk")
            assert problem.state == step.target
            assert problem.events.count() == events_before + 1
            assert (event.action, event.actor, event.from_status, event.to_status, event.note, event.created_at) == (
                name,
                user,
                state,
                step.target,
                NOTES[name],
                timezone.now(),
            )


def test_it_lets_someone_act_on_every_state_but_the_final_one(world, users, visit):
    final = final_statuses(PROBLEM_TRANSITIONS, State.values)
    for state in State.values:
        problem = _in(world, visit, state)
        offered = {t.name for user in users.values() for t in plans.problem_actions(user, problem)}
        leaving = {t.name for t in PROBLEM_TRANSITIONS.values() if state in t.source}
        assert offered == leaving, state
        assert bool(offered) == (state not in final), state


def test_it_records_the_whole_follow_up_in_order(world, member, visit):
    problem = _hand_over(world, visit)
    plans.problem_reply(problem_id=problem.pk, actor=world.village_a_officer, reply="已召开例会")
    plans.problem_return(problem_id=problem.pk, actor=world.leader, note="缺少会议记录")
    plans.problem_reply(problem_id=problem.pk, actor=world.village_a_officer, reply="已补充会议记录")
    plans.problem_accept(problem_id=problem.pk, actor=member, note="同意")

    rows = list(problem.events.values_list("action", "actor__username", "from_status", "to_status", "note"))
    assert rows == [
        ("handed_over", "office", "", "open", ""),
        ("reply", "village_a", "open", "replied", "已召开例会"),
        ("return", "leader", "replied", "open", "缺少会议记录"),
        ("reply", "village_a", "open", "replied", "已补充会议记录"),
        ("accept", "jiwei", "replied", "accepted", "同意"),
    ]


def test_it_tells_a_step_taken_on_a_state_the_page_no_longer_shows(world, visit):
    problem = _in(world, visit, State.REPLIED)
    plans.problem_accept(problem_id=problem.pk, actor=world.office, expected_status=State.REPLIED)
    with pytest.raises(WorkflowError, match="请重新查看"):
        plans.problem_return(problem_id=problem.pk, actor=world.leader, note="再补充", expected_status=State.REPLIED)
    assert problem.events.filter(action="return").count() == 0


# -- the page ---------------------------------------------------------------------------------------------------------


def test_it_offers_each_user_the_forms_of_the_steps_they_may_take_and_the_timeline(world, users, visit, client_for):
    forms = {name: f'data-testid="{name}-form"' for name in PROBLEM_TRANSITIONS}
    for state in State.values:
        problem = _in(world, visit, state)
        url = reverse("inspections:problem_detail", args=[problem.pk])
        for username in ROLES:
            user = users[username]
            response = client_for(user).get(url)
            if response.status_code == 404:
                assert not ROLES[username], username
                continue
            page = response.content.decode()
            offered = {t.name for t in plans.problem_actions(user, problem)}
            assert {name for name, marker in forms.items() if marker in page} == offered, (state, username)
            assert 'data-testid="timeline"' in page and 'data-action="handed_over"' in page


def test_it_keeps_the_posted_names_and_refuses_a_step_never_theirs(world, visit, client_for):
    problem = _hand_over(world, visit)
    reply = reverse("inspections:problem_reply", args=[problem.pk])
    assert client_for(world.office).post(reply, {"reply": "代为回复"}).status_code == 404
    client_for(world.village_a_officer).post(reply, {"reply": "已整改", "expected": "open"})
    accept = reverse("inspections:problem_accept", args=[problem.pk])
    client_for(world.office).post(accept, {"note": "", "expected": "replied"})
    # A second reviewer on the page of the replied problem: told, nothing written twice.
    response = client_for(world.leader).post(
        reverse("inspections:problem_return", args=[problem.pk]), {"note": "再补充", "expected": "replied"}, follow=True
    )
    assert "请重新查看" in response.content.decode()
    assert list(problem.events.values_list("action", flat=True)) == ["handed_over", "reply", "accept"]


# -- the timeline starts once for what existed before it ---------------------------------------------------------------


def _before_timelines() -> list[tuple[str, str]]:
    """The migration before the one that adds the timelines (whatever its number)."""
    graph = MigrationExecutor(connection).loader.graph
    mine = next(k for k in graph.nodes if k[0] == "inspections" and k[1].endswith("_inspection_and_problem_events"))
    return [next(p.key for p in graph.node_map[mine].parents if p.key[0] == "inspections")]


def test_it_starts_each_existing_timeline_with_one_row_of_the_state_it_was_in(world, visit, migrator):
    replied = _in(world, visit, State.REPLIED)
    migrator.migrate(_before_timelines())  # the events' tables are gone: the problem and the inspection stay
    apps = migrator.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    events = apps.get_model("inspections", "WorkProblemEvent").objects
    inspection_events = apps.get_model("inspections", "InspectionEvent").objects
    assert list(events.filter(problem_id=replied.pk).values_list("action", "to_status", "actor")) == [
        ("before_events", "replied", None)
    ]
    assert list(inspection_events.filter(inspection_id=visit.pk).values_list("action", "to_status", "actor")) == [
        ("before_events", "planned", None)
    ]
