"""The monthly report by sector and the statistics tables by village and sector: figures on a small fixed data set
written out by hand, on screen and as the county's Excel sheet; scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from dashboard.monthly_documents import decoded_values
from hazards.models import Listing
from inspections.models import Inspection
from tests.conftest import World
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIVE = {"measures": "整改", "responsible_person": "王五", "funds": Decimal("10000"), "contingency_plan": "预案"}
MAY = {"month": "2025-05"}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2025, 6, 10, 10, tzinfo=SH), tick=False):
        yield


def hazard(world: World, village: str, sector: str, found: tuple[int, int, int], **fields):
    place = {"village": getattr(world, f"village_{village}"), "sector": getattr(world, f"sector_{sector}")}
    return HazardFactory(**place, found_on=dt.date(*found), **fields)


def listing(world: World, hazard, level: str, delisted: dt.date | None = None) -> Listing:
    return Listing.objects.create(
        hazard=hazard, level=level, document_number="泗安办〔2025〕1号", supervising_leader="李四",
        listed_on=dt.date(2025, 5, 20), required_by=dt.date(2025, 7, 1), listed_by=world.office, delisted_on=delisted,
    )  # fmt: skip


def inspection(world: World, done: tuple[int, int, int], status: str = "submitted", **fields) -> Inspection:
    values = {"township": world.township, "kind": "special", "channel": "department", "status": status,
              "done_on": dt.date(*done), "created_by": world.office, **fields}  # fmt: skip
    return Inspection.objects.create(**values)


@pytest.fixture
def data(world):
    """May 2025. Sector A (建筑施工), all in village A:
    A1 general closed (completed 10 May, deadline 15 May: on time), 1 000 yuan spent;
    A2 general verified, acceptance requested 28 May (deadline 30 May: on time, though not closed), 500 yuan spent;
    A3 general rectifying, deadline 30 June;
    A4 major rectifying with all five in place, deadline 5 June (overdue today, 10 June), listed at county level;
    A5 major closed with all five (completed 25 May, deadline 20 May: late), 20 000 yuan spent; its township-level
       listing was lifted;
    A6 general dismissed.
    Sector B (农业), village B: B1 general reported; B2 major registered (five not in place), listed at township level.
    Outside May: X1 (sector A, 30 April, closed) and X2 (sector B, major, 1 June); a hazard of the other township.
    Inspections in May: enterprise A twice and the market of village A (sector A), enterprise B (its sector B);
    not counted: enterprise B's self-inspection, a planned one, and one on 28 April.
    """
    h = {
        "a1": hazard(world, "a", "a", (2025, 5, 3), status="closed", completed_on=dt.date(2025, 5, 10),
                     deadline=dt.date(2025, 5, 15), funds_spent=Decimal("1000")),
        "a2": hazard(world, "a", "a", (2025, 5, 6), status="verified", deadline=dt.date(2025, 5, 30),
                     completed_on=dt.date(2025, 5, 28), funds_spent=Decimal("500")),
        "a3": hazard(world, "a", "a", (2025, 5, 10), status="rectifying", deadline=dt.date(2025, 6, 30)),
        "a4": hazard(world, "a", "a", (2025, 5, 12), level="major", status="rectifying",
                     deadline=dt.date(2025, 6, 5), **FIVE),
        "a5": hazard(world, "a", "a", (2025, 5, 2), level="major", status="closed", completed_on=dt.date(2025, 5, 25),
                     deadline=dt.date(2025, 5, 20), funds_spent=Decimal("20000"), **FIVE),
        "a6": hazard(world, "a", "a", (2025, 5, 20), status="dismissed"),
        "b1": hazard(world, "b", "b", (2025, 5, 15)),
        "b2": hazard(world, "b", "b", (2025, 5, 25), level="major", status="confirmed"),
        "x1": hazard(world, "a", "a", (2025, 4, 30), status="closed", completed_on=dt.date(2025, 5, 2),
                     deadline=dt.date(2025, 5, 30)),
        "x2": hazard(world, "b", "b", (2025, 6, 1), level="major"),
    }  # fmt: skip
    HazardFactory(village=world.enterprise_other.village, sector=world.enterprise_other.primary_sector,
                  found_on=dt.date(2025, 5, 5))  # fmt: skip
    listing(world, h["a4"], "county")
    listing(world, h["a5"], "township", delisted=dt.date(2025, 5, 28))
    listing(world, h["b2"], "township")
    a, b = world.enterprise_a, world.enterprise_b
    inspection(world, (2025, 5, 8), enterprise=a, village=a.village, sector=world.sector_a)
    inspection(world, (2025, 5, 20), enterprise=a, village=a.village, sector=world.sector_a)
    inspection(world, (2025, 5, 11), kind="grid_patrol", village=world.village_a, place_text="刘圩菜市场",
               sector=world.sector_a)  # fmt: skip
    inspection(world, (2025, 5, 9), enterprise=b, village=b.village)  # no sector: the enterprise's (B)
    inspection(world, (2025, 5, 10), kind="self", channel="self_report", enterprise=b, village=b.village)
    inspection(world, (2025, 5, 12), status="planned", enterprise=b, village=b.village)
    inspection(world, (2025, 4, 28), enterprise=a, village=a.village, sector=world.sector_a)
    return h


def by_label(table) -> dict[str, dict]:
    return {row.label: row.values for row in table.rows}


# -- the monthly report ------------------------------------------------------------------------------------------
# The figures of the form that the old one had too (this month, 本月); the new columns are tested on their own data
# in test_monthly_form.py.

SECTOR_A = {
    "units_inspected": 2,  # enterprise A (twice) and the market
    "found_general": 3, "rectified_general": 2, "general_rate": Decimal("66.7"),  # A1, A2 of A1–A3
    "found_major": 2, "rectified_major": 1, "closed_major": 1, "major_rate": Decimal("50.0"),  # A5 of A4, A5
    "in_plan": 1, "five_target": 2, "five_time": 2,  # A4 rectifying; A4 and A5 with all five
    "listed_county": 1, "rectified_county": 0,  # A4 (A5 was listed at township level)
    "funds": Decimal("2.15"),  # 21 500 yuan
}  # fmt: skip
SECTOR_B = {
    "units_inspected": 1,
    "found_general": 1, "rectified_general": 0, "general_rate": Decimal("0.0"),
    "found_major": 1, "rectified_major": 0, "closed_major": 0, "major_rate": Decimal("0.0"),
    "in_plan": 0, "five_target": 0, "five_time": 0, "listed_county": 0, "rectified_county": 0, "funds": Decimal("0"),
}  # fmt: skip
TOTAL = {
    "units_inspected": 3,
    "found_general": 4, "rectified_general": 2, "general_rate": Decimal("50.0"),
    "found_major": 3, "rectified_major": 1, "closed_major": 1, "major_rate": Decimal("33.3"),
    "in_plan": 1, "five_target": 2, "five_time": 2, "listed_county": 1, "rectified_county": 0,
    "funds": Decimal("2.15"),
}  # fmt: skip


def month_values(values: dict, period: str = "month") -> dict:
    """A row's figures of one period (本月 "month" or 累计 "year"), as numbers, keyed without the period."""
    return {key.removeprefix(f"{period}_"): value for key, value in values.items() if key.startswith(f"{period}_")}


