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

from dashboard.monthly import MONTHLY_COLUMNS
from tests.dashboard.test_reports import (  # noqa: F401
    FIVE,
    MAY,
    TOTAL,
    XLSX,
    data,
    document_rows,
    inspection,
    listing,
    month_values,
    subset,
    today,
)
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
    "in_plan": 1, "five_target": 1, "five_time": 2, "listed_county": 1, "rectified_county": 0,
    "funds": Decimal("0.03"),  # 300 yuan
}  # fmt: skip
COUNTY_TOTAL = {
    "units_inspected": 4,
    "found_general": 6, "rectified_general": 3, "general_rate": Decimal("50.0"),
    # Not the average of 33.3 % and 50 %: (1 + 1) ÷ (3 + 2)
    "found_major": 5, "rectified_major": 2, "closed_major": 1, "major_rate": Decimal("40.0"),
    "in_plan": 2, "five_target": 3, "five_time": 4, "listed_county": 2, "rectified_county": 0,
    "funds": Decimal("2.18"),
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


def rows_of(response) -> dict[str, dict]:
    """The county report's rows and total, 本月, for the keys the expectations name."""
    return {label: subset(month_values(values), TOTAL) for label, values in document_rows(response).items()}


def test_it_consolidates_the_townships_reports_one_row_each(client, world, neighbour):
    response = county_report(client, world.county)
    assert response.context["document"]["title"] == "泗县安全生产事故隐患排查治理情况月报表（2025年5月）"
    assert rows_of(response) == {"刘圩镇": TOTAL, "邻镇": NEIGHBOUR, "合计": COUNTY_TOTAL}


def test_it_equals_the_sum_of_the_townships_own_reports(client, world, neighbour):
    """Each township's row is the total row of the report its own office gets; the county total is their sum."""
    rows = document_rows(county_report(client, world.county))
    own = {}
    for office, township in ((world.office, world.township), (world.other_office, world.other_township)):
        client.force_login(office)
        own[township.name] = document_rows(client.get(reverse("dashboard:monthly_report"), MAY))["合计"]
    keys = [c.key for c in MONTHLY_COLUMNS]
    assert {name: subset(rows[name], keys) for name in own} == own
    counts = [key for key in keys if not key.endswith("rate")]
    assert subset(rows["合计"], counts) == {k: sum(values[k] for values in own.values()) for k in counts}


def test_it_links_each_township_to_its_own_report(client, world, neighbour):
    response = county_report(client, world.county)
    lines = {line["label"]: line for line in response.context["lines"]}
    url = lines["邻镇"]["url"]
    assert url == f"{reverse('dashboard:monthly_report')}?month=2025-05&township={world.other_township.pk}"
    assert subset(month_values(document_rows(client.get(url))["合计"]), NEIGHBOUR) == NEIGHBOUR
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
    headers = [c.value for c in ws[3]]
    assert headers[:3] == ["序号", "乡镇", "本月检查单位数（家）"] and headers[-1] == "报送情况"
    column = {header: index for index, header in enumerate(headers)}
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    picked = ("本月检查单位数（家）", "本月一般隐患发现数（项）", "本月重大隐患整改率（%）", "本月整改投入资金（万元）")
    assert [rows["刘圩镇"][column[h]] for h in picked] == [3, 4, 33.3, 2.15]
    assert [rows["邻镇"][column[h]] for h in picked] == [1, 2, 50, 0.03]
    assert [rows["合计"][column[h]] for h in picked] == [4, 6, 40, 2.18]
    assert rows["刘圩镇"][column["报送情况"]] == "未报送"
    assert "整改率＝已整改（已验收或已销号）÷发现隐患" in str(ws.cell(ws.max_row, 1).value)


def test_it_names_a_county_department_as_the_filler(client, world, neighbour):
    client.force_login(world.county_dept)
    ws = load_workbook(BytesIO(client.get(reverse("dashboard:county_monthly_report_excel"), MAY).content)).active
    assert ws is not None
    assert ws["A2"].value.startswith("填报单位：泗县住建局    ")


def test_it_shows_a_county_department_only_its_sectors(client, world, neighbour):
    """县住建局: 建筑施工 in 刘圩镇 (sector A: test_reports' SECTOR_A) and 邻镇's 房屋建筑 (N3)."""
    rows = rows_of(county_report(client, world.county_dept))
    assert (rows["刘圩镇"]["found_general"], rows["刘圩镇"]["found_major"], rows["刘圩镇"]["funds"]) == (
        3, 2, Decimal("2.15"),
    )  # fmt: skip
    assert (rows["邻镇"]["found_general"], rows["邻镇"]["found_major"], rows["邻镇"]["rectified_major"]) == (0, 1, 1)


def test_it_shows_another_county_nothing_of_this_one(client, world, neighbour):
    user = UserFactory(username="other_county")
    AssignmentFactory(user=user, role=Role.COUNTY, township=None, county=CountyFactory(name="灵璧县", code="341323"))
    document = county_report(client, user).context["document"]
    assert document["rows"] == [] and document["total"]["values"]["month_found_general"] == 0
    assert document["title"].startswith("灵璧县")


@pytest.mark.parametrize("month", ["2025-13", "abc", "0000-01", "2025-05-01", "99999-01"])
def test_it_rejects_a_malformed_month_without_failing(client, world, neighbour, month):
    response = county_report(client, world.county, {"month": month})
    assert response.context["document"] is None
    excel = client.get(reverse("dashboard:county_monthly_report_excel"), {"month": month})
    assert excel.status_code == 200 and excel["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("who", ["office", "leader", "dept_a", "village_a_officer", "ent_a", "other_office"])
def test_it_does_not_exist_for_township_users(client, world, who):
    client.force_login(getattr(world, who))
    for name in ("dashboard:county_monthly_report", "dashboard:county_monthly_report_excel"):
        assert client.get(reverse(name), MAY).status_code == 404


def test_it_defaults_to_the_month_just_ended(client, world, neighbour):
    assert county_report(client, world.county, {}).context["document"]["month"] == "2025-05"
