"""The hazard number (隐患编号): given at registration, per township and year, shown wherever staff name a hazard."""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from hazards import services
from hazards.models import Hazard
from hazards.numbering import NumberBook, format_number
from tests.conftest import World
from tests.factories import HazardFactory

from .conftest import checked

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def at(*args: int) -> Any:
    return time_machine.travel(dt.datetime(*args, tzinfo=TZ), tick=False)


def report(world: World, **kwargs: Any) -> Hazard:
    fields = {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a, **kwargs}
    return HazardFactory(reported_by=world.village_a_officer, **fields)


def register(world: World, hazard: Hazard) -> Hazard:
    return services.hazard_confirm(hazard_id=hazard.pk, actor=world.office, expected_status="reported")


def test_it_numbers_a_hazard_when_it_is_registered(world: World):
    hazard = report(world)
    assert hazard.number == ""  # a report has none
    with at(2026, 3, 5, 10):
        hazard = register(world, hazard)
    assert hazard.number == "刘圩隐〔2026〕0001"
    assert Hazard.objects.get(pk=hazard.pk).number == "刘圩隐〔2026〕0001"


def test_it_counts_serials_per_year_of_the_local_registration_date(world: World):
    first, second, third = report(world), report(world), report(world)
    with at(2026, 12, 31, 23, 30):  # already 31 Dec in the township's time, still 2026
        assert register(world, first).number == "刘圩隐〔2026〕0001"
        assert register(world, second).number == "刘圩隐〔2026〕0002"
    with at(2027, 1, 1, 0, 30):
        assert register(world, third).number == "刘圩隐〔2027〕0001"


def test_two_townships_both_start_at_0001(world: World):
    ours = report(world)
    theirs = HazardFactory(village=world.other_village, sector=world.other_sector)
    with at(2026, 5, 1, 9):
        assert register(world, ours).number == "刘圩隐〔2026〕0001"
        other = services.hazard_confirm(hazard_id=theirs.pk, actor=world.other_office)
    assert other.number == "邻隐〔2026〕0001"


def test_a_dismissed_report_has_no_number_and_takes_no_serial(world: World):
    dismissed, registered = report(world), report(world)
    with at(2026, 5, 1, 9):
        services.hazard_dismiss(hazard_id=dismissed.pk, actor=world.office, note="不是隐患")
        assert register(world, registered).number == "刘圩隐〔2026〕0001"
    assert Hazard.objects.get(pk=dismissed.pk).number == ""


def test_a_hazard_fixed_on_the_spot_is_numbered_at_once(world: World):
    report(world, status="confirmed", number="刘圩隐〔2026〕0001", confirmed_at=timezone.now())
    with at(2026, 5, 2, 9):
        hazard = services.hazard_fix_on_the_spot(
            actor=world.village_a_officer,
            fields={
                "title": "灭火器压力不足", "description": "更换灭火器", "village": world.village_a,
                "enterprise": world.enterprise_a, "sector": world.sector_a, "hazard_type": "fire",
                "channel": "department", "found_on": dt.date(2026, 5, 2), "measures": "当场更换",
            },
            before=[checked()],
            after=[checked()],
        )  # fmt: skip
    assert hazard.number == "刘圩隐〔2026〕0002"
    # Accepted on the spot by the inspector; a village officer has no unit, so the township's safety office.
    accepted = (hazard.accepted_on, hazard.accepted_by_unit, hazard.accepted_by_person)
    assert accepted == (dt.date(2026, 5, 2), "刘圩镇应急办", world.village_a_officer.display_name)


def test_it_continues_after_the_highest_serial_even_past_9999(world: World):
    report(world, status="confirmed", number=format_number("刘圩镇", 2026, 9999))
    report(world, status="confirmed", number=format_number("刘圩镇", 2026, 10000))
    report(world, status="confirmed", number=format_number("刘圩镇", 2026, 998))
    with at(2026, 6, 1, 9):
        assert register(world, report(world)).number == "刘圩隐〔2026〕10001"


def test_the_number_book_keeps_only_this_townships_free_numbers(world: World):
    report(world, status="confirmed", number="刘圩隐〔2026〕0003")
    book = NumberBook(world.township.pk)
    assert not book.keep("刘圩隐〔2026〕0003")  # taken
    assert not book.keep("邻隐〔2026〕0004")  # another township's
    assert not book.keep("刘圩隐〔2026〕04")  # not four digits
    assert not book.keep("刘圩隐〔2026〕0000")
    assert book.keep("刘圩隐〔2026〕0007")
    assert not book.keep("刘圩隐〔2026〕0007")  # once
    assert book.take(2026) == "刘圩隐〔2026〕0008"
    assert book.take(2025) == "刘圩隐〔2025〕0001"


@pytest.mark.django_db(transaction=True)
def test_two_registrations_at_once_get_consecutive_numbers(world: World):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; CI runs this on PostgreSQL")
    hazards = [report(world), report(world)]
    barrier = threading.Barrier(2)
    numbers: list[str] = []
    errors: list[Exception] = []

    def run(hazard: Hazard) -> None:
        try:
            barrier.wait()
            numbers.append(register(world, hazard).number)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(h,)) for h in hazards]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    year = timezone.localdate().year
    assert sorted(numbers) == [f"刘圩隐〔{year}〕0001", f"刘圩隐〔{year}〕0002"]


# -- where staff see it --------------------------------------------------------------------------------


def test_the_list_finds_a_hazard_by_its_number_however_the_brackets_are_typed(client_for, world: World):
    wanted = report(world, status="confirmed", number="刘圩隐〔2026〕0012", title="要找的隐患")
    report(world, status="confirmed", number="刘圩隐〔2026〕0013", title="别的隐患")
    client = client_for(world.office)
    for query in ("刘圩隐〔2026〕0012", "刘圩隐[2026]0012", "【2026】0012", "0012"):
        page = client.get(reverse("hazards:list"), {"q": query})
        assert [h.pk for h in page.context["page_obj"]] == [wanted.pk], query
    assert 'data-testid="hazard-number">刘圩隐〔2026〕0012<' in page.content.decode()


def test_the_detail_page_shows_the_number_in_its_header_and_title(client_for, world: World):
    hazard = report(world, status="confirmed", number="刘圩隐〔2026〕0005", title="脚手架隐患")
    html = client_for(world.office).get(hazard.get_absolute_url()).content.decode()
    assert 'data-testid="hazard-number"' in html
    assert re.search(r"<title>刘圩隐〔2026〕0005 脚手架隐患", html)
    assert '<li class="breadcrumb-item active" aria-current="page">刘圩隐〔2026〕0005 脚手架隐患</li>' in html


def test_a_report_shows_no_number(client_for, world: World):
    hazard = report(world)
    html = client_for(world.office).get(hazard.get_absolute_url()).content.decode()
    assert 'data-testid="hazard-number"' not in html


def test_the_overdue_page_shows_the_number(client_for, world: World):
    report(world, status="rectifying", number="刘圩隐〔2024〕0009", deadline=dt.date(2024, 4, 1))
    html = client_for(world.office).get(reverse("hazards:overdue")).content.decode()
    assert 'data-testid="hazard-number">刘圩隐〔2024〕0009<' in html