def subset(values: dict, expected: dict) -> dict:
    return {key: values[key] for key in expected}


def document_rows(response) -> dict[str, dict]:
    """The monthly report page's rows and total (label → values as numbers)."""
    document = response.context["document"]
    rows = [*document["rows"], document["total"]]
    return {row["label"]: decoded_values(document, row["values"]) for row in rows}


def test_it_computes_the_monthly_report_by_sector(world, client_for, data):
    response = client_for(world.office).get(reverse("dashboard:monthly_report"), MAY)
    assert response.status_code == 200
    rows = document_rows(response)
    assert subset(month_values(rows["建筑施工"]), SECTOR_A) == SECTOR_A
    assert subset(month_values(rows["农业"]), SECTOR_B) == SECTOR_B
    assert subset(month_values(rows["合计"]), TOTAL) == TOTAL
    html = response.content.decode()
    assert "66.7%" in html and "33.3%" in html


def test_it_defaults_to_the_month_just_ended(world, client_for, data):
    response = client_for(world.leader).get(reverse("dashboard:monthly_report"))
    assert response.context["document"]["month"] == "2025-05"
    assert subset(month_values(document_rows(response)["合计"]), TOTAL) == TOTAL


def test_it_shows_zeros_and_no_rate_for_a_sector_without_hazards(world, client_for, data):
    response = client_for(world.office).get(reverse("dashboard:monthly_report"), {"month": "2025-03"})
    rows = document_rows(response)
    assert rows["建筑施工"]["month_found_general"] == 0 and rows["建筑施工"]["month_general_rate"] is None
    assert "—" in response.content.decode()


