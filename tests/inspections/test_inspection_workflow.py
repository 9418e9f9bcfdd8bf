"""An inspection's life as a table (models.INSPECTION_TRANSITIONS): every step allowed for the right people from the
right states and refused to everyone else, one event row per step, and the pages offering exactly what the services
accept."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.errors import WorkflowError
from dashboard.selectors import dashboard_for
from inspections import plans, services
from inspections.access import inspection_roles
from inspections.models import (
    INSPECTION_TRANSITIONS,
    Inspection,
    InspectionEvent,
    InspectionRole,
    Status,
    SupervisionVisit,
    final_statuses,
)
from reminders.rules.inspection_rules import QuarterMissed, QuarterVisitsDue
from tests.factories import SupervisionGroupFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 6, 20, 10, 0, tzinfo=SHANGHAI)
pytestmark = pytest.mark.time_machine(NOW, tick=False)

R = InspectionRole
# New messages are matched in Chinese and in English: the catalogue of this change is compiled when it is merged.
# Who holds which role on a special inspection of enterprise A (village A, sector A) planned by dept_a.
ROLES = {
    "office": {R.OFFICE, R.RECORDER},
    "admin": {R.OFFICE, R.RECORDER},
    "dept_a": {R.AUTHOR, R.RECORDER},  # planned it; sector A is theirs
    "village_a_officer": {R.RECORDER},  # the enterprise lies in village A
    "dept_b": set(),
    "village_b_officer": set(),
    "ent_a": set(),  # the inspected enterprise records nothing of an inspection of itself
    "ent_b": set(),
    "leader": set(),  # leadership reads
    "other_office": set(),
}
NOTE = "企业停产整顿"


def _plan(world) -> Inspection:
    return services.inspection_plan(
        actor=world.dept_a, township=world.township, kind="special", enterprise=world.enterprise_a
    )


def _in(world, status: str) -> Inspection:
    """A fresh inspection brought to `status` through the services, by the office."""
    inspection = _plan(world)
    if status == Status.IN_PROGRESS:
        services.inspection_start(inspection_id=inspection.pk, actor=world.office)
    elif status == Status.SUBMITTED:
        _submit(inspection.pk, world.office)
    elif status == Status.CANCELLED:
        services.inspection_cancel(inspection_id=inspection.pk, actor=world.office, note="计划调整")
    inspection.refresh_from_db()
    assert inspection.status == status
    return inspection


def _submit(inspection_id: int, actor) -> Inspection:
    return services.inspection_submit(inspection_id=inspection_id, actor=actor, conclusion="良好", signer_name="张三")


STEPS = {
    "start": lambda pk, actor: services.inspection_start(inspection_id=pk, actor=actor),
    "submit": _submit,
    "cancel": lambda pk, actor: services.inspection_cancel(inspection_id=pk, actor=actor, note=NOTE),
}


def test_it_declares_a_service_for_every_step_and_which_states_are_final():
    assert set(STEPS) == set(INSPECTION_TRANSITIONS)
    assert final_statuses(INSPECTION_TRANSITIONS, Status.values) == {Status.SUBMITTED, Status.CANCELLED}


def test_it_gives_each_user_the_roles_the_rules_say(world):
    inspection = _plan(world)
    for username, roles in ROLES.items():
        assert inspection_roles(getattr(world, username), inspection) == roles, username


@pytest.mark.parametrize("name", sorted(INSPECTION_TRANSITIONS))
def test_it_takes_each_step_only_from_its_states_and_for_its_roles(world, name):
    """Every user × every status: the step succeeds exactly when the table allows it, writes one event row with
    who, when, from, to and the note, and the page's actions offered it exactly then."""
    step = INSPECTION_TRANSITIONS[name]
    for status in Status.values:
        for username, roles in ROLES.items():
            user = getattr(world, username)
            inspection = _in(world, status)
            events_before = inspection.events.count()
            offered = name in services.inspection_actions(user, inspection).steps
            expected = status in step.source and bool(roles & step.roles)
            try:
                STEPS[name](inspection.pk, user)
                taken = True
            except WorkflowError:
                taken = False
            inspection.refresh_from_db()
            assert (taken, offered) == (expected, expected), (name, status, username)
            if not taken:
                assert (inspection.status, inspection.events.count()) == (status, events_before)
                continue
            event = inspection.events.latest("created_at", "pk")
            assert inspection.status == step.target
            assert inspection.events.count() == events_before + 1
            assert (event.action, event.actor, event.from_status, event.to_status, event.created_at) == (
                name,
                user,
                status,
                step.target,
                timezone.now(),
            )
            assert event.note == (NOTE if name == "cancel" else "")


