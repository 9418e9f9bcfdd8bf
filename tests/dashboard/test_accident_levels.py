"""Accident levels after 《生产安全事故报告和调查处理条例》(国务院令第493号) 第三条 ("以上包括本数，所称的以下不包括
本数") at every boundary of the three figures; the level kept by the service; the loss's bounds on the form; the
list's filters by level and by whether an accident counts as a 生产安全事故."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboard.accidents import accident_create, accident_update
from dashboard.models import Accident, accident_level
from tests.conftest import World

pytestmark = pytest.mark.django_db

GENERAL, LARGER, MAJOR, EXTRAORDINARY = "general", "larger", "major", "extraordinary"


@pytest.mark.parametrize(
    ("deaths", "serious", "loss", "level"),
    [
        (0, 0, "0", GENERAL),
        # deaths: 3人以上 较大, 10人以上 重大, 30人以上 特别重大
        (2, 0, "0", GENERAL),
        (3, 0, "0", LARGER),
        (9, 0, "0", LARGER),
        (10, 0, "0", MAJOR),
        (29, 0, "0", MAJOR),
        (30, 0, "0", EXTRAORDINARY),
        # 重伤: 10人以上 较大, 50人以上 重大, 100人以上 特别重大
        (0, 9, "0", GENERAL),
        (0, 10, "0", LARGER),
        (0, 49, "0", LARGER),
        (0, 50, "0", MAJOR),
        (0, 99, "0", MAJOR),
        (0, 100, "0", EXTRAORDINARY),
        # direct loss in 万元: 1000万元以上 较大, 5000万元以上 重大, 1亿元以上 特别重大
        (0, 0, "999.99", GENERAL),
        (0, 0, "999.9999", GENERAL),
        (0, 0, "1000", LARGER),
        (0, 0, "4999.99", LARGER),
        (0, 0, "5000", MAJOR),
        (0, 0, "9999.99", MAJOR),
        (0, 0, "10000", EXTRAORDINARY),
        # the highest level any one figure reaches
        (2, 49, "10000", EXTRAORDINARY),
        (3, 9, "999.99", LARGER),
        (9, 50, "0", MAJOR),
    ],
)
def test_it_grades_the_accident_at_every_boundary(deaths, serious, loss, level):
    assert accident_level(deaths, serious, Decimal(loss)) == level


def _record(world: World, **fields) -> Accident:
    values = {"occurred_on": dt.date(2025, 3, 8), "place": "工地", "kind": "construction", "village": world.village_a}
    return accident_create(actor=world.office, township=world.township, fields={**values, **fields})


def test_it_stores_the_level_and_recomputes_it_when_the_figures_are_corrected(world):
    accident = _record(world, deaths=2, injuries=12, serious_injuries=9, direct_loss=Decimal("999.99"))
    assert accident.level == GENERAL
    accident_update(accident_id=accident.pk, actor=world.office, changes={"serious_injuries": 10})
    accident.refresh_from_db()
    assert accident.level == LARGER
    accident_update(accident_id=accident.pk, actor=world.office, changes={"deaths": 30})
    accident.refresh_from_db()
    assert accident.level == EXTRAORDINARY
    assert [h.level for h in accident.history.order_by("history_date")] == [GENERAL, LARGER, EXTRAORDINARY]


def _form(world: World, **fields: str) -> dict[str, str]:
    data = {
        "occurred_on": "2025-03-08", "place": "新集村道", "village": str(world.village_b.pk), "enterprise": "",
        "kind": "road", "deaths": "0", "injuries": "0", "serious_injuries": "0", "direct_loss": "0",
        "counts_as_work_safety": "on", "source_document": "", "description": "",
    }  # fmt: skip
    return {**data, **fields}


@pytest.mark.parametrize("loss", ["-1", "-0.0001", str(10**12), "1000000.0001", "12345678"])
def test_it_refuses_a_loss_out_of_bounds_on_the_form_with_a_message(world, client_for, loss):
    response = client_for(world.office).post(reverse("dashboard:accident_create"), _form(world, direct_loss=loss))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["direct_loss"])
    assert errors
    if not loss.startswith("-"):  # too large: the message names the unit, the usual slip being yuan typed as 万元
        assert "万元" in errors and "100亿元" in errors
    assert not Accident.objects.exists()


def test_it_accepts_the_largest_loss_the_register_allows(world, client_for):
    response = client_for(world.office).post(
        reverse("dashboard:accident_create"), _form(world, direct_loss="1000000", deaths="1")
    )
    assert response.status_code == 302
    assert Accident.objects.get().level == EXTRAORDINARY


def test_it_records_an_accident_that_does_not_count_as_work_safety(world, client_for):
    data = _form(world, kind="drowning", deaths="1")
    del data["counts_as_work_safety"]  # the box left unticked
    assert client_for(world.office).post(reverse("dashboard:accident_create"), data).status_code == 302
    accident = Accident.objects.get()
    assert not accident.counts_as_work_safety and accident.deaths == 1


def test_it_filters_the_list_by_level_and_by_counting(world, client_for):
    _record(world, place="塌方", deaths=3)
    _record(world, place="溺水", kind="drowning", deaths=1, counts_as_work_safety=False)
    _record(world, place="小火", kind="fire")
    client = client_for(world.office)
    url = reverse("dashboard:accidents")

    def places(params: dict[str, str]) -> set[str]:
        response = client.get(url, params)
        assert response.context["form"].is_valid()
        return {a.place for a in response.context["page_obj"]}

    assert places({"level": LARGER}) == {"塌方"}
    assert places({"level": GENERAL}) == {"溺水", "小火"}
    assert places({"counted": "yes"}) == {"塌方", "小火"}
    assert places({"counted": "no"}) == {"溺水"}
    assert places({"occurred_from": "2025-03-08", "occurred_to": "2025-03-08"}) == {"塌方", "溺水", "小火"}
    assert places({"occurred_from": "2025-03-09"}) == set()
    html = client.get(url).content.decode()
    assert 'data-testid="accident-level" data-value="larger"' in html
    bad = client.get(url, {"level": "huge", "occurred_from": "2025-02-30"})
    assert not bad.context["form"].is_valid() and not list(bad.context["page_obj"])