def test_it_exports_the_monthly_report_in_the_county_format(world, client_for, data):
    response = client_for(world.office).get(reverse("dashboard:monthly_report_excel"), MAY)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    assert ws["A1"].value == "刘圩镇安全生产事故隐患排查治理情况月报表（2025年5月）"
    assert ws["A2"].value.startswith("填报单位：刘圩镇应急办    填报人：office")
    assert "填报人：office" in ws["A2"].value and "审核人：" in ws["A2"].value
    assert "填报日期：2025年6月10日" in ws["A2"].value
    headers = [c.value for c in ws[3]]
    assert headers[:8] == [
        "序号", "行业领域", "本月检查单位数（家）", "累计检查单位数（家）", "本月一般隐患发现数（项）",
        "累计一般隐患发现数（项）", "本月一般隐患已整改（项）", "累计一般隐患已整改（项）",
    ]  # fmt: skip
    column = {header: index for index, header in enumerate(headers)}
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["建筑施工"][column["本月一般隐患整改率（%）"]] == 66.7
    assert rows["建筑施工"][column["累计一般隐患整改率（%）"]] == 75  # + X1 (30 April, closed)
    assert rows["合计"][column["本月重大隐患整改率（%）"]] == 33.3
    assert rows["合计"][column["本月整改投入资金（万元）"]] == 2.15
    last = ws.max_row - 1  # the definitions follow the 合计 row
    assert ws.cell(last, 2).value == "合计"
    assert ws.cell(last, column["本月整改投入资金（万元）"] + 1).number_format == "0.00"
    assert ws.cell(last, column["本月一般隐患整改率（%）"] + 1).number_format == "0.0"
    note = str(ws.cell(ws.max_row, 1).value)
    assert note.startswith("注：本月：本月发现的隐患；累计：当年1月1日至本月末发现的隐患")
    assert "整改率＝已整改（已验收或已销号）÷发现隐患" in note


def test_it_counts_only_a_village_officers_villages(world, client_for, data):
    response = client_for(world.village_a_officer).get(reverse("dashboard:monthly_report"), MAY)
    assert response.status_code == 200
    rows = document_rows(response)
    assert subset(month_values(rows["建筑施工"]), SECTOR_A) == SECTOR_A
    assert rows["农业"]["month_found_general"] == 0 and rows["农业"]["month_units_inspected"] == 0
    assert rows["合计"]["month_found_major"] == 2


def test_it_shows_a_lead_unit_its_sectors(world, client_for, data):
    response = client_for(world.dept_b).get(reverse("dashboard:monthly_report"), MAY)
    rows = document_rows(response)
    assert list(rows) == ["农业", "合计"]
    assert rows["农业"]["month_found_major"] == 1


def test_it_hides_the_reports_from_enterprise_contacts(world, client_for, data):
    client = client_for(world.ent_a)
    for name in ("monthly_report", "monthly_report_excel", "statistics", "statistics_excel"):
        assert client.get(reverse(f"dashboard:{name}")).status_code == 404


def test_it_rejects_a_malformed_month_without_failing(world, client_for, data):
    response = client_for(world.office).get(reverse("dashboard:monthly_report"), {"month": "2025-13"})
    assert response.status_code == 200 and response.context["document"] is None


# -- the statistics tables ---------------------------------------------------------------------------------------

MAY_RANGE = {"start": "2025-05-01", "end": "2025-05-31"}