def test_it_lets_someone_act_on_every_state_but_the_final_ones(world):
    users = [getattr(world, u) for u in ROLES]
    final = final_statuses(INSPECTION_TRANSITIONS, Status.values)
    for status in Status.values:
        inspection = _in(world, status)
        offered = {t.name for user in users for t in services.inspection_actions(user, inspection).steps}
        leaving = {t.name for t in INSPECTION_TRANSITIONS.values() if status in t.source}
        assert offered == leaving, status
        assert bool(offered) == (status not in final), status


def test_it_records_planning_and_every_step_in_order(world, checklist):
    inspection = services.inspection_plan(
        actor=world.office, township=world.township, kind="special", enterprise=world.enterprise_a, checklist=checklist
    )
    item = inspection.checklist.items.order_by("order").first()
    services.answer_save(inspection_id=inspection.pk, actor=world.village_a_officer, item_id=item.pk, result="pass")
    services.answer_save(inspection_id=inspection.pk, actor=world.office, item_id=item.pk, result="pass")
    services.inspection_cancel(inspection_id=inspection.pk, actor=world.office, note=NOTE)

    rows = list(inspection.events.values_list("action", "actor__username", "from_status", "to_status", "note"))
    assert rows == [
        ("planned", "office", "", "planned", ""),
        ("start", "village_a", "planned", "in_progress", ""),  # the first answer starts it, once
        ("cancel", "office", "in_progress", "cancelled", NOTE),
    ]


def test_it_refuses_a_cancellation_without_a_reason_or_after_someone_else_moved_it(world):
    inspection = _plan(world)
    with pytest.raises(WorkflowError, match="理由"):
        services.inspection_cancel(inspection_id=inspection.pk, actor=world.office, note="  ")
    services.inspection_start(inspection_id=inspection.pk, actor=world.village_a_officer)
    with pytest.raises(WorkflowError, match=r"请重新查看|look at it again"):
        services.inspection_cancel(
            inspection_id=inspection.pk, actor=world.office, note=NOTE, expected_status=Status.PLANNED
        )
    inspection.refresh_from_db()
    assert inspection.status == Status.IN_PROGRESS


def test_it_takes_no_more_answers_photos_or_findings_once_cancelled(world, checklist):
    inspection = services.inspection_plan(
        actor=world.office, township=world.township, kind="special", enterprise=world.enterprise_a, checklist=checklist
    )
    item = inspection.checklist.items.order_by("order").first()
    services.answer_save(inspection_id=inspection.pk, actor=world.office, item_id=item.pk, result="fail")
    services.inspection_cancel(inspection_id=inspection.pk, actor=world.office, note=NOTE)

    with pytest.raises(WorkflowError, match=r"已取消|was cancelled"):
        services.answer_save(inspection_id=inspection.pk, actor=world.office, item_id=item.pk, result="pass")
    with pytest.raises(WorkflowError, match=r"已取消|was cancelled"):
        _submit(inspection.pk, world.office)
    inspection.refresh_from_db()
    actions = services.inspection_actions(world.office, inspection)
    assert not actions.fill and not actions.record_findings and not actions.steps


# -- supervision (§1): the supervised party never acts on its own supervision ----------------------------------------


@pytest.fixture
def group(world):
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.villages.add(world.village_a)
    group.units.add(world.office_unit)
    return group


