"""generate_hazards: realistic load-test hazards across the demo township, with states consistent with dates."""

from __future__ import annotations

import datetime as dt
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from hazards.models import Hazard, HazardEvent
from hazards.numbering import number_prefix, registration_year
from units.demo import load_demo_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    load_demo_data()


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_hazards", *args, "--force", stdout=out)
    return out.getvalue()


def test_it_creates_consistent_hazards_quickly(demo: None):
    started = time.monotonic()
    output = generate("200", "--seed", "1")
    assert time.monotonic() - started < 5
    assert "200" in output
    hazards = list(Hazard.objects.select_related("enterprise"))
    assert len(hazards) == 200
    assert HazardEvent.objects.count() == 200
    today = timezone.localdate()
    for hazard in hazards:
        assert dt.date(2023, 1, 1) <= hazard.found_on <= today
        assert hazard.lead_unit_id == hazard.sector.lead_unit_id
        if hazard.enterprise:
            assert hazard.enterprise.village_id == hazard.village_id
        if hazard.status in ("rectifying", "pending_acceptance"):
            assert hazard.deadline is not None
        if hazard.status == "closed":
            assert hazard.closed_at is not None
            assert timezone.localtime(hazard.closed_at).date() >= hazard.found_on
            assert hazard.completed_on is not None
            assert hazard.found_on <= hazard.completed_on <= timezone.localtime(hazard.closed_at).date()
            assert hazard.closed_at <= timezone.now()
    statuses = {h.status for h in hazards}
    assert {"closed", "rectifying"} <= statuses
    assert 5 <= sum(h.level == "major" for h in hazards) <= 40  # about one in ten
    assert len({h.channel for h in hazards}) >= 5
    assert len({h.village_id for h in hazards}) >= 8
    assert len({h.hazard_type for h in hazards}) >= 5
    assert any(h.found_on.year == 2023 for h in hazards)  # stock (存量)
    assert any(h.days_overdue(today) for h in hazards)
    # Load-test data: bulk inserts without history rows, said so in the help.
    assert Hazard.history.count() == 0


def test_every_registered_hazard_is_numbered_once_from_0001_per_year(demo: None):
    generate("300", "--seed", "4", "--batch", "70")  # several batches: numbering continues across them
    hazards = list(Hazard.objects.select_related("township"))
    serials: dict[tuple[int, int], list[int]] = {}
    for hazard in hazards:
        if hazard.status in ("reported", "dismissed"):
            assert hazard.number == ""
            continue
        year = registration_year(hazard.confirmed_at, hazard.found_on)
        prefix = number_prefix(hazard.township.name, year)
        assert hazard.number.startswith(prefix), hazard.number
        serials.setdefault((hazard.township_id, year), []).append(int(hazard.number.removeprefix(prefix)))
    assert len(serials) >= 3  # 2023 to this year
    for key, taken in serials.items():
        assert sorted(taken) == list(range(1, len(taken) + 1)), key  # unique and contiguous from 0001


def test_it_is_deterministic_with_a_seed(demo: None):
    generate("50", "--seed", "7")
    first = list(Hazard.objects.order_by("pk").values_list("title", "found_on", "status", "village_id", "level"))
    Hazard.objects.all().delete()
    generate("50", "--seed", "7")
    again = list(Hazard.objects.order_by("pk").values_list("title", "found_on", "status", "village_id", "level"))
    assert first == again


def test_it_inserts_in_batches(demo: None):
    output = generate("120", "--seed", "3", "--batch", "50")
    assert Hazard.objects.count() == 120
    assert "50 / 120" in output
    assert "100 / 120" in output


def test_it_refuses_without_demo_data():
    with pytest.raises(CommandError, match="load_demo_data"):
        generate("10")
    assert Hazard.objects.count() == 0


def test_it_refuses_to_run_without_debug_or_force(demo: None, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("generate_hazards", "10", stdout=StringIO())
    assert Hazard.objects.count() == 0


def test_it_generates_nothing_when_asked_only_for_an_empty_township(demo: None):
    generate("5", "--seed", "1", "--if-empty")
    assert Hazard.objects.count() == 5
    assert "nothing generated" in generate("5", "--seed", "1", "--if-empty")
    assert Hazard.objects.count() == 5
