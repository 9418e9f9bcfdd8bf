"""The monthly report as the county's statistics expect it (issue 13): every column of this month (本月) and cumulative
(累计) on a small fixed data set written out by hand — the five 落实 apart, listings by level with their rectified,
funds in 万元 — and the month-end snapshots' new columns from December 2026."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from dashboard.models import FILED_FORM_FIGURES, FILED_FORM_FROM, MonthlySnapshot
from dashboard.monthly import MONTHLY_COLUMNS, figure_columns
from dashboard.snapshots import snapshot_month
from hazards.models import Hazard, HazardEvent, Listing
from inspections.models import Inspection
from tests.conftest import World
from tests.dashboard.test_reports import document_rows
from tests.factories import HazardFactory
from tests.readiness.backdate import long_existing  # noqa: F401  (应报: villages existed all 2026)

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOV = {"month": "2026-11"}


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(at(2026, 12, 10, 10), tick=False):
        yield


def listing(world: World, hazard: Hazard, level: str, delisted: dt.date | None = None) -> Listing:
    return Listing.objects.create(
        hazard=hazard, level=level, document_number="宿安办〔2026〕3号", supervising_leader="李四",
        listed_on=dt.date(2026, 11, 20), required_by=dt.date(2027, 1, 31), listed_by=world.office, delisted_on=delisted,
    )  # fmt: skip


@pytest.fixture
def hazards(world: World) -> dict[str, Hazard]:
    """November 2026, sector A (village A):
    M1 major rectifying: measures, responsible person, funds and deadline recorded, no contingency plan; listed at
       province level; 5 000 yuan spent;
    M2 major closed: only deadline and contingency plan; listed at city level, delisted 28 November; 12 345.67 yuan;
    G2 general closed, 0.33 yuan; M4 major dismissed with all five (counted nowhere).
    Sector B (village B): G1 general reported (November); M3 major verified, found 10 March 2026 with all five, listed
    at county level, 100 000 yuan — in the cumulative figures only.
    Not in 2026: a major hazard of 20 December 2025 with all five.
    Inspections: enterprise A on 8 November (sector A), enterprise B on 1 June (sector B)."""
    a = {"village": world.village_a, "sector": world.sector_a}
    b = {"village": world.village_b, "sector": world.sector_b}
    five = {"measures": "封闭整改", "responsible_person": "王五", "funds": Decimal("10000"),
            "deadline": dt.date(2026, 12, 31), "contingency_plan": "预案"}  # fmt: skip
    h = {
        "m1": HazardFactory(**a, found_on=dt.date(2026, 11, 3), level="major", status="rectifying",
                            confirmed_at=at(2026, 11, 3, 10), funds_spent=Decimal("5000"),
                            **{**five, "contingency_plan": ""}),
        "m2": HazardFactory(**a, found_on=dt.date(2026, 11, 5), level="major", status="closed",
                            deadline=dt.date(2026, 11, 20), contingency_plan="预案", completed_on=dt.date(2026, 11, 18),
                            confirmed_at=at(2026, 11, 5, 10), verified_at=at(2026, 11, 25, 10),
                            closed_at=at(2026, 11, 27, 10), funds_spent=Decimal("12345.67")),
        "g2": HazardFactory(**a, found_on=dt.date(2026, 11, 12), status="closed", funds_spent=Decimal("0.33"),
                            confirmed_at=at(2026, 11, 12, 10), verified_at=at(2026, 11, 14, 10),
                            closed_at=at(2026, 11, 15, 10)),
        "m4": HazardFactory(**a, found_on=dt.date(2026, 11, 15), level="major", status="dismissed", **five),
        "g1": HazardFactory(**b, found_on=dt.date(2026, 11, 10)),
        "m3": HazardFactory(**b, found_on=dt.date(2026, 3, 10), level="major", status="verified",
                            confirmed_at=at(2026, 3, 10, 10), verified_at=at(2026, 6, 1, 10),
                            funds_spent=Decimal("100000"), **five),
        "old": HazardFactory(**a, found_on=dt.date(2025, 12, 20), level="major", status="rectifying", **five),
    }  # fmt: skip
    # Dismissed on the day it was reported: the event tells the month-end snapshot so.
    with time_machine.travel(at(2026, 11, 15, 12), tick=False):
        HazardEvent.objects.create(hazard_id=h["m4"].pk, action="dismiss", to_status="dismissed")
    listing(world, h["m1"], "province")
    listing(world, h["m2"], "city", delisted=dt.date(2026, 11, 28))
    listing(world, h["m3"], "county")
    for enterprise, day, sector in (
        (world.enterprise_a, dt.date(2026, 11, 8), world.sector_a),
        (world.enterprise_b, dt.date(2026, 6, 1), world.sector_b),
    ):
        Inspection.objects.create(
            township=world.township, kind="special", channel="department", status="submitted", done_on=day,
            created_by=world.office, enterprise=enterprise, village=enterprise.village, sector=sector,
        )  # fmt: skip
    return h


def figures(*values: Any) -> dict[str, Any]:
    """The form's figures in the order of its columns (dashboard.monthly.FIGURES)."""
    keys = [
        "units_inspected", "found_general", "rectified_general", "general_rate", "found_major", "rectified_major",
        "closed_major", "major_rate", "in_plan", "five_target", "five_funds", "five_staff", "five_time",
        "five_safety", "listed_province", "rectified_province", "listed_city", "rectified_city", "listed_county",
        "rectified_county", "funds", "should_report", "did_report",
    ]  # fmt: skip
    assert len(values) == len(keys)
    return dict(zip(keys, values, strict=True))


