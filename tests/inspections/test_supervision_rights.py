"""§1: the supervised do not supervise themselves. A supervision group's visit is recorded by the group (or the
office that forms the groups) and signed by the group's leader and the supervised party's responsible person;
village officers keep recording inspections of the enterprises and places in their villages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.errors import WorkflowError
from inspections import plans, services
from inspections.access import may_log_inspection, problem_roles
from inspections.models import Inspection, WorkProblem
from tests.factories import SupervisionGroupFactory, UserFactory
from tests.hazards.conftest import checked_png

pytestmark = pytest.mark.time_machine(dt.datetime(2026, 4, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


@pytest.fixture
def member(world):
    return UserFactory(username="jiwei", full_name="纪委委员")


@pytest.fixture
def group(world, member):
    """Group one covers both villages, unit A and the safety office; village A's officer and unit A's staff sit in
    it too (their own people may be present)."""
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.members.add(member, world.village_a_officer, world.dept_a)
    group.villages.add(world.village_a, world.village_b)
    group.units.add(world.unit_a, world.office_unit)
    plans.quarter_plan_create(township=world.township, year=2026, quarter=2)
    return group


def visit(group, **target) -> Inspection:
    return group.visits.get(**target).inspection


def _answer_nothing_and_submit(inspection, actor, **kwargs):
    kwargs.setdefault("leader_signature", checked_png("leader.png"))
    return services.inspection_submit(
        inspection_id=inspection.pk, actor=actor, conclusion="工作落实", signer_name="村主任王五", **kwargs
    )


# -- who records a visit -------------------------------------------------------------------------------------


def test_it_lets_the_group_and_the_office_record_a_villages_visit(world, member, group):
    visit_a = visit(group, village=world.village_a)
    for user in (world.leader, member, world.office, world.dept_a):
        assert may_log_inspection(user, visit_a), user


def test_it_refuses_the_villages_own_officer_even_as_a_group_member(world, group):
    visit_a, visit_b = visit(group, village=world.village_a), visit(group, village=world.village_b)
    assert not may_log_inspection(world.village_a_officer, visit_a)
    assert may_log_inspection(world.village_a_officer, visit_b)  # as a member, another village
    for user in (world.village_b_officer, world.dept_b, world.ent_a):
        assert not may_log_inspection(user, visit_a), user
    with pytest.raises(services.WorkflowError):
        _answer_nothing_and_submit(visit_a, world.village_a_officer)
    with pytest.raises(services.WorkflowError):
        _answer_nothing_and_submit(visit_b, world.village_b_officer)


def test_it_refuses_the_units_own_staff_and_the_office_its_own_units_visit(world, member, group):
    visit_unit, visit_office = visit(group, unit=world.unit_a), visit(group, unit=world.office_unit)
    assert not may_log_inspection(world.dept_a, visit_unit)
    assert may_log_inspection(world.office, visit_unit)
    assert not may_log_inspection(world.office, visit_office)
    assert may_log_inspection(member, visit_office)
    assert may_log_inspection(world.leader, visit_office)


def test_it_keeps_village_officers_recording_enterprises_and_places_in_their_villages(world):
    ent = services.inspection_plan(
        actor=world.village_a_officer, township=world.township, kind="special", enterprise=world.enterprise_a
    )
    patrol = services.inspection_plan(
        actor=world.village_a_officer, township=world.township, kind="grid_patrol", village=world.village_a
    )
    for inspection in (ent, patrol):
        assert may_log_inspection(world.village_a_officer, inspection)
        done = services.inspection_submit(
            inspection_id=inspection.pk, actor=world.village_a_officer, conclusion="", signer_name="张三"
        )
        assert done.status == "submitted" and not done.leader_signer_name


# -- planning a supervision inspection -----------------------------------------------------------------------


def test_it_refuses_a_supervision_inspection_without_a_group_or_by_an_outsider(world, member, group):
    with pytest.raises(services.WorkflowError):
        services.inspection_plan(
            actor=world.village_a_officer, township=world.township, kind="supervision", village=world.village_a
        )
    with pytest.raises(services.WorkflowError):
        services.inspection_plan(
            actor=world.village_b_officer, township=world.township, kind="supervision", village=world.village_b,
            group=group,
        )  # fmt: skip
    with pytest.raises(services.WorkflowError):
        services.inspection_plan(
            actor=world.office, township=world.township, kind="special", village=world.village_b, group=group
        )
    planned = services.inspection_plan(
        actor=member, township=world.township, kind="supervision", village=world.village_b, group=group
    )
    assert planned.group == group and may_log_inspection(member, planned)


def test_it_offers_supervision_on_the_new_inspection_page_only_with_a_group(world, member, group, client_for):
    officer = client_for(world.village_b_officer)
    form = officer.get(reverse("inspections:create")).context["form"]
    assert "group" not in form.fields
    assert "supervision" not in dict(form.fields["kind"].choices)
    data = {"kind": "supervision", "target": "village", "village": world.village_b.pk, "planned_on": "2026-04-10"}
    assert officer.post(reverse("inspections:create"), data).status_code == 200
    assert not Inspection.objects.filter(village=world.village_b, created_by=world.village_b_officer).exists()

    # The group's leader, read-only elsewhere, plans the group's own supervision.
    leader = client_for(world.leader)
    assert set(dict(leader.get(reverse("inspections:create")).context["form"].fields["kind"].choices)) == {
        "supervision"
    }
    response = leader.post(reverse("inspections:create"), {**data, "group": group.pk})
    assert response.status_code == 302
    assert Inspection.objects.get(created_by=world.leader, visit__isnull=True).group == group


# -- signatures (SPEC S3) ------------------------------------------------------------------------------------


def test_it_needs_the_group_leaders_signature_on_a_visit(world, member, group):
    visit_b = visit(group, village=world.village_b)
    with pytest.raises(services.WorkflowError):
        _answer_nothing_and_submit(visit_b, member, leader_signature=None)
    done = _answer_nothing_and_submit(visit_b, member, signature=checked_png("party.png"))
    assert done.status == "submitted"
    assert done.leader_signer_name == world.leader.display_name and done.leader_signature
    assert done.signer_name == "村主任王五" and done.signature


def test_it_shows_both_signatures_on_the_visit_page(world, member, group, client_for):
    visit_b = _answer_nothing_and_submit(visit(group, village=world.village_b), member, signature=checked_png("p.png"))
    client = client_for(world.office)
    body = client.get(reverse("inspections:detail", args=[visit_b.pk])).content.decode()
    assert 'data-testid="leader-signature"' in body and 'data-testid="signature"' in body
    assert world.leader.display_name in body
    assert client.get(reverse("inspections:leader_signature", args=[visit_b.pk])).status_code == 200


def test_it_offers_the_leaders_signature_pad_when_filling_in_a_visit(world, member, group, client_for):
    body = client_for(member).get(reverse("inspections:fill", args=[visit(group, village=world.village_b).pk]))
    assert 'data-testid="leader-signature-pad"' in body.content.decode()


# -- the pages: refused with 404, nothing offered -------------------------------------------------------------


def test_it_hides_filling_in_and_handing_over_from_the_village_supervised(world, group, client_for):
    visit_a = visit(group, village=world.village_a)
    client = client_for(world.village_a_officer)
    detail = client.get(reverse("inspections:detail", args=[visit_a.pk]))
    assert detail.status_code == 200  # it sees its own visit …
    body = detail.content.decode()
    assert 'data-testid="fill-inspection"' not in body  # … but is offered nothing
    assert 'data-testid="problem-create"' not in body
    assert client.get(reverse("inspections:fill", args=[visit_a.pk])).status_code == 404
    assert client.get(reverse("inspections:problem_create", args=[visit_a.pk])).status_code == 404
    data = {"description": "自查", "target": f"village:{world.village_a.pk}", "deadline": "2026-04-30"}
    assert client.post(reverse("inspections:problem_create", args=[visit_a.pk]), data).status_code == 404
    assert client.get(reverse("inspections:referral_create", args=[visit_a.pk])).status_code == 404
    item_post = client.post(reverse("inspections:submit", args=[visit_a.pk]), {"signer_name": "王五"})
    assert item_post.status_code == 404
    assert Inspection.objects.get(pk=visit_a.pk).status == "planned"
    assert not WorkProblem.objects.exists()


def test_it_offers_the_group_member_filling_in_and_handing_over(world, member, group, client_for):
    visit_a = visit(group, village=world.village_a)
    body = client_for(member).get(reverse("inspections:detail", args=[visit_a.pk])).content.decode()
    assert 'data-testid="fill-inspection"' in body
    assert 'data-testid="problem-create"' in body


# -- problems and referrals ----------------------------------------------------------------------------------


def test_it_refuses_hand_over_and_referral_by_the_party_supervised(world, member, group):
    visit_a, visit_unit = visit(group, village=world.village_a), visit(group, unit=world.unit_a)
    deadline = dt.date(2026, 4, 30)
    with pytest.raises(WorkflowError):
        plans.problem_create(inspection=visit_a, actor=world.village_a_officer, description="问题", deadline=deadline)
    with pytest.raises(WorkflowError):
        plans.problem_create(inspection=visit_unit, actor=world.dept_a, description="问题", deadline=deadline)
    assert plans.problem_create(inspection=visit_a, actor=world.dept_a, description="问题", deadline=deadline)
    with pytest.raises(WorkflowError):
        plans.referral_create(
            inspection=visit_a, actor=world.village_a_officer, cadre_name="王某", cadre_position="",
            facts="不作为", referred_on=dt.date(2026, 4, 10),
        )  # fmt: skip


def test_it_never_lets_the_party_that_replied_accept_its_own_reply(world, member, group):
    problem = plans.problem_create(
        inspection=visit(group, village=world.village_a), actor=member, description="例会未开",
        deadline=dt.date(2026, 4, 30),
    )  # fmt: skip
    plans.problem_reply(problem_id=problem.pk, actor=world.village_a_officer, reply="已召开")
    assert "reviewer" not in problem_roles(world.village_a_officer, problem)
    with pytest.raises(WorkflowError):
        plans.problem_accept(problem_id=problem.pk, actor=world.village_a_officer)
    assert plans.problem_accept(problem_id=problem.pk, actor=member).state == "accepted"