def test_it_tabulates_a_date_range_by_village(world, client_for, data):
    response = client_for(world.office).get(reverse("dashboard:statistics"), {**MAY_RANGE, "by": "village"})
    table = response.context["table"]
    rows = by_label(table)
    assert rows["刘圩村"] == {
        "found": 5, "found_major": 2, "rectified": 3, "rectification_rate": Decimal("60.0"),  # A1, A2, A5 of A1–A5
        # 按期整改率 of the rectified: A1 and A2 (verified, not closed) completed by their deadline, A5 late
        "closed": 2, "rectified_on_time": 2, "on_time_rate": Decimal("66.7"),
        "open": 2, "open_major": 1, "overdue": 1, "overdue_major": 1,  # A3, A4; A4's deadline 5 June has passed
        "stock_open_major": 0, "listed": 1, "listed_county_plus": 1, "funds_spent": Decimal("21500"),
    }  # fmt: skip
    assert rows["新集村"] == {
        "found": 2, "found_major": 1, "rectified": 0, "rectification_rate": Decimal("0.0"),
        "closed": 0, "rectified_on_time": 0, "on_time_rate": None,
        "open": 2, "open_major": 1, "overdue": 0, "overdue_major": 0,  # B2 has no deadline yet
        "stock_open_major": 0, "listed": 1, "listed_county_plus": 0, "funds_spent": Decimal("0"),
    }  # fmt: skip
    total = table.total.values
    assert (total["found"], total["rectified"], total["rectification_rate"], total["on_time_rate"]) == (
        7, 3, Decimal("42.9"), Decimal("66.7"),
    )  # fmt: skip


def test_it_tabulates_a_date_range_by_sector(world, client_for, data):
    params = {"start": "2025-04-01", "end": "2025-06-30", "by": "sector"}
    table = client_for(world.leader).get(reverse("dashboard:statistics"), params).context["table"]
    rows = by_label(table)
    assert (rows["建筑施工"]["found"], rows["建筑施工"]["rectified"], rows["建筑施工"]["closed"]) == (6, 4, 3)  # + X1
    assert rows["建筑施工"]["rectification_rate"] == Decimal("66.7")
    assert (rows["农业"]["found"], rows["农业"]["found_major"], rows["农业"]["open"]) == (3, 2, 3)  # + X2
    assert table.total.values["found"] == 9


def test_it_exports_the_statistics_table(world, client_for, data):
    params = {**MAY_RANGE, "by": "village"}
    response = client_for(world.office).get(reverse("dashboard:statistics_excel"), params)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    assert ws["A1"].value == "刘圩镇事故隐患排查治理统计表（按村，2025年5月1日—2025年5月31日）"
    assert "填报人：office" in ws["A2"].value
    headers = [c.value for c in ws[3]]
    assert headers[:6] == ["序号", "村（社区）", "发现隐患（项）", "其中重大隐患（项）", "已整改（项）", "整改率（%）"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert headers[7:9] == ["按期整改（项）", "按期整改率（%）"]
    assert rows["刘圩村"][2:] == (5, 2, 3, 60, 2, 2, 66.7, 2, 1, 1, 1, 0, 1, 1, 21500)
    assert rows["新集村"][2:] == (2, 1, 0, 0, 0, 0, "—", 2, 1, 0, 0, 0, 1, 0, 0)
    assert rows["合计"][2:5] == (7, 3, 3)
    note = str(ws.cell(ws.max_row, 1).value)
    assert note.startswith("注：整改率＝") and "按期整改率＝在最后批准的整改期限（含延期）内完成整改" in note
    assert "不以销号日期计" in note
    by_sector = client_for(world.office).get(reverse("dashboard:statistics_excel"), {**MAY_RANGE, "by": "sector"})
    ws = load_workbook(BytesIO(by_sector.content)).worksheets[0]
    assert ws["B3"].value == "行业领域"
    assert {r[1] for r in ws.iter_rows(min_row=4, values_only=True) if r[1]} == {"建筑施工", "农业", "合计"}


def test_it_scopes_the_statistics_to_a_village_officer(world, client_for, data):
    params = {**MAY_RANGE, "by": "village"}
    table = client_for(world.village_b_officer).get(reverse("dashboard:statistics"), params).context["table"]
    assert list(by_label(table)) == ["新集村"]
    assert table.total.values["found"] == 2


def test_it_refuses_a_range_that_ends_before_it_starts(world, client_for, data):
    params = {"start": "2025-05-31", "end": "2025-05-01", "by": "village"}
    response = client_for(world.office).get(reverse("dashboard:statistics"), params)
    assert response.status_code == 200 and response.context["table"] is None
    assert response.context["form"].non_field_errors()
