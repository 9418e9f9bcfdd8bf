"""The scoreboard (赛马): figures and ranks recomputed by hand over a fixed data set, renormalisation, weights and
their history, frozen quarters, quarter and year boundaries, scope per role and township, bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from core.dates import local_midnight
from core.errors import WorkflowError
from hazards.models.supervision import Escalation
from inspections.models import Inspection, Kind, SupervisionVisit
from inspections.models import Status as IStatus
from plan import scoreboard_services as services
from plan.models import FrozenBoard, ScoreWeights, Task
from plan.scoreboard import DEFAULT_WEIGHTS, INDICATORS, compute, cutoff_of
from readiness.models import EmergencyPlan, FilingSettings, MonthlyReport, PlanKind
from tests.factories import (
    AttendeeFactory,
    EnterpriseFactory,
    HazardFactory,
    SectorFactory,
    SupervisionGroupFactory,
    TrainingSessionFactory,
)
from tests.plan.builders import load_world_plan, measure
from units.models import Unit, Village

pytestmark = pytest.mark.django_db
D = dt.date
AFTER_Q1 = D(2025, 4, 10)  # Q1 2025 has ended


def _local(day: dt.date, hour: int = 10) -> dt.datetime:
    return local_midnight(day) + dt.timedelta(hours=hour)


def _inspection(world: Any, **fields: Any) -> Inspection:
    return Inspection.objects.create(township=world.township, channel="supervision", created_by=world.office, **fields)


def _backdate_history(township: Any) -> None:
    """The villages, units and filing settings existed before 2024 (filing judges a month by who existed then)."""
    long_ago = local_midnight(D(2023, 12, 1))
    for model in (Village, Unit, FilingSettings):
        model.history.filter(township_id=township.pk).update(history_date=long_ago)  # type: ignore[attr-defined]


@pytest.fixture
def data(world: Any) -> Any:
    """Q1 2025 of the test township (see the expected figures in each test)."""
    w = world
    hz = {"village": w.village_a, "sector": w.sector_a}
    HazardFactory(**hz, status="closed", deadline=D(2025, 2, 10), completed_on=D(2025, 2, 8))  # on time
    HazardFactory(**hz, status="verified", deadline=D(2025, 3, 1), completed_on=D(2025, 3, 5))  # late
    HazardFactory(**hz, status="rectifying", deadline=D(2025, 3, 20), level="major")  # late, overdue major
    HazardFactory(**hz, status="rectifying", deadline=D(2025, 4, 20))  # due in Q2
    HazardFactory(**hz, status="dismissed", deadline=D(2025, 2, 1))  # dismissed: not counted
    HazardFactory(
        village=w.village_b, sector=w.sector_b, status="closed", deadline=D(2025, 1, 15), completed_on=D(2025, 1, 10)
    )
    # §1 supervision: village_a's visit done, village_b's planned only; units none.
    group = SupervisionGroupFactory(township=w.township)
    for village, status in ((w.village_a, IStatus.SUBMITTED), (w.village_b, IStatus.PLANNED)):
        inspection = _inspection(w, kind=Kind.SUPERVISION, status=status, village=village, planned_on=D(2025, 1, 1))
        SupervisionVisit.objects.create(
            township=w.township, group=group, year=2025, quarter=1, village=village, inspection=inspection
        )
    # §4 self-inspection: enterprise_a's in Q1; enterprise_b and the 工贸 one none.
    _inspection(
        w,
        kind=Kind.SELF,
        status=IStatus.SUBMITTED,
        enterprise=w.enterprise_a,
        village=w.village_a,
        done_on=D(2025, 2, 1),
    )
    trade = SectorFactory(township=w.township, name="工贸", lead_unit=w.unit_b)
    factory = EnterpriseFactory(village=w.village_b, primary_sector=trade, name="新集五金厂")
    # §24 drills: enterprise_a's on-site plan since 2024 without a drill: overdue; the others have no plan.
    EmergencyPlan.objects.create(
        township=w.township, enterprise=w.enterprise_a, kind=PlanKind.ONSITE, title="现场处置方案",
        approved_on=D(2024, 1, 10), created_by=w.office,
    )  # fmt: skip
    # §4 training 2025 (工贸 principals): the factory's principal trained in February.
    session = TrainingSessionFactory(township=w.township, held_on=D(2025, 2, 20), organiser=w.unit_b)
    AttendeeFactory(session=session, enterprise=factory, role="principal")
    # Monthly reports (villages only): due in Q1 are Dec 2024 (5 Jan), Jan (5 Feb), Feb (5 Mar).
    FilingSettings.objects.create(township=w.township, units_report=FilingSettings.Units.NONE)
    _backdate_history(w.township)
    for village, month, at in (
        (w.village_a, D(2024, 12, 1), D(2025, 1, 3)),
        (w.village_a, D(2025, 1, 1), D(2025, 2, 10)),  # late
        (w.village_b, D(2024, 12, 1), D(2025, 1, 2)),
        (w.village_b, D(2025, 1, 1), D(2025, 2, 1)),
        (w.village_b, D(2025, 2, 1), D(2025, 3, 1)),
    ):
        MonthlyReport.objects.create(
            township=w.township,
            month=month,
            village=village,
            hazards_found=0,
            reported_by=w.office,
            reported_at=_local(at),
        )
    # Plan tasks due in Q1: village_a one on time, one late; unit_a one late.
    plan = load_world_plan(w.township)
    for who, deadline, done_on in (
        ({"village": w.village_a}, D(2025, 2, 28), D(2025, 2, 20)),
        ({"village": w.village_a}, D(2025, 3, 15), None),
        ({"unit": w.unit_a}, D(2025, 3, 10), D(2025, 3, 12)),
    ):
        Task.objects.create(
            township=w.township, measure=measure(plan, 8), title="任务", starts_on=D(2025, 1, 1), deadline=deadline,
            state="done" if done_on else "active", done_on=done_on, created_by=w.office, **who,
        )  # fmt: skip
    # Escalations in Q1: two to village_a, one to unit_a; one to village_b in Q2 (not counted).
    for who, day in (({"village": w.village_a}, D(2025, 1, 20)), ({"village": w.village_a}, D(2025, 3, 2)),
                     ({"unit": w.unit_a}, D(2025, 2, 2)), ({"village": w.village_b}, D(2025, 4, 2))):  # fmt: skip
        kind = "village" if "village" in who else "unit"
        Escalation.objects.create(
            township=w.township, rung="letter", target_kind=kind, taken_on=day, document_number="刘安办函〔2025〕1号",
            created_by=w.office, **who,
        )  # fmt: skip
    return w


def _rows(board: Any) -> dict[str, Any]:
    return {r.name: r for r in [*board.villages, *board.units]}


def _figures(row: Any) -> dict[str, Any]:
    """Each figure: None when not applicable, (numerator, denominator) for a rate, the count for a count."""

    def one(f: Any) -> Any:
        if not f.applies:
            return None
        return (f.numerator, f.denominator) if f.denominator is not None else f.value

    return {k: one(f) for k, f in row.figures.items()}


def test_figures_scores_and_ranks_by_hand(data: Any) -> None:
    board = compute(data.township.pk, 2025, 1, AFTER_Q1)
    rows = _rows(board)
    a, b = rows["刘圩村"], rows["新集村"]
    assert _figures(a) == {
        "on_time_rate": (1, 3), "overdue_major": 1, "supervision": (1, 1), "self_inspection": (1, 1),
        "drill_coverage": (0, 1), "training_coverage": None, "monthly_on_time": (1, 3), "plan_on_time": (1, 2),
        "escalations": 2,
    }  # fmt: skip
    assert _figures(b) == {
        "on_time_rate": (1, 1), "overdue_major": 0, "supervision": (0, 1), "self_inspection": (0, 2),
        "drill_coverage": (2, 2), "training_coverage": (1, 1), "monthly_on_time": (3, 3), "plan_on_time": None,
        "escalations": 0,
    }  # fmt: skip
    # Counts min–max across the villages: 刘圩村 has the most (0), 新集村 the fewest (1).
    assert a.figures["overdue_major"].normalised == 0 and b.figures["overdue_major"].normalised == 1
    # 刘圩村: 100 × (20·1/3 + 15·0 + 10·1 + 10·1 + 10·0 + 10·1/3 + 10·1/2 + 5·0) ÷ 90 (training not applicable)
    assert a.score == round(100 * (20 / 3 + 10 + 10 + 10 / 3 + 5) / 90, 1) == 38.9
    # 新集村: 100 × (20 + 15 + 0 + 0 + 10 + 10 + 10 + 5) ÷ 90 (plan tasks not applicable)
    assert b.score == round(100 * 70 / 90, 1) == 77.8
    assert [(r.name, r.rank) for r in board.villages] == [("新集村", 1), ("刘圩村", 2)]
    # Units: no visits, no self-inspections, no monthly reports (units do not report here): renormalised over 60.
    ua, ub = rows["住建所"], rows["农经站"]
    assert _figures(ua)["supervision"] is None and _figures(ua)["monthly_on_time"] is None
    assert _figures(ua)["on_time_rate"] == (1, 3) and _figures(ua)["plan_on_time"] == (0, 1)
    assert _figures(ub)["drill_coverage"] == (2, 2) and _figures(ub)["training_coverage"] == (1, 1)
    assert ua.score == round(100 * (20 / 3) / 60, 1) == 11.1
    assert ub.score == 100.0
    assert [(r.name, r.rank) for r in board.units] == [("农经站", 1), ("住建所", 2)]
    assert sum(DEFAULT_WEIGHTS.values()) == 100
    assert all(ScoreWeights._meta.get_field(i.key).default == DEFAULT_WEIGHTS[i.key] for i in INDICATORS)


def test_a_unit_leading_no_sector_and_ties(world: Any) -> None:
    """Nothing due: the rates with nothing due are not applicable; equal counts all normalise to 1; equal scores
    share the rank."""
    _backdate_history(world.township)
    board = compute(world.township.pk, 2025, 1, AFTER_Q1)
    assert {r.rank for r in board.villages} == {1}
    assert len({r.score for r in board.villages}) == 1
    a = _figures(board.villages[0])
    assert a["on_time_rate"] is None and a["plan_on_time"] is None and a["monthly_on_time"] == (0, 3)
    assert board.villages[0].figures["escalations"].normalised == 1


def test_weights_change_is_recorded_and_rescores(data: Any, client_for: Any) -> None:
    weights = dict(DEFAULT_WEIGHTS, on_time_rate=0, overdue_major=0, supervision=40)
    services.weights_update(township=data.township, actor=data.office, weights=weights)
    services.weights_update(township=data.township, actor=data.office, weights=weights)  # no change: no record
    record = ScoreWeights.history.get(township_id=data.township.pk)
    assert record.history_user == data.office and record.supervision == 40
    board = compute(data.township.pk, 2025, 1, AFTER_Q1)
    a = _rows(board)["刘圩村"]
    # 100 × (40·1 + 10·1 + 10·0 + 10·1/3 + 10·1/2 + 5·0) ÷ (40+10+10+10+10+5)
    assert a.score == round(100 * (40 + 10 + 10 / 3 + 5) / 85, 1)
    page = client_for(data.office).get(reverse("plan:scoreboard_weights"))
    assert page.status_code == 200
    assert b"20 \xe2\x86\x92 0" in page.content and b"10 \xe2\x86\x92 40" in page.content
    # Only the office sets them; out of range is refused with nothing saved.
    with pytest.raises(WorkflowError, match=r"安委办|safety office"):
        services.weights_update(township=data.township, actor=data.leader, weights=weights)
    response = client_for(data.office).post(reverse("plan:scoreboard_weights"), {i.key: 0 for i in INDICATORS})
    assert response.status_code == 200 and ScoreWeights.objects.get(township=data.township).supervision == 40
    response = client_for(data.office).post(reverse("plan:scoreboard_weights"), {**weights, "escalations": 101})
    assert response.status_code == 200 and ScoreWeights.history.count() == 1
    assert client_for(data.leader).get(reverse("plan:scoreboard_weights")).status_code == 404


def test_frozen_quarter_is_unchanged_after_data_changes(data: Any) -> None:
    board = services.board_for(data.township.pk, 2025, 1, AFTER_Q1)
    assert board.is_frozen and FrozenBoard.objects.count() == 1
    before = [(r.name, r.score, r.rank, _figures(r)) for r in board.villages + board.units]
    HazardFactory(
        village=data.village_b, sector=data.sector_b, status="rectifying", level="major", deadline=D(2025, 3, 3)
    )
    services.weights_update(township=data.township, actor=data.office, weights=dict(DEFAULT_WEIGHTS, escalations=50))
    again = services.board_for(data.township.pk, 2025, 1, D(2025, 6, 1))
    assert [(r.name, r.score, r.rank, _figures(r)) for r in again.villages + again.units] == before
    assert again.weights == DEFAULT_WEIGHTS
    live = compute(data.township.pk, 2025, 1, D(2025, 6, 1))
    assert _rows(live)["新集村"].figures["overdue_major"].value == 1  # the records did change
    assert FrozenBoard.objects.count() == 1


def test_quarter_and_year_boundaries(data: Any) -> None:
    # The live quarter counts up to yesterday; an ended one to its last day.
    assert cutoff_of(2025, 1, D(2025, 3, 15)) == D(2025, 3, 14)
    assert cutoff_of(2025, 1, D(2025, 4, 1)) == D(2025, 3, 31)
    # On 1 February only December's monthly report (due 5 January, of the year before) is due.
    live = compute(data.township.pk, 2025, 1, D(2025, 2, 1))
    assert _figures(_rows(live)["刘圩村"])["monthly_on_time"] == (1, 1)
    with pytest.raises(WorkflowError, match=r"结束|ended"):
        services.freeze_quarter(township_id=data.township.pk, year=2025, quarter=1, today=D(2025, 3, 31))
    # 1 January freezes the year before's Q4 in every township, once.
    assert services.freeze_last_quarter(today=D(2025, 1, 1)) == 2
    assert services.freeze_last_quarter(today=D(2025, 1, 2)) == 0
    assert set(FrozenBoard.objects.values_list("year", "quarter")) == {(2024, 4)}


def _board_page(client: Any, **query: Any) -> Any:
    return client.get(reverse("plan:scoreboard"), query)


@time_machine.travel(dt.datetime(2025, 4, 10, 9, tzinfo=dt.UTC), tick=False)
def test_scope_per_role_and_township(data: Any, client_for: Any, django_assert_max_num_queries: Any) -> None:
    q1 = {"year": 2025, "quarter": 1}
    with django_assert_max_num_queries(60):
        leader = _board_page(client_for(data.leader), **q1)
    text = leader.content.decode()
    assert leader.status_code == 200 and "新集村" in text and "刘圩村" in text and "农经站" in text
    assert 'data-testid="board-frozen"' in text
    for user, own, hidden in (
        (data.village_a_officer, "刘圩村", ["新集村", "住建所"]),
        (data.dept_a, "住建所", ["农经站", "刘圩村"]),
    ):
        page = _board_page(client_for(user), **q1)
        content = page.content.decode()
        assert page.status_code == 200 and own in content and 'data-testid="own-rank"' in content
        assert not any(f">{name}<" in content for name in hidden)
    for user in (data.ent_a, data.county_dept):
        assert _board_page(client_for(user), **q1).status_code == 404
    # The county reads both townships; the other township's office only its own.
    county = _board_page(client_for(data.county), **q1, township=data.township.pk).content.decode()
    assert "新集村" in county
    other = _board_page(client_for(data.other_office), **q1, township=data.township.pk).content.decode()
    assert "新集村" not in other and "邻村" in other
    # The export follows the same scope.
    export = client_for(data.village_a_officer).get(reverse("plan:scoreboard_export"), q1)
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


@time_machine.travel(dt.datetime(2025, 4, 10, 9, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    "query", [{"quarter": "9", "year": "2025"}, {"year": "abc"}, {"year": "99999", "quarter": "1"},
              {"year": "2025", "quarter": "4"}, {"year": "1999", "quarter": "1"}, {"township": "x" * 300}],
)  # fmt: skip
def test_bad_input_is_bounded(data: Any, client_for: Any, query: dict[str, str]) -> None:
    response = _board_page(client_for(data.leader), **query)
    assert response.status_code == 200
    assert FrozenBoard.objects.filter(year__gt=2025).count() == 0


@time_machine.travel(dt.datetime(2025, 4, 10, 9, tzinfo=dt.UTC), tick=False)
def test_figures_link_to_their_records(data: Any, client_for: Any) -> None:
    client = client_for(data.leader)
    board = services.board_for(data.township.pk, 2025, 1)
    a = _rows(board)["刘圩村"]
    due = client.get(a.figures["on_time_rate"].links[0].url)
    assert due.status_code == 200 and due.context["page_obj"].paginator.count == 3
    on_time = client.get(a.figures["on_time_rate"].links[1].url)
    assert on_time.context["page_obj"].paginator.count == 1
    tasks = client.get(a.figures["plan_on_time"].links[0].url)
    assert tasks.status_code == 200 and tasks.context["page_obj"].paginator.count == 2
    escalations = client.get(a.figures["escalations"].links[0].url)
    assert escalations.status_code == 200 and escalations.context["page_obj"].paginator.count == 2
    for figure in a.ordered:
        for link in figure.links:
            assert client.get(link.url).status_code == 200, link.url