def test_it_lets_the_group_leader_who_planned_a_visit_cancel_it_but_not_the_supervised_office(world, group):
    plans.quarter_plan_create(township=world.township, year=2026, quarter=2)  # the beat: planned by the leader
    of_village = group.visits.get(village=world.village_a).inspection
    of_office = group.visits.get(unit=world.office_unit).inspection

    assert "cancel" in services.inspection_actions(world.leader, of_village).steps
    assert "cancel" in services.inspection_actions(world.office, of_village).steps
    assert inspection_roles(world.village_a_officer, of_village) == frozenset()
    # The office is the party supervised in the visit of its own unit: it neither records nor calls it off.
    assert inspection_roles(world.office, of_office) == frozenset()
    with pytest.raises(WorkflowError):
        services.inspection_cancel(inspection_id=of_office.pk, actor=world.office, note=NOTE)
    services.inspection_cancel(inspection_id=of_office.pk, actor=world.leader, note="单位改组")
    assert Inspection.objects.get(pk=of_office.pk).status == Status.CANCELLED


def test_it_counts_a_cancelled_visit_as_not_done_on_the_board_the_dashboard_and_in_reminders(world, group):
    plans.quarter_plan_create(township=world.township, year=2026, quarter=2)
    visit = group.visits.get(village=world.village_a)
    services.inspection_cancel(inspection_id=visit.inspection_id, actor=world.office, note="汛期")

    board = plans.quarter_board(world.office, year=2026, quarter=2)
    assert [(b.done, b.total) for b in board] == [(0, 2)]
    figures = {t.main.key: t.main.value for t in dashboard_for(world.office, NOW.date()).tiles}
    assert figures["visits_done"] == 0
    due = {d.object_key for d in QuarterVisitsDue().due(NOW)}
    assert f"visit:{visit.pk}" in due
    with time_machine.travel(dt.datetime(2026, 7, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        missed = " ".join(d.body for d in QuarterMissed().due(timezone.now()))
    assert world.village_a.name in missed
    assert SupervisionVisit.objects.get(pk=visit.pk).inspection.status == Status.CANCELLED
    # No problem is handed over from a cancelled visit.
    assert not services.inspection_actions(world.office, visit.inspection).hand_over


# -- the pages --------------------------------------------------------------------------------------------------------


def test_it_offers_cancelling_only_to_those_who_may_and_shows_the_timeline(world, client_for):
    inspection = _plan(world)
    url = reverse("inspections:detail", args=[inspection.pk])
    for username, roles in ROLES.items():
        response = client_for(getattr(world, username)).get(url)
        if response.status_code == 404:
            assert not roles, username
            continue
        page = response.content.decode()
        assert ('data-testid="cancel-form"' in page) == bool(roles & {R.OFFICE, R.AUTHOR}), username
        assert 'data-testid="timeline"' in page and 'data-action="planned"' in page


def test_it_cancels_from_the_page_with_the_reason_and_refuses_others(world, client_for):
    inspection = _plan(world)
    cancel = reverse("inspections:cancel", args=[inspection.pk])

    # A recorder who did not plan it is not offered the step and cannot post it.
    assert client_for(world.village_a_officer).post(cancel, {"note": NOTE}).status_code == 404
    refused = client_for(world.dept_a).post(cancel, {"note": "", "expected": "planned"})
    assert refused.status_code == 400 and 'data-testid="field-error"' in refused.content.decode()

    response = client_for(world.dept_a).post(cancel, {"note": NOTE, "expected": "planned"})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == Status.CANCELLED
    page = client_for(world.office).get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert NOTE in page and 'data-testid="cancel-form"' not in page and 'data-testid="fill-inspection"' not in page
    assert client_for(world.office).get(reverse("inspections:fill", args=[inspection.pk])).status_code == 302


def test_it_tells_the_second_of_two_cancellations_that_someone_else_acted(world, client_for):
    inspection = _plan(world)
    cancel = reverse("inspections:cancel", args=[inspection.pk])
    client_for(world.office).post(cancel, {"note": NOTE, "expected": "planned"})
    response = client_for(world.dept_a).post(cancel, {"note": "重复", "expected": "planned"}, follow=True)
    page = response.content.decode()
    assert "请重新查看" in page or "look at it again" in page  # translated once the catalogue is compiled
    assert InspectionEvent.objects.filter(inspection=inspection, action="cancel").count() == 1
