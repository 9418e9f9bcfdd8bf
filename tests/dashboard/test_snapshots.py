"""Month-end snapshots: rebuilt from the hazard history as things stood then, stored once, never changed; the beat
schedule, the task, the backfill command and the trend page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from dashboard import snapshots, tasks
from dashboard.admin import MonthlySnapshotAdmin
from dashboard.models import MonthlySnapshot, SnapshotImmutableError
from dashboard.snapshots import SnapshotError, compute_month, snapshot_month
from dashboard.stats import figures
from hazards import services
from hazards.models import DeadlineExtension, Hazard, HazardEvent, Listing, Status
from tests.conftest import World
from tests.factories import HazardFactory
from tests.hazards.conftest import checked

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
MARCH, APRIL = dt.date(2025, 3, 1), dt.date(2025, 4, 1)
FIVE = {
    "measures": "拆除违规搭建",
    "responsible_person": "王五",
    "responsible_phone": "13912345678",
    "funds": Decimal("20000"),
    "contingency_plan": "设置警戒区",
}


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SH)


def travel(*args: int) -> time_machine.travel:
    return time_machine.travel(at(*args), tick=False)


def row(township, month: dt.date, dimension: str = "total", key: str = "") -> MonthlySnapshot:
    return MonthlySnapshot.objects.get(township=township, month=month, dimension=dimension, key=key)


def values(snapshot: MonthlySnapshot, *names: str) -> dict[str, int]:
    return {name: getattr(snapshot, name) for name in names}


ALL = (
    "found", "found_major", "found_in_month", "rectified", "closed", "closed_on_time", "closed_in_month", "open",
    "open_major", "overdue", "overdue_major", "stock_open_major", "listed", "listed_county_plus",
)  # fmt: skip


@pytest.fixture
def history(world: World) -> dict[str, Any]:
    """A spring of 2025, lived through the services day by day.

    H1 major, village A, sector A: found 10 March, registered, rectifying from 12 March with deadline 20 March
       (overdue at the end of March); listed at county level 15 March; deadline extended to 31 May on 5 April;
       acceptance asked 10 May, verified 12 May, closed 15 May (on time); delisted 20 May.
    H2 general, village B, sector B: reported 20 March and still open.
    H3 general, village A, sector B: reported 5 April.
    H4 major stock hazard of 2023, village B, sector A, entered from a ledger only in June 2025: registered
       in 2023, rectified and closed on 10 April 2025 (deadline 30 April).
    """
    with travel(2025, 3, 10, 9):
        h1 = services.hazard_report(
            actor=world.office,
            fields={"title": "脚手架未设连墙件", "description": "d", "village": world.village_a,
                    "enterprise": world.enterprise_a, "sector": world.sector_a, "hazard_type": "construction",
                    "channel": "department", "found_on": dt.date(2025, 3, 10)},
        )  # fmt: skip
        services.hazard_confirm(hazard_id=h1.pk, actor=world.office, level="major")
    with travel(2025, 3, 12, 9):
        services.hazard_start_rectification(hazard_id=h1.pk, actor=world.office, deadline=dt.date(2025, 3, 20), **FIVE)
    with travel(2025, 3, 15, 9):
        Listing.objects.create(
            hazard=h1, level="county", document_number="泗安办〔2025〕5号", supervising_leader="李四",
            listed_on=dt.date(2025, 3, 15), required_by=dt.date(2025, 5, 31), listed_by=world.office,
        )  # fmt: skip
    with travel(2025, 3, 20, 9):
        h2 = services.hazard_report(
            actor=world.village_b_officer,
            fields={"title": "灭火器过期", "description": "d", "village": world.village_b, "sector": world.sector_b,
                    "hazard_type": "fire", "channel": "department", "found_on": dt.date(2025, 3, 20)},
        )  # fmt: skip
    with travel(2025, 4, 5, 9):
        extension = services.extension_request(
            hazard_id=h1.pk, actor=world.village_a_officer, new_deadline=dt.date(2025, 5, 31), reason="雨季停工"
        )
        services.extension_decide(extension_id=extension.pk, actor=world.office, approve=True)
        h3 = services.hazard_report(
            actor=world.village_a_officer,
            fields={"title": "电线私拉乱接", "description": "d", "village": world.village_a, "sector": world.sector_b,
                    "hazard_type": "fire", "channel": "department", "found_on": dt.date(2025, 4, 5)},
        )  # fmt: skip
    with travel(2025, 5, 10, 9):
        services.hazard_request_acceptance(hazard_id=h1.pk, actor=world.village_a_officer, photos=[checked()])
    with travel(2025, 5, 12, 9):
        services.hazard_verify(hazard_id=h1.pk, actor=world.dept_a)
    with travel(2025, 5, 15, 9):
        services.hazard_close(hazard_id=h1.pk, actor=world.office)
    Listing.objects.filter(hazard=h1).update(delisted_on=dt.date(2025, 5, 20), delisted_by=world.office)
    with travel(2025, 6, 2, 9):
        closed = at(2025, 4, 10, 12)
        h4 = HazardFactory(
            village=world.village_b, sector=world.sector_a, level="major", status=Status.CLOSED,
            found_on=dt.date(2023, 6, 1), confirmed_at=at(2023, 6, 1, 12), verified_at=closed, closed_at=closed,
            completed_on=dt.date(2025, 4, 10), deadline=dt.date(2025, 4, 30), is_imported=True,
        )  # fmt: skip
        HazardEvent.objects.create(hazard_id=h4.pk, action="imported", to_status=Status.CLOSED)
    assert DeadlineExtension.objects.get().decision == "approved"
    return {"h1": h1, "h2": h2, "h3": h3, "h4": h4}


def test_it_snapshots_a_past_month_as_it_stood_then_not_as_it_is_now(world, history):
    with travel(2025, 6, 10, 9):
        result = snapshot_month(world.township, MARCH)
    assert result.created
    assert values(row(world.township, MARCH), *ALL) == {
        "found": 3, "found_major": 2, "found_in_month": 2,  # H1, H2, H4 (H3 was found in April)
        "rectified": 0, "closed": 0, "closed_on_time": 0, "closed_in_month": 0,  # H1 and H4 were closed later
        "open": 3, "open_major": 2,
        "overdue": 1, "overdue_major": 1,  # H1: its deadline then was 20 March (extended only in April)
        "stock_open_major": 1,  # H4, found in 2023
        "listed": 1, "listed_county_plus": 1,  # H1, delisted only in May
    }  # fmt: skip
    # Today every one of them is closed or open otherwise: the stored month does not follow.
    assert Hazard.objects.get(pk=history["h1"].pk).status == Status.CLOSED


def test_it_breaks_the_month_down_by_village_sector_and_level(world, history):
    with travel(2025, 6, 10, 9):
        snapshot_month(world.township, MARCH)
    town = world.township
    village_a = row(town, MARCH, "village", str(world.village_a.pk))
    village_b = row(town, MARCH, "village", str(world.village_b.pk))
    assert village_a.label == "刘圩村"
    assert values(village_a, "found", "open", "open_major", "overdue", "stock_open_major", "listed") == {
        "found": 1, "open": 1, "open_major": 1, "overdue": 1, "stock_open_major": 0, "listed": 1,
    }  # fmt: skip
    assert values(village_b, "found", "open", "open_major", "overdue", "stock_open_major", "listed") == {
        "found": 2, "open": 2, "open_major": 1, "overdue": 0, "stock_open_major": 1, "listed": 0,
    }  # fmt: skip
    sector_a = row(town, MARCH, "sector", str(world.sector_a.pk))
    sector_b = row(town, MARCH, "sector", str(world.sector_b.pk))
    assert (sector_a.found, sector_a.open_major, sector_b.found, sector_b.open_major) == (2, 2, 1, 0)
    assert (row(town, MARCH, "level", "major").found, row(town, MARCH, "level", "general").found) == (2, 1)
    assert not MonthlySnapshot.objects.filter(township=world.other_township).exists()


def test_it_counts_what_happened_in_the_following_month(world, history):
    with travel(2025, 6, 10, 9):
        snapshot_month(world.township, APRIL)
    assert values(row(world.township, APRIL), *ALL) == {
        "found": 4, "found_major": 2, "found_in_month": 1,  # H3
        "rectified": 1, "closed": 1, "closed_on_time": 1, "closed_in_month": 1,  # H4, closed 10 April
        "open": 3, "open_major": 1,  # H1, H2, H3
        "overdue": 0, "overdue_major": 0,  # H1's deadline was 31 May by then
        "stock_open_major": 0,
        "listed": 1, "listed_county_plus": 1,
    }  # fmt: skip
    assert row(world.township, APRIL).rectification_rate == Decimal("25.0")
    assert row(world.township, APRIL).on_time_rate == Decimal("100.0")


def test_it_agrees_with_the_live_figures_when_nothing_changed_since(world, history):
    """Taken right after the month, a snapshot says what dashboard.stats says about the same hazards."""
    with travel(2025, 6, 1, 0, 30):
        snapshot_month(world.township, dt.date(2025, 5, 1))
        live = figures(Hazard.objects.filter(township=world.township), today=dt.date(2025, 5, 31))[0]
    stored = row(world.township, dt.date(2025, 5, 1))
    names = ("found", "found_major", "rectified", "closed", "open", "open_major", "overdue", "overdue_major",
             "stock_open_major")  # fmt: skip
    assert values(stored, *names) == {name: live[name] for name in names}
    assert (stored.listed, live["listed"]) == (0, 0)  # H1 was delisted on 20 May


def test_it_stores_a_month_once_and_never_recomputes_it(world, history):
    with travel(2025, 6, 10, 9):
        snapshot_month(world.township, MARCH)
        before = values(row(world.township, MARCH), *ALL)
        count = MonthlySnapshot.objects.count()
        HazardFactory(village=world.village_a, sector=world.sector_a, found_on=dt.date(2025, 3, 30), level="major")
        again = snapshot_month(world.township, MARCH)
    assert not again.created and again.rows == count
    assert MonthlySnapshot.objects.count() == count
    assert values(row(world.township, MARCH), *ALL) == before
    # A fresh computation would now differ: what is stored is what was taken.
    recomputed = {(s.dimension, s.key): s for s in compute_month(world.township, MARCH)}
    assert recomputed[("total", "")].found == before["found"] + 1


def test_it_refuses_to_change_or_delete_a_snapshot(world, history):
    with travel(2025, 6, 10, 9):
        snapshot_month(world.township, MARCH)
    snapshot = row(world.township, MARCH)
    snapshot.found = 99
    with pytest.raises(SnapshotImmutableError):
        snapshot.save()
    with pytest.raises(SnapshotImmutableError):
        snapshot.delete()
    with pytest.raises(SnapshotImmutableError):
        MonthlySnapshot.objects.filter(month=MARCH).update(found=0)
    with pytest.raises(SnapshotImmutableError):
        MonthlySnapshot.objects.filter(month=MARCH).delete()
    assert row(world.township, MARCH).found == 3


def test_it_keeps_the_admin_read_only(world, client_for):
    from django.contrib import admin

    model_admin = MonthlySnapshotAdmin(MonthlySnapshot, admin.site)
    request = client_for(world.admin).get("/").wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_it_refuses_a_month_that_has_not_ended(world):
    with travel(2025, 3, 31, 23, 59), pytest.raises(SnapshotError):
        snapshot_month(world.township, MARCH)
    with travel(2025, 4, 1, 0, 0, 1):
        assert snapshot_month(world.township, MARCH).created


def test_it_stores_an_empty_month_with_zeros(world):
    with travel(2025, 4, 1, 1):
        snapshot_month(world.township, MARCH)
    total = row(world.township, MARCH)
    assert (total.found, total.open, total.label) == (0, 0, "刘圩镇")
    assert row(world.township, MARCH, "village", str(world.village_b.pk)).found == 0
    assert total.rectification_rate is None


def test_it_puts_the_month_end_at_midnight_in_shanghai(world):
    """A hazard reported at 23:30 on 31 March (Shanghai) is in March, although it is still March 31 15:30 UTC."""
    with travel(2025, 3, 31, 23, 30):
        hazard = HazardFactory(village=world.village_a, sector=world.sector_a, found_on=dt.date(2025, 3, 31))
        HazardEvent.objects.create(hazard_id=hazard.pk, action="reported", to_status="reported")
    with travel(2025, 4, 1, 0, 10):
        services.hazard_dismiss(hazard_id=hazard.pk, actor=world.office, note="不是隐患")
    with travel(2025, 4, 2, 9):
        snapshot_month(world.township, MARCH)
    assert (row(world.township, MARCH).found, row(world.township, MARCH).open) == (1, 1)


# -- the schedule, the task and the command ----------------------------------------------------------------------


def test_it_has_a_beat_schedule_for_the_first_of_each_month(db):
    task = PeriodicTask.objects.get(task="dashboard.tasks.snapshot_last_month")
    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year) == ("30", "0", "1", "*")
    assert str(crontab.timezone) == "Asia/Shanghai"


def test_it_snapshots_the_month_just_ended_for_every_township(world, history):
    with travel(2025, 5, 1, 0, 30):
        assert snapshots.month_just_ended() == APRIL
        written = tasks.snapshot_last_month.delay().get()
        assert tasks.snapshot_last_month() == 0  # again: nothing new
    assert written == MonthlySnapshot.objects.count() > 0
    assert set(MonthlySnapshot.objects.values_list("township", "month").distinct()) == {
        (world.township.pk, APRIL),
        (world.other_township.pk, APRIL),
    }
    assert row(world.township, APRIL).found == 4


def test_it_backfills_past_months_and_leaves_stored_ones_alone(world, history):
    out = StringIO()
    with travel(2025, 6, 10, 9):
        snapshot_month(world.township, APRIL)
        call_command(
            "backfill_snapshots", "--from", "2025-02", "--to", "2025-05", "--township", "341324106", stdout=out
        )
    text = out.getvalue()
    assert "2025-02 刘圩镇: stored" in text and "2025-04 刘圩镇: already stored" in text
    months = set(MonthlySnapshot.objects.filter(dimension="total").values_list("month", flat=True))
    assert months == {dt.date(2025, 2, 1), MARCH, APRIL, dt.date(2025, 5, 1)}
    assert row(world.township, MARCH).overdue_major == 1
    assert row(world.township, dt.date(2025, 5, 1)).closed_in_month == 1  # H1


def test_it_backfills_from_the_earliest_hazard_by_default(world, history):
    with travel(2025, 6, 10, 9):
        call_command("backfill_snapshots", stdout=StringIO())
    months = MonthlySnapshot.objects.filter(township=world.township, dimension="total").order_by("month")
    assert (months.first().month, months.last().month, months.count()) == (dt.date(2023, 6, 1), dt.date(2025, 5, 1), 24)
    # H4 was found in June 2023 and entered in June 2025: in the backfilled past it is registered and open.
    assert values(row(world.township, dt.date(2024, 12, 1)), "found", "open_major", "stock_open_major") == {
        "found": 1, "open_major": 1, "stock_open_major": 1,
    }  # fmt: skip


def test_it_refuses_to_backfill_a_month_not_yet_ended(world):
    with travel(2025, 6, 10, 9), pytest.raises(CommandError):
        call_command("backfill_snapshots", "--from", "2025-05", "--to", "2025-06", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("backfill_snapshots", "--from", "2025/05", stdout=StringIO())


# -- the trend page ----------------------------------------------------------------------------------------------


@pytest.fixture
def stored(world, history):
    with travel(2025, 6, 10, 9):
        call_command("backfill_snapshots", "--from", "2025-03", "--to", "2025-05", stdout=StringIO())


def test_it_shows_the_township_trend_as_recorded_at_month_end(world, client_for, stored):
    response = client_for(world.leader).get(reverse("dashboard:trend"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="trend-note"' in html
    assert [s.month for s in response.context["totals"]] == [MARCH, APRIL, dt.date(2025, 5, 1)]
    assert [s.overdue_major for s in response.context["totals"]] == [1, 0, 0]
    pivot = client_for(world.office).get(reverse("dashboard:trend"), {"by": "sector", "figure": "open_major"})
    lines = {line["label"]: line["cells"] for line in pivot.context["pivot"]}
    assert lines[world.sector_a.name] == [2, 1, 0]


def test_it_shows_a_village_officer_only_its_villages(world, client_for, stored):
    response = client_for(world.village_a_officer).get(reverse("dashboard:trend"), {"by": "sector"})
    assert response.status_code == 200
    assert response.context["totals"] == []
    assert response.context["by"] == "village"
    assert [line["label"] for line in response.context["pivot"]] == ["刘圩村"]


def test_it_hides_the_trend_from_enterprise_contacts(world, client_for, stored):
    assert client_for(world.ent_a).get(reverse("dashboard:trend")).status_code == 404


def test_it_says_when_no_month_is_recorded_yet(world, client_for):
    response = client_for(world.office).get(reverse("dashboard:trend"))
    assert 'data-testid="trend-empty"' in response.content.decode()
