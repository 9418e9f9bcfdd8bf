"""The county's monthly report (issue 12): the townships' monthly reports consolidated, one row per township and the
county total; each row equals the total of the township's own report, the total their sum; the Excel form in the
county's name; a county department's sectors; who may see it.

May 2025: 刘圩镇's data set is that of test_reports.py (its total row TOTAL); 邻镇's is written out below.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dashboard.reports import MONTHLY_COLUMNS
from tests.dashboard.test_reports import FIVE, MAY, TOTAL, XLSX, data, inspection, listing, today  # noqa: F401
from tests.factories import AssignmentFactory, CountyFactory, HazardFactory, UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db

# 邻镇, May 2025: N0 general reported (test_reports' hazard of the other township); N1 general closed on time,
# 300 yuan; N2 major rectifying with all five in place, listed by the county; N3 major verified (房屋建筑);
# N4 general dismissed. Enterprise 邻镇工厂 inspected twice.
NEIGHBOUR = {
    "units_inspected": 1,
    "found_general": 2, "rectified_general": 1, "general_rate": Decimal("50.0"),
    "found_major": 2, "rectified_major": 1, "closed_major": 0, "major_rate": Decimal("50.0"),
    "in_plan": 1, "five_in_place": 1, "listed": 1, "listed_county_plus": 1, "funds_spent": Decimal("300"),
}  # fmt: skip
COUNTY_TOTAL = {
    "units_inspected": 4,
    "found_general": 6, "rectified_general": 3, "general_rate": Decimal("50.0"),
    # Not the average of 33.3 % and 50 %: (1 + 1) ÷ (3 + 2)
    "found_major": 5, "rectified_major": 2, "closed_major": 1, "major_rate": Decimal("40.0"),
    "in_plan": 2, "five_in_place": 3, "listed": 3, "listed_county_plus": 2, "funds_spent": Decimal("21800"),
}  # fmt: skip


@pytest.fixture
def neighbour(world, data):  # noqa: F811 - the fixture of test_reports
    other = world.other_township
    enterprise = world.enterprise_other
    place = {"village": world.other_village, "sector": world.other_sector}
    HazardFactory(**place, found_on=dt.date(2025, 5, 4), status="closed", completed_on=dt.date(2025, 5, 10),
                  deadline=dt.date(2025, 5, 15), funds_spent=Decimal("300"))  # fmt: skip
    n2 = HazardFactory(**place, found_on=dt.date(2025, 5, 8), level="major", status="rectifying",
                       deadline=dt.date(2025, 6, 30), **FIVE)  # fmt: skip
    building = {"village": world.other_village, "sector": world.other_building_sector}
    HazardFactory(**building, found_on=dt.date(2025, 5, 9), level="major", status="verified",
                  deadline=dt.date(2025, 5, 31), completed_on=dt.date(2025, 5, 20))  # fmt: skip
    HazardFactory(**place, found_on=dt.date(2025, 5, 11), status="dismissed")
    listing(world, n2, "county")
    for day in (6, 21):
        inspection(world, (2025, 5, day), township=other, enterprise=enterprise, village=enterprise.village)


def county_report(client, user, params=MAY):
    client.force_login(user)
    response = client.get(reverse("dashboard:county_monthly_report"), params)
    assert response.status_code == 200
    return response


def rows_of(table) -> dict[str, dict]:
    return {row.label: row.values for row in table.rows}


def test_it_consolidates_the_townships_reports_one_row_each(client, world, neighbour):
    table = county_report(client, world.county).context["table"]
    assert table.title == "泗县安全生产事故隐患排查治理情况月报表（2025年5月）"
    assert rows_of(table) == {"刘圩镇": TOTAL, "邻镇": NEIGHBOUR}
    assert table.total.values == COUNTY_TOTAL


def test_it_equals_the_sum_of_the_townships_own_reports(client, world, neighbour):
    """Each township's row is the total row of the report its own office gets; the county total is their sum."""
    table = county_report(client, world.county).context["table"]
    own = {}
    for office, township in ((world.office, world.township), (world.other_office, world.other_township)):
        client.force_login(office)
        own[township.name] = client.get(reverse("dashboard:monthly_report"), MAY).context["table"].total.values
    assert rows_of(table) == own
    counts = [c.key for c in MONTHLY_COLUMNS if not c.key.endswith("rate")]
    assert {k: table.total.values[k] for k in counts} == {k: sum(values[k] for values in own.values()) for k in counts}


