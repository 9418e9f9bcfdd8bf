"""The month-end snapshots and the new 按期整改 figure (issue 9.5): the new column is filled from the month the change
shipped (December 2026); earlier months keep the old figure (closed by the deadline, 按销号日期), stay as stored and
are labelled on the trend page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse

from dashboard.models import ON_TIME_NEW_DEFINITION_FROM, MonthlySnapshot
from dashboard.snapshots import snapshot_month
from dashboard.stats import figures
from hazards.models import Hazard
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def hazards(world: Any) -> dict[str, Hazard]:
    """A: completed 8 Nov, deadline 10 Nov, closed by the office only on 5 December — on time by the new definition,
          late by the old one;
    B: completed 15 Nov after its deadline of 10 Nov, closed 17 Nov — late by both;
    C: completed 1 December, deadline 20 December, verified 2 December and not closed — on time, not closed."""
    place = {"village": world.village_a, "sector": world.sector_a}
    with time_machine.travel(at(2026, 10, 8, 9), tick=False):
        return {
            "A": HazardFactory(**place, found_on=d("2026-10-05"), status="closed", deadline=d("2026-11-10"),
                               completed_on=d("2026-11-08"), confirmed_at=at(2026, 10, 6, 9),
                               verified_at=at(2026, 11, 20, 10), closed_at=at(2026, 12, 5, 10)),
            "B": HazardFactory(**place, found_on=d("2026-10-06"), status="closed", deadline=d("2026-11-10"),
                               completed_on=d("2026-11-15"), confirmed_at=at(2026, 10, 7, 9),
                               verified_at=at(2026, 11, 16, 10), closed_at=at(2026, 11, 17, 10)),
            "C": HazardFactory(**place, found_on=d("2026-10-07"), status="verified", deadline=d("2026-12-20"),
                               completed_on=d("2026-12-01"), confirmed_at=at(2026, 10, 8, 9),
                               verified_at=at(2026, 12, 2, 10)),
        }  # fmt: skip


def total(world: Any, month: dt.date) -> MonthlySnapshot:
    return MonthlySnapshot.objects.get(township=world.township, month=month, dimension="total", key="")


def test_it_ships_the_new_definition_in_december_2026():
    assert ON_TIME_NEW_DEFINITION_FROM == DEC


def test_it_stores_only_the_old_figure_for_a_month_before_the_change(world, hazards):
    with time_machine.travel(at(2026, 12, 1, 0, 30), tick=False):
        snapshot_month(world.township, NOV)
    nov = total(world, NOV)
    assert (nov.rectified, nov.closed, nov.closed_on_time, nov.rectified_on_time) == (2, 1, 0, None)  # A, B; B
    assert nov.on_time_old_definition and nov.on_time_rate == Decimal("0.0")
    assert MonthlySnapshot.objects.filter(month=NOV, rectified_on_time__isnull=False).count() == 0


def test_it_stores_the_new_figure_from_december_2026(world, hazards):
    with time_machine.travel(at(2027, 1, 1, 0, 30), tick=False):
        snapshot_month(world.township, DEC)
        live = figures(Hazard.objects.filter(township=world.township), today=d("2026-12-31"))[0]
    dec = total(world, DEC)
    # A and C completed by their deadline; when A was closed does not count. The old figure: neither A nor B was
    # closed by its deadline.
    assert (dec.rectified, dec.rectified_on_time, dec.closed, dec.closed_on_time) == (3, 2, 2, 0)
    assert not dec.on_time_old_definition and dec.on_time_rate == Decimal("66.7")
    assert (live["rectified_on_time"], live["rectified"], live["on_time_rate"]) == (2, 3, Decimal("66.7"))
    # Every row of the month carries the new column, zeros included.
    assert not MonthlySnapshot.objects.filter(month=DEC, rectified_on_time__isnull=True).exists()
    village_b = MonthlySnapshot.objects.get(month=DEC, dimension="village", key=str(world.village_b.pk))
    assert village_b.rectified_on_time == 0


def test_it_backfills_without_touching_the_months_already_filed(world, hazards):
    with time_machine.travel(at(2027, 1, 1, 0, 30), tick=False):
        snapshot_month(world.township, NOV)
        snapshot_month(world.township, DEC)
    filed = {s.pk: model_to_dict(s) for s in MonthlySnapshot.objects.all()}
    Hazard.objects.filter(pk=hazards["B"].pk).update(completed_on=d("2026-11-09"))  # a later correction
    with time_machine.travel(at(2027, 1, 10, 9), tick=False):
        call_command("backfill_snapshots", "--from", "2026-10", "--to", "2026-12", stdout=StringIO())
    assert {s.pk: model_to_dict(s) for s in MonthlySnapshot.objects.filter(pk__in=filed)} == filed
    # A month before the change, stored only now, still holds the old figure alone, like every township's.
    assert total(world, OCT).rectified_on_time is None


def test_it_labels_the_months_computed_with_the_old_definition_on_the_trend_page(world, hazards, client_for):
    with time_machine.travel(at(2027, 1, 10, 9), tick=False):
        call_command("backfill_snapshots", "--from", "2026-10", "--to", "2026-12", stdout=StringIO())
        client = client_for(world.office)
        response = client.get(reverse("dashboard:trend"))
        pivot = client.get(reverse("dashboard:trend"), {"by": "village", "figure": "rectified_on_time"})
    html = response.content.decode()
    assert html.count('data-testid="trend-on-time" data-old-definition="true"') == 2  # October, November
    assert html.count('data-testid="trend-on-time"') == 3
    assert 'data-testid="trend-definitions"' in html
    lines = {line["label"]: line["cells"] for line in pivot.context["pivot"]}
    assert lines[world.village_a.name] == [None, None, 2]
    assert 'data-testid="trend-pivot-definition"' in pivot.content.decode()
