"""双随机 (§28): the pure draw, the draw service, the random share, and who may see and make draws."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core.errors import WorkflowError
from inspections import draws
from inspections.models import Inspection, Inspector, RandomDraw, RandomShareTarget
from inspections.services import inspection_cancel, inspection_plan
from tests.factories import EnterpriseFactory
from units.models import Enterprise

PLANNED = dt.date(2025, 6, 10)


@pytest.fixture
def inspectors(world) -> list[Inspector]:
    """Four township staff holding enforcement credentials (执法证), then a social supervisor and a contracted
    expert, who may only accompany them (§28)."""
    holders = [
        Inspector.objects.create(
            township=world.township, name=f"执法员{i}", pool="staff", credential_number=f"皖执{i:04d}"
        )
        for i in range(1, 5)
    ]
    companions = [
        Inspector.objects.create(township=world.township, name="社会监督员", pool="social"),
        Inspector.objects.create(township=world.township, name="服务机构专家", pool="contractor"),
    ]
    return holders + companions


@pytest.fixture
def enforcing_office(world):
    """The safety office holds administrative enforcement power (as the reference data has it)."""
    world.office_unit.has_enforcement_power = True
    world.office_unit.save()
    return world.office_unit


def _draw(world, inspectors, **kwargs) -> RandomDraw:
    args = {
        "actor": world.office,
        "township": world.township,
        "name": "2025年第一次双随机",
        "year": 2025,
        "seed": "seed-1",
        "inspector_ids": [i.pk for i in inspectors],
        "n": 2,
        "k": 2,
        "planned_on": PLANNED,
        **kwargs,
    }
    return draws.draw_create(**args)


def _pure(**kwargs):
    args = {
        "seed": "abc",
        "targets": list(range(1, 31)),
        "weights": [1.0] * 30,
        "inspectors": list(range(101, 109)),
        "n": 5,
        "k": 2,
        "avoid_pairs": set(),
        **kwargs,
    }
    return draws.draw_random(**args)


# -- the pure draw ---------------------------------------------------------------------------------------------


def test_it_reproduces_a_draw_from_the_same_seed_and_pools():
    first = _pure(seed="2025-抽查-1")
    assert first == _pure(seed="2025-抽查-1")
    assert len(first) == 5
    assert len({row["target"] for row in first}) == 5


def test_it_draws_differently_with_another_seed():
    assert _pure(seed="a") != _pure(seed="b")
    assert [r["target"] for r in _pure(seed="a")] != [r["target"] for r in _pure(seed="b")]


def test_it_gives_standardised_enterprises_a_lower_weight():
    def weight(grade: str, benchmark: bool = False) -> float:
        return draws.target_weight(Enterprise(standardisation_grade=grade, is_benchmark=benchmark))

    assert weight("") == 1.0
    assert weight("3") == weight("small") == 0.7
    assert weight("2") == 0.5
    assert weight("1") == 0.3
    assert weight("1", benchmark=True) == 0.15


def test_it_draws_a_grade_one_benchmark_clearly_less_often_than_an_ungraded_enterprise():
    benchmark = draws.target_weight(Enterprise(standardisation_grade="1", is_benchmark=True))
    counts = Counter(
        _pure(seed=f"s{i}", targets=[1, 2], weights=[1.0, benchmark], n=1)[0]["target"] for i in range(2000)
    )
    # Expected share of the benchmark: 0.15 / 1.15 ≈ 13% → about 261 of 2,000 (σ ≈ 15).
    assert 200 <= counts[2] <= 330
    assert counts[1] + counts[2] == 2000


def test_it_avoids_the_previous_draws_pairs():
    previous = {frozenset({1, 2}), frozenset({3, 4})}
    for i in range(50):
        result = _pure(
            seed=f"pairs-{i}", targets=[10, 20], weights=[1.0, 1.0], inspectors=[1, 2, 3, 4], avoid_pairs=previous, n=2
        )
        for row in result:
            assert frozenset(row["inspectors"]) not in previous


def test_it_never_puts_an_inspector_twice_in_a_team_and_rotates_them():
    result = _pure(n=10, k=3, inspectors=[1, 2, 3, 4])
    for row in result:
        assert len(set(row["inspectors"])) == 3
    load = Counter(pk for row in result for pk in row["inspectors"])
    assert max(load.values()) - min(load.values()) <= 1


def test_it_seats_two_credential_holders_in_every_team_and_lets_the_others_accompany():
    holders = [101, 102, 103]
    result = _pure(n=12, k=3, certified=holders)
    for row in result:
        assert len(set(row["inspectors"]) & set(holders)) >= 2
    companions = Counter(pk for row in result for pk in row["inspectors"] if pk not in holders)
    assert sum(companions.values()) >= 1  # the third seat goes round the whole pool
    assert _pure(n=12, k=3, certified=holders) == result


def test_it_refuses_a_pure_draw_without_two_holders_per_team():
    with pytest.raises(ValueError, match="credential holders"):
        _pure(certified=[101])
    with pytest.raises(ValueError, match="credential holders"):
        _pure(k=1, certified=[101, 102])
    with pytest.raises(ValueError, match="credential holders"):
        _pure(certified=[101, 999])  # not in the pool


def test_it_falls_back_to_the_best_teams_when_pairs_cannot_be_avoided():
    everything = {frozenset(p) for p in combinations([1, 2, 3], 2)}
    result = _pure(n=2, k=3, inspectors=[1, 2, 3], avoid_pairs=everything)
    assert [sorted(r["inspectors"]) for r in result] == [[1, 2, 3], [1, 2, 3]]


def test_it_refuses_more_targets_or_larger_teams_than_the_pools():
    with pytest.raises(ValueError, match="pool of 30"):
        _pure(n=31)
    with pytest.raises(ValueError, match="teams of 9"):
        _pure(k=9)


# -- the pools -------------------------------------------------------------------------------------------------


def test_it_builds_the_target_pool_from_the_filters(world):
    extra = EnterpriseFactory(village=world.village_b, primary_sector=world.sector_a)
    EnterpriseFactory(village=world.village_a, primary_sector=world.sector_b, is_active=False)
    everyone = draws.target_pool(township=world.township)
    assert [e.pk for e in everyone] == sorted([world.enterprise_a.pk, world.enterprise_b.pk, extra.pk])
    assert draws.target_pool(township=world.township, villages=[world.village_b]) == [world.enterprise_b, extra]
    assert draws.target_pool(township=world.township, sectors=[world.sector_b.pk]) == [world.enterprise_b]
    assert draws.target_pool(township=world.township, high_risk=True) == [world.enterprise_a, extra]
    assert draws.target_pool(township=world.township, high_risk=False) == [world.enterprise_b]


def test_it_matches_further_sectors_too(world):
    world.enterprise_a.other_sectors.add(world.sector_b)
    pool = draws.target_pool(township=world.township, sectors=[world.sector_b])
    assert [e.pk for e in pool] == sorted([world.enterprise_a.pk, world.enterprise_b.pk])


# -- the draw service ------------------------------------------------------------------------------------------


def test_it_plans_one_inspection_per_target_with_its_team(world, inspectors):
    draw = _draw(world, inspectors)
    assert draw.seed == "seed-1"
    assert draw.target_pool == sorted([world.enterprise_a.pk, world.enterprise_b.pk])
    assert draw.inspector_pool == [i.pk for i in inspectors]
    assert (draw.target_count, draw.team_size, draw.year) == (2, 2, 2025)
    planned = {i.enterprise_id: i for i in Inspection.objects.filter(draw=draw)}
    assert set(planned) == {world.enterprise_a.pk, world.enterprise_b.pk}
    for row in draw.result:
        inspection = planned[row["target"]]
        assert (inspection.kind, inspection.status, inspection.planned_on) == ("random", "planned", PLANNED)
        assert sorted(inspection.inspectors.values_list("pk", flat=True)) == sorted(row["inspectors"])
        assert len(row["inspectors"]) == 2


def test_it_records_a_fresh_seed_when_none_is_given(world, inspectors):
    draw = _draw(world, inspectors, seed=None)
    assert len(draw.seed) == 16
    int(draw.seed, 16)
    assert draw.target_filters["weights"] == [1.0, 1.0]


def test_it_replays_a_draw_even_after_a_grade_changes(world, inspectors):
    EnterpriseFactory.create_batch(6, village=world.village_a, primary_sector=world.sector_b)
    draw = _draw(world, inspectors, n=4)
    assert draws.draw_replay(draw) == draw.result
    Enterprise.objects.filter(pk__in=draw.target_pool).update(standardisation_grade="1", is_benchmark=True)
    draw.refresh_from_db()
    assert draws.draw_replay_matches(draw)


def test_it_reproduces_the_targets_with_the_recorded_seed(world, inspectors):
    EnterpriseFactory.create_batch(8, village=world.village_a, primary_sector=world.sector_b)
    first = _draw(world, inspectors, n=3, seed="repeat-me")
    second = _draw(world, inspectors, n=3, seed="repeat-me")
    assert [r["target"] for r in second.result] == [r["target"] for r in first.result]


def test_it_avoids_the_teams_of_the_previous_draw(world, inspectors):
    first = _draw(world, inspectors, seed="first")
    second = _draw(world, inspectors, seed="second")
    assert second.target_filters["previous_draw"] == first.pk
    before = {frozenset(r["inspectors"]) for r in first.result}
    assert not before & {frozenset(r["inspectors"]) for r in second.result}
    assert draws.draw_replay_matches(first)
    assert draws.draw_replay_matches(second)


def test_it_refuses_more_targets_than_the_pool_with_a_clear_message(world, inspectors):
    with pytest.raises(WorkflowError, match=r"检查对象库规模（2）"):
        _draw(world, inspectors, n=3)
    with pytest.raises(WorkflowError):
        _draw(world, inspectors, k=7)
    with pytest.raises(WorkflowError):
        _draw(world, inspectors, villages=[world.village_a], sectors=[world.sector_b])
    assert not RandomDraw.objects.exists()
    assert not Inspection.objects.exists()


def test_it_refuses_inactive_or_foreign_inspectors(world, inspectors):
    inspectors[0].is_active = False
    inspectors[0].save()
    with pytest.raises(WorkflowError):
        _draw(world, inspectors)
    foreign = Inspector.objects.create(township=world.other_township, name="邻镇检查员")
    with pytest.raises(WorkflowError):
        _draw(world, [*inspectors[1:], foreign])


def test_it_lets_only_the_office_draw(world, inspectors):
    for actor in (world.leader, world.dept_a, world.village_a_officer, world.other_office):
        with pytest.raises(WorkflowError):
            _draw(world, inspectors, actor=actor)
    assert not RandomDraw.objects.exists()


def test_it_refuses_a_planned_date_outside_the_year(world, inspectors):
    with pytest.raises(WorkflowError):
        _draw(world, inspectors, planned_on=dt.date(2026, 1, 5))


# -- draw teams: two enforcement-credential holders each (§28) -------------------------------------------------


def test_it_staffs_every_drawn_team_with_two_credential_holders(world, inspectors):
    EnterpriseFactory.create_batch(6, village=world.village_a, primary_sector=world.sector_b)
    holders = {i.pk for i in inspectors[:4]}
    draw = _draw(world, inspectors, n=6, k=3)
    assert set(draw.target_filters["credential_holders"]) == holders
    for row in draw.result:
        assert len(set(row["inspectors"]) & holders) >= 2
    assert draws.draw_replay_matches(draw)


BEFORE_PLANNED = dt.datetime(2025, 5, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@time_machine.travel(BEFORE_PLANNED, tick=False)
@pytest.mark.parametrize(
    "pool",
    [
        "one_holder",  # one credential holder and companions
        "companions_only",  # social supervisors and contracted experts alone
        "expired",  # the second credential expires before the planned day
        "teams_of_one",  # a team of one cannot hold two
    ],
)
def test_it_refuses_a_draw_the_pool_cannot_staff(world, inspectors, pool):
    chosen, k = list(inspectors), 2
    if pool == "one_holder":
        chosen = [inspectors[0], *inspectors[4:]]
    elif pool == "companions_only":
        chosen = inspectors[4:]
    elif pool == "expired":
        Inspector.objects.filter(pk=inspectors[1].pk).update(credential_expires_on=dt.date(2025, 6, 9))
        chosen = [inspectors[0], inspectors[1], *inspectors[4:]]
    else:
        k = 1
    with pytest.raises(WorkflowError):
        _draw(world, chosen, k=k)
    assert not RandomDraw.objects.exists()
    assert not Inspection.objects.exists()


@time_machine.travel(BEFORE_PLANNED, tick=False)
def test_it_counts_a_credential_valid_on_the_planned_day(world, inspectors):
    Inspector.objects.filter(pk=inspectors[1].pk).update(credential_expires_on=PLANNED)
    draw = _draw(world, [inspectors[0], inspectors[1], *inspectors[4:]], k=3)
    assert draw.target_filters["credential_holders"] == [inspectors[0].pk, inspectors[1].pk]


def test_it_replays_a_draw_recorded_before_the_credential_rule(world, inspectors):
    ids = [i.pk for i in inspectors[4:]] + [inspectors[0].pk]
    pool = sorted([world.enterprise_a.pk, world.enterprise_b.pk])
    result = draws.draw_random(
        seed="old", targets=pool, weights=[1.0, 1.0], inspectors=ids, n=2, k=2, avoid_pairs=set()
    )
    old = RandomDraw.objects.create(
        township=world.township, year=2024, name="旧抽查", seed="old", target_pool=pool, inspector_pool=ids,
        target_count=2, team_size=2, result=result, created_by=world.office,
        target_filters={"weights": [1.0, 1.0], "previous_draw": None},
    )  # fmt: skip
    assert draws.draw_replay_matches(old)


def test_it_makes_the_drawn_inspections_law_enforcement_when_the_unit_holds_the_power(
    world, inspectors, enforcing_office
):
    draw = _draw(world, inspectors)
    assert draw.inspecting_unit == enforcing_office
    planned = Inspection.objects.filter(draw=draw)
    assert {(i.inspecting_unit_id, i.is_law_enforcement) for i in planned} == {(enforcing_office.pk, True)}

    without_power = _draw(world, inspectors, seed="unit-b", inspecting_unit=world.unit_b)
    planned = Inspection.objects.filter(draw=without_power)
    assert {(i.inspecting_unit_id, i.is_law_enforcement) for i in planned} == {(world.unit_b.pk, False)}


# -- the random share ------------------------------------------------------------------------------------------


def _plan(world, kind: str, planned_on: dt.date = PLANNED, **kwargs) -> Inspection:
    kwargs.setdefault("enterprise", world.enterprise_a)
    return inspection_plan(actor=world.office, township=world.township, kind=kind, planned_on=planned_on, **kwargs)


def _done(inspection: Inspection, on: dt.date = PLANNED) -> Inspection:
    Inspection.objects.filter(pk=inspection.pk).update(status="submitted", done_on=on)
    return inspection


def test_it_counts_the_share_of_law_enforcement_inspections_drawn_at_random(world, inspectors, enforcing_office):
    draw = _draw(world, inspectors)  # two drawn law-enforcement inspections of enterprises
    for inspection in Inspection.objects.filter(draw=draw):
        _done(inspection)
    assert draws.random_share(township=world.township, year=2025) == (2, 2, 100.0, 70)

    # Neither a grid patrol, a self-inspection, a holiday check nor door-knocking is a law-enforcement inspection.
    _done(_plan(world, "grid_patrol", enterprise=None, village=world.village_a))
    _done(_plan(world, "self", enterprise=world.enterprise_b))
    _done(_plan(world, "holiday"))
    _done(_plan(world, "fire_knock", enterprise=world.enterprise_b))
    assert draws.random_share(township=world.township, year=2025) == (2, 2, 100.0, 70)

    # Law-enforcement inspections not done, done in another year, or cancelled stay out.
    _plan(world, "special", is_law_enforcement=True)
    _done(_plan(world, "special", is_law_enforcement=True), on=dt.date(2024, 12, 31))
    cancelled = _plan(world, "unannounced", is_law_enforcement=True)
    inspection_cancel(inspection_id=cancelled.pk, actor=world.office, note="企业停产")
    Inspection.objects.filter(pk=cancelled.pk).update(done_on=PLANNED)
    assert draws.random_share(township=world.township, year=2025) == (2, 2, 100.0, 70)

    # A 四不两直 law-enforcement inspection done in the year lowers it: 2 ÷ 3.
    _done(_plan(world, "unannounced", enterprise=world.enterprise_b, is_law_enforcement=True))
    share = draws.random_share(township=world.township, year=2025)
    drawn, total, percent, target = share  # unpacks as the (drawn, total, percent, target) tuple
    assert (drawn, total, percent, target) == (2, 3, 66.7, 70)
    assert not share.is_met


def test_it_leaves_drawn_inspections_of_a_unit_without_power_out_of_the_share(world, inspectors):
    draw = _draw(world, inspectors, inspecting_unit=world.unit_b)
    for inspection in Inspection.objects.filter(draw=draw):
        _done(inspection)
    assert draws.random_share(township=world.township, year=2025) == (0, 0, 0.0, 70)


def test_it_reports_no_share_and_the_default_target_without_plans(world):
    assert draws.random_share(township=world.township, year=2025) == (0, 0, 0.0, 70)


def test_it_lets_the_office_set_the_target(world):
    draws.share_target_set(actor=world.office, township=world.township, year=2025, percent=80)
    draws.share_target_set(actor=world.office, township=world.township, year=2025, percent=75)
    assert RandomShareTarget.objects.get().percent == 75
    assert draws.random_share(township=world.township, year=2025).target == 75
    assert draws.random_share(township=world.township, year=2026).target == 70
    with pytest.raises(WorkflowError):
        draws.share_target_set(actor=world.office, township=world.township, year=2025, percent=101)
    with pytest.raises(WorkflowError):
        draws.share_target_set(actor=world.leader, township=world.township, year=2025, percent=50)


# -- pages -----------------------------------------------------------------------------------------------------


def _form(inspectors, **kwargs) -> dict:
    return {
        "name": "六月双随机",
        "inspectors": [i.pk for i in inspectors],
        "n": "1",
        "k": "2",
        "planned_on": "2025-06-10",
        "seed": "page-seed",
        "high_risk": "",
        **kwargs,
    }


def test_it_shows_the_draws_and_the_share_to_the_office_and_leadership(world, inspectors, enforcing_office, client_for):
    draw = _draw(world, inspectors)
    for inspection in Inspection.objects.filter(draw=draw):
        _done(inspection)
    _done(_plan(world, "unannounced", is_law_enforcement=True))
    for user in (world.office, world.leader):
        response = client_for(user).get(reverse("inspections:draw_list"), {"year": 2025})
        assert response.status_code == 200
        body = response.content.decode()
        assert f'data-draw="{draw.pk}"' in body
        assert 'data-testid="share-drawn">2<' in body
        assert 'data-testid="share-total">3<' in body
        assert 'data-testid="share-definition"' in body
        assert 'data-testid="share-target">70<' in body
        assert 'data-testid="share-progress"' in body
        assert ("share-target-edit" in body) == (user == world.office)


def test_it_hides_the_draw_pages_from_others(world, inspectors, client_for):
    draw = _draw(world, inspectors)
    for user in (world.village_a_officer, world.dept_a, world.ent_a):
        client = client_for(user)
        assert client.get(reverse("inspections:draw_list")).status_code == 404
        assert client.get(draw.get_absolute_url()).status_code == 404
        assert client.get(reverse("inspections:draw_create")).status_code == 404
    assert client_for(world.other_office).get(draw.get_absolute_url()).status_code == 404


def test_it_lets_leadership_read_a_draw_but_not_make_one(world, inspectors, client_for):
    draw = _draw(world, inspectors)
    client = client_for(world.leader)
    assert client.get(draw.get_absolute_url()).status_code == 200
    assert client.get(reverse("inspections:draw_create")).status_code == 404
    assert client.post(reverse("inspections:draw_create"), _form(inspectors)).status_code == 404
    assert client.post(reverse("inspections:draw_share_target"), {"year": 2025, "percent": 50}).status_code == 404
    assert RandomDraw.objects.count() == 1
    assert not RandomShareTarget.objects.exists()


def test_it_makes_a_draw_from_the_form_and_shows_the_replay(world, inspectors, client_for):
    client = client_for(world.office)
    assert 'data-testid="share-definition"' in client.get(reverse("inspections:draw_create")).content.decode()
    response = client.post(reverse("inspections:draw_create"), _form(inspectors[:2], villages=[world.village_a.pk]))
    draw = RandomDraw.objects.get()
    assert response.status_code == 302
    assert response["Location"] == draw.get_absolute_url()
    assert draw.seed == "page-seed"
    assert draw.result == [{"target": world.enterprise_a.pk, "inspectors": sorted(i.pk for i in inspectors[:2])}]
    assert draw.target_filters["villages"] == [world.village_a.pk]
    body = client.get(draw.get_absolute_url()).content.decode()
    assert 'data-testid="replay" data-matches="yes"' in body
    assert f'data-testid="draw-result-row" data-target="{world.enterprise_a.pk}"' in body
    inspection = Inspection.objects.get(draw=draw)
    assert reverse("inspections:detail", args=[inspection.pk]) in body


def test_it_explains_a_draw_larger_than_the_pool(world, inspectors, client_for):
    client = client_for(world.office)
    response = client.post(reverse("inspections:draw_create"), _form(inspectors, n="3"))
    assert response.status_code == 200
    assert 'data-testid="form-error"' in response.content.decode()
    response = client.post(reverse("inspections:draw_create"), _form(inspectors[:1], k="2"))
    assert response.status_code == 200
    assert not RandomDraw.objects.exists()


def test_it_previews_the_pool_size(world, client_for):
    client = client_for(world.office)
    response = client.get(reverse("inspections:draw_preview"), {"villages": [world.village_a.pk]})
    assert 'data-size="1"' in response.content.decode()
    response = client.post(reverse("inspections:draw_create"), {"preview": "1", "high_risk": ""})
    assert 'data-size="2"' in response.content.decode()
    assert client_for(world.leader).get(reverse("inspections:draw_preview")).status_code == 404


def test_it_lets_the_office_set_the_target_share_on_its_page(world, client_for):
    client = client_for(world.office)
    assert client.get(reverse("inspections:draw_share_target"), {"year": 2025}).status_code == 200
    response = client.post(reverse("inspections:draw_share_target"), {"year": 2025, "percent": 60})
    assert response.status_code == 302
    assert RandomShareTarget.objects.get(township=world.township, year=2025).percent == 60
    response = client.post(reverse("inspections:draw_share_target"), {"year": 2025, "percent": 160})
    assert response.status_code == 200
    assert RandomShareTarget.objects.get().percent == 60