D = Decimal
# fmt: off
SECTOR_A_MONTH = figures(1, 1, 1, D("100.0"), 2, 1, 1, D("50.0"), 1, 1, 1, 1, 2, 1, 1, 0, 1, 1, 0, 0, D("1.73"),
                         None, None)
SECTOR_A_YEAR = SECTOR_A_MONTH  # nothing else of sector A found in 2026 (the 2025 hazard is not)
SECTOR_B_MONTH = figures(0, 1, 0, D("0.0"), 0, 0, 0, None, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, D("0.00"),
                         None, None)
SECTOR_B_YEAR = figures(1, 1, 0, D("0.0"), 1, 1, 0, D("100.0"), 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, D("10.00"),
                        None, None)
TOTAL_MONTH = figures(1, 2, 1, D("50.0"), 2, 1, 1, D("50.0"), 1, 1, 1, 1, 2, 1, 1, 0, 1, 1, 0, 0, D("1.73"), 3, 0)
TOTAL_YEAR = figures(2, 2, 1, D("50.0"), 3, 2, 1, D("66.7"), 1, 2, 2, 2, 3, 2, 1, 0, 1, 1, 1, 1, D("11.73"), 33, 0)
# fmt: on


def split(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    month = {k.removeprefix("month_"): v for k, v in values.items() if k.startswith("month_")}
    year = {k.removeprefix("year_"): v for k, v in values.items() if k.startswith("year_")}
    return month, year


def test_it_fills_every_column_of_this_month_and_the_year_so_far(world, client_for, hazards):
    rows = document_rows(client_for(world.office).get(reverse("dashboard:monthly_report"), NOV))
    assert split(rows["建筑施工"]) == (SECTOR_A_MONTH, SECTOR_A_YEAR)
    assert split(rows["农业"]) == (SECTOR_B_MONTH, SECTOR_B_YEAR)
    assert split(rows["合计"]) == (TOTAL_MONTH, TOTAL_YEAR)


def test_it_recomputes_the_totals_rates_from_the_summed_counts(world, client_for, hazards):
    """累计 重大隐患整改率: (1 + 1) ÷ (2 + 1) = 66.7 %, not the average of the sectors' 50 % and 100 %."""
    rows = document_rows(client_for(world.office).get(reverse("dashboard:monthly_report"), NOV))
    assert (rows["建筑施工"]["year_major_rate"], rows["农业"]["year_major_rate"]) == (D("50.0"), D("100.0"))
    assert rows["合计"]["year_major_rate"] == D("66.7")


def test_it_shows_the_columns_side_by_side_with_their_definitions(world, client_for, hazards):
    response = client_for(world.office).get(reverse("dashboard:monthly_report"), NOV)
    columns = figure_columns()
    assert [c["period"] for c in columns[:4]] == ["本月", "累计", "本月", "累计"]
    assert [c["header"] for c in columns if c["group"].startswith("落实")][::2] == [
        "本月落实目标任务的重大隐患（项）", "本月落实经费物资的重大隐患（项）", "本月落实机构人员的重大隐患（项）",
        "本月落实时间要求的重大隐患（项）", "本月落实安全措施应急预案的重大隐患（项）",
    ]  # fmt: skip
    assert [column.key for column in MONTHLY_COLUMNS] == [c["key"] for c in columns]
    html = response.content.decode()
    for name in ("cumulative", "rectification_rate", "five", "listings"):
        assert f'data-testid="definition-{name}"' in html
    assert html.count('<th scope="col">本月</th>') == len(columns) // 2


# -- the month-end snapshots -------------------------------------------------------------------------------------


def test_it_ships_the_snapshots_new_columns_in_december_2026():
    assert dt.date(2026, 12, 1) == FILED_FORM_FROM


def test_it_leaves_the_new_snapshot_columns_empty_before_december_2026(world, hazards):
    snapshot_month(world.township, dt.date(2026, 11, 1))
    november = MonthlySnapshot.objects.filter(month=dt.date(2026, 11, 1))
    assert november.exists()
    for name in (*FILED_FORM_FIGURES, "funds_spent"):
        assert not november.filter(**{f"{name}__isnull": False}).exists(), name
    total = november.get(dimension="total")
    assert total.in_old_form and total.found == 6  # the figures of the old form are there


def test_it_fills_the_new_snapshot_columns_from_december_2026(world, hazards):
    snapshot_month(world.township, dt.date(2026, 12, 1), now=at(2027, 1, 1, 0, 30))
    december = MonthlySnapshot.objects.filter(month=dt.date(2026, 12, 1))
    total = december.get(dimension="total")
    # Everything found to the month's end, as it stood: M1, M2, M3 and the 2025 hazard are major and not dismissed.
    assert {name: getattr(total, name) for name in FILED_FORM_FIGURES} == {
        "five_target": 3, "five_funds": 3, "five_staff": 3, "five_time": 4, "five_safety": 3,
        "listed_province": 1, "rectified_province": 0,  # M1, rectifying
        "listed_city": 1, "rectified_city": 1,  # M2, closed (and delisted)
        "listed_county": 1, "rectified_county": 1,  # M3, verified
    }  # fmt: skip
    assert total.funds_spent == D("117346.00") and not total.in_old_form
    sector_b = december.get(dimension="sector", key=str(world.sector_b.pk))
    assert (sector_b.five_safety, sector_b.listed_county, sector_b.funds_spent) == (1, 1, D("100000.00"))
    # Every row of the month carries the new columns, zeros included.
    village_rows = december.filter(dimension="village")
    assert not village_rows.filter(five_target__isnull=True).exists()


def test_it_labels_the_months_stored_in_the_old_form_on_the_trend_page(world, client_for, hazards):
    snapshot_month(world.township, dt.date(2026, 11, 1), now=at(2027, 1, 1, 0, 30))
    snapshot_month(world.township, dt.date(2026, 12, 1), now=at(2027, 1, 1, 0, 30))
    params = {"year": "2026", "by": "sector", "figure": "five_time"}
    response = client_for(world.office).get(reverse("dashboard:trend"), params)
    lines = {line["label"]: line["cells"] for line in response.context["pivot"]}
    assert lines["建筑施工"] == [None, 3]  # November: old form; December: M1, M2 and the 2025 hazard
    html = response.content.decode()
    assert 'data-testid="trend-pivot-old-form"' in html and "—" in html