def test_it_links_each_township_to_its_own_report(client, world, neighbour):
    response = county_report(client, world.county)
    lines = {line["label"]: line for line in response.context["lines"]}
    url = lines["邻镇"]["url"]
    assert url == f"{reverse('dashboard:monthly_report')}?month=2025-05&township={world.other_township.pk}"
    assert client.get(url).context["table"].total.values == NEIGHBOUR
    assert f'href="{url.replace("&", "&amp;")}"' in response.content.decode()


def test_it_exports_the_county_form_in_the_county_bureaus_name(client, world, neighbour):
    client.force_login(world.county)
    response = client.get(reverse("dashboard:county_monthly_report_excel"), MAY)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "泗县" in response["Content-Disposition"] or "%E6%B3%97%E5%8E%BF" in response["Content-Disposition"]
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    assert ws["A1"].value == "泗县安全生产事故隐患排查治理情况月报表（2025年5月）"
    assert ws["A2"].value.startswith("填报单位：泗县应急管理局    填报人：county    ")
    assert "填报日期：2025年6月10日" in ws["A2"].value
    assert [c.value for c in ws[3]][:3] == ["序号", "乡镇", "检查单位数（家）"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["刘圩镇"][2:] == (3, 4, 2, 50, 3, 1, 1, 33.3, 1, 2, 2, 1, 21500)
    assert rows["邻镇"][2:] == (1, 2, 1, 50, 2, 1, 0, 50, 1, 1, 1, 1, 300)
    assert rows["合计"][2:] == (4, 6, 3, 50, 5, 2, 1, 40, 2, 3, 3, 2, 21800)
    assert ws.cell(ws.max_row, 1).value == "注：整改率＝已整改（已验收或已销号）÷发现隐患。"


def test_it_names_a_county_department_as_the_filler(client, world, neighbour):
    client.force_login(world.county_dept)
    ws = load_workbook(BytesIO(client.get(reverse("dashboard:county_monthly_report_excel"), MAY).content)).active
    assert ws is not None
    assert ws["A2"].value.startswith("填报单位：泗县住建局    ")


def test_it_shows_a_county_department_only_its_sectors(client, world, neighbour):
    """县住建局: 建筑施工 in 刘圩镇 (sector A: test_reports' SECTOR_A) and 邻镇's 房屋建筑 (N3)."""
    rows = rows_of(county_report(client, world.county_dept).context["table"])
    assert (rows["刘圩镇"]["found_general"], rows["刘圩镇"]["found_major"], rows["刘圩镇"]["funds_spent"]) == (
        3, 2, Decimal("21500"),
    )  # fmt: skip
    assert (rows["邻镇"]["found_general"], rows["邻镇"]["found_major"], rows["邻镇"]["rectified_major"]) == (0, 1, 1)


def test_it_shows_another_county_nothing_of_this_one(client, world, neighbour):
    user = UserFactory(username="other_county")
    AssignmentFactory(user=user, role=Role.COUNTY, township=None, county=CountyFactory(name="灵璧县", code="341323"))
    table = county_report(client, user).context["table"]
    assert table.rows == [] and table.total.values["found_general"] == 0
    assert table.title.startswith("灵璧县")


@pytest.mark.parametrize("month", ["2025-13", "abc", "0000-01", "2025-05-01", "99999-01"])
def test_it_rejects_a_malformed_month_without_failing(client, world, neighbour, month):
    response = county_report(client, world.county, {"month": month})
    assert response.context["table"] is None
    excel = client.get(reverse("dashboard:county_monthly_report_excel"), {"month": month})
    assert excel.status_code == 200 and excel["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("who", ["office", "leader", "dept_a", "village_a_officer", "ent_a", "other_office"])
def test_it_does_not_exist_for_township_users(client, world, who):
    client.force_login(getattr(world, who))
    for name in ("dashboard:county_monthly_report", "dashboard:county_monthly_report_excel"):
        assert client.get(reverse(name), MAY).status_code == 404


def test_it_defaults_to_the_month_just_ended(client, world, neighbour):
    assert county_report(client, world.county, {}).context["table"].start == dt.date(2025, 5, 1)
