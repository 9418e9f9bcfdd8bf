"""The accident register: recording and correcting through the services, validation, who sees and writes what,
the list's filters and the Excel export in the county's format."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dashboard.access import accidents_visible_to
from dashboard.accidents import accident_create, accident_update
from dashboard.models import Accident
from tests.conftest import World
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def record(world: World, **fields) -> Accident:
    values = {
        "occurred_on": dt.date(2025, 3, 8),
        "place": "刘圩建筑工地",
        "village": world.village_a,
        "enterprise": world.enterprise_a,
        "kind": "construction",
        "deaths": 1,
        "injuries": 2,
        "direct_loss": Decimal("35"),  # 万元
        "source_document": "泗应急〔2025〕12号",
        "description": "脚手架坍塌",
    }
    values.update(fields)
    return accident_create(actor=world.office, township=world.township, fields=values)


def form_data(world: World, **fields) -> dict[str, str]:
    data = {
        "occurred_on": "2025-03-08",
        "place": "新集村道",
        "village": str(world.village_b.pk),
        "enterprise": "",
        "kind": "road",
        "deaths": "0",
        "injuries": "3",
        "serious_injuries": "1",
        "direct_loss": "1.2005",  # 万元: 12 005 yuan
        "counts_as_work_safety": "on",
        "source_document": "泗交〔2025〕3号",
        "description": "两车相撞",
    }
    data.update(fields)
    return data


def error_fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


# -- services ----------------------------------------------------------------------------------------------------


def test_it_records_an_accident_with_who_recorded_it_and_its_history(world):
    accident = record(world)
    assert (accident.township, accident.created_by, accident.deaths, accident.injuries) == (
        world.township,
        world.office,
        1,
        2,
    )
    assert accident.direct_loss == Decimal("35")
    assert (accident.serious_injuries, accident.counts_as_work_safety, accident.level) == (0, True, "general")
    assert accident.history.get().history_user == world.office


def test_it_takes_the_village_from_the_enterprise_when_only_the_enterprise_is_given(world):
    accident = record(world, village=None, enterprise=world.enterprise_b)
    assert accident.village == world.village_b


def test_it_records_an_accident_without_an_enterprise(world):
    accident = record(world, enterprise=None, village=None, place="县道X201", kind="road")
    assert accident.enterprise is None and accident.village is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"occurred_on": "tomorrow"}, "occurred_on"),
        ({"deaths": -1}, "deaths"),
        ({"injuries": -2}, "injuries"),
        ({"serious_injuries": -1}, "serious_injuries"),
        ({"injuries": 2, "serious_injuries": 3}, "serious_injuries"),  # 重伤 are among the injured
        ({"direct_loss": Decimal("-1")}, "direct_loss"),
        ({"direct_loss": Decimal("1000000.0001")}, "direct_loss"),  # above 100亿元: yuan typed as 万元
        ({"direct_loss": Decimal(10**12)}, "direct_loss"),
        ({"place": "  "}, "place"),
        ({"village": "village_b"}, "enterprise"),  # enterprise A is not in village B
    ],
)
def test_it_refuses_an_implausible_record_and_names_the_field(world, fields, field):
    if fields.get("occurred_on") == "tomorrow":
        fields["occurred_on"] = timezone.localdate() + dt.timedelta(days=1)
    if fields.get("village") == "village_b":
        fields["village"] = world.village_b
    with pytest.raises(ValidationError) as exc:
        record(world, **fields)
    assert field in error_fields(exc)
    assert not Accident.objects.exists()


def test_it_refuses_a_village_or_enterprise_of_another_township(world):
    with pytest.raises(ValidationError) as exc:
        record(world, village=None, enterprise=world.enterprise_other)
    assert "enterprise" in error_fields(exc) or "village" in error_fields(exc)


def test_it_records_todays_accident(world):
    assert record(world, occurred_on=timezone.localdate()).occurred_on == timezone.localdate()


@pytest.mark.parametrize("who", ["leader", "village_a_officer", "dept_a", "ent_a", "other_office"])
def test_it_lets_only_the_townships_office_write(world, who):
    with pytest.raises(PermissionDenied):
        accident_create(
            actor=getattr(world, who),
            township=world.township,
            fields={"occurred_on": dt.date(2025, 1, 2), "place": "x", "kind": "fire"},
        )
    accident = record(world)
    with pytest.raises(PermissionDenied):
        accident_update(accident_id=accident.pk, actor=getattr(world, who), changes={"deaths": 0})


def test_it_corrects_a_record_and_keeps_who_changed_what(world):
    accident = record(world)
    accident_update(accident_id=accident.pk, actor=world.office, changes={"deaths": 2, "injuries": 0})
    accident.refresh_from_db()
    assert (accident.deaths, accident.injuries) == (2, 0)
    assert accident.history.count() == 2
    with pytest.raises(ValidationError):
        accident_update(accident_id=accident.pk, actor=world.office, changes={"village": world.village_b})
    accident.refresh_from_db()
    assert accident.village == world.village_a


# -- pages -------------------------------------------------------------------------------------------------------


def test_it_lets_the_office_record_an_accident_through_the_form(world, client_for):
    client = client_for(world.office)
    assert client.get(reverse("dashboard:accident_create")).status_code == 200
    response = client.post(reverse("dashboard:accident_create"), form_data(world))
    assert response.status_code == 302
    accident = Accident.objects.get()
    assert (accident.place, accident.village, accident.kind, accident.injuries, accident.serious_injuries) == (
        "新集村道",
        world.village_b,
        "road",
        3,
        1,
    )
    assert accident.direct_loss == Decimal("1.2005") and accident.counts_as_work_safety
    assert accident.level == "general"


def test_it_shows_the_services_objection_at_the_field_and_saves_nothing(world, client_for):
    client = client_for(world.office)
    data = form_data(world, enterprise=str(world.enterprise_a.pk))  # enterprise A lies in village A, not B
    response = client.post(reverse("dashboard:accident_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["enterprise"]
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(reverse("dashboard:accident_create"), form_data(world, occurred_on=future))
    assert response.context["form"].errors["occurred_on"]
    response = client.post(reverse("dashboard:accident_create"), form_data(world, deaths="-1"))
    assert response.context["form"].errors["deaths"]
    assert not Accident.objects.exists()


def test_it_lets_the_office_correct_a_record_through_the_form(world, client_for):
    accident = record(world)
    client = client_for(world.office)
    data = form_data(world, village=str(world.village_a.pk), enterprise=str(world.enterprise_a.pk), deaths="2")
    response = client.post(reverse("dashboard:accident_edit", args=[accident.pk]), data)
    assert response.status_code == 302
    accident.refresh_from_db()
    assert accident.deaths == 2
    detail = client.get(reverse("dashboard:accident_detail", args=[accident.pk]))
    assert detail.status_code == 200
    assert detail.context["history"][0].changes


@pytest.mark.parametrize("who", ["leader", "village_a_officer", "dept_a"])
def test_it_shows_no_form_to_readers(world, client_for, who):
    accident = record(world)
    client = client_for(getattr(world, who))
    assert client.get(reverse("dashboard:accident_create")).status_code == 404
    assert client.post(reverse("dashboard:accident_create"), form_data(world)).status_code == 404
    edit = reverse("dashboard:accident_edit", args=[accident.pk])
    assert client.post(edit, form_data(world, deaths="9")).status_code == 404
    accident.refresh_from_db()
    assert accident.deaths == 1


@pytest.fixture
def register(world):
    """Three accidents: enterprise A (village A, sector A) in 2025, a road in village B in 2025, and one in 2024."""
    return {
        "a": record(world, place="刘圩建筑工地"),
        "b": record(world, place="新集村道", village=world.village_b, enterprise=None, kind="road", deaths=0),
        "old": record(world, place="旧仓库", occurred_on=dt.date(2024, 7, 1), kind="fire", deaths=2),
    }


def places(response) -> set[str]:
    return {a.place for a in response.context["page_obj"]}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("office", {"刘圩建筑工地", "新集村道", "旧仓库"}),
        ("leader", {"刘圩建筑工地", "新集村道", "旧仓库"}),
        ("village_a_officer", {"刘圩建筑工地", "旧仓库"}),
        ("village_b_officer", {"新集村道"}),
        ("dept_a", {"刘圩建筑工地", "旧仓库"}),  # enterprise A's primary sector is sector A
        ("dept_b", set()),  # the road accident has no enterprise, so no sector
        ("other_office", set()),
    ],
)
def test_it_shows_each_role_the_accidents_in_its_scope(world, client_for, register, who, expected):
    response = client_for(getattr(world, who)).get(reverse("dashboard:accidents"))
    assert response.status_code == 200
    assert places(response) == expected


def test_it_hides_the_register_from_enterprise_contacts(world, client_for, register):
    client = client_for(world.ent_a)
    assert client.get(reverse("dashboard:accidents")).status_code == 404
    assert client.get(reverse("dashboard:accident_detail", args=[register["a"].pk])).status_code == 404
    assert client.get(reverse("dashboard:accident_export")).status_code == 404
    assert not accidents_visible_to(world.ent_a).exists()  # the selector itself answers "none", without raising


def test_it_answers_404_for_an_accident_outside_the_scope(world, client_for, register):
    client = client_for(world.village_b_officer)
    assert client.get(reverse("dashboard:accident_detail", args=[register["a"].pk])).status_code == 404
    assert client.get(reverse("dashboard:accident_detail", args=[register["b"].pk])).status_code == 200


def test_it_filters_by_year_village_kind_and_search(world, client_for, register):
    client = client_for(world.office)
    url = reverse("dashboard:accidents")
    assert places(client.get(url, {"year": "2025"})) == {"刘圩建筑工地", "新集村道"}
    assert places(client.get(url, {"year": "2024"})) == {"旧仓库"}
    assert places(client.get(url, {"year": "2023"})) == set()
    assert places(client.get(url, {"village": world.village_b.pk})) == {"新集村道"}
    assert places(client.get(url, {"kind": "fire"})) == {"旧仓库"}
    assert places(client.get(url, {"q": "12号"})) == {"刘圩建筑工地", "新集村道", "旧仓库"}
    assert places(client.get(url, {"q": "刘圩建筑工程"})) == {"刘圩建筑工地", "旧仓库"}  # the enterprise's name
    response = client.get(url, {"year": "2025"})
    assert response.context["totals"] == {
        "n": 2, "deaths": 1, "injuries": 4, "serious": 0, "loss": Decimal("70"), "counted": 2,
    }  # fmt: skip
    assert "2024" in response.content.decode()  # the year filter offers the years on record


def test_it_paginates_the_list(world, client_for):
    for day in range(1, 28):
        record(world, occurred_on=dt.date(2025, 2, day))
    client = client_for(world.office)
    first = client.get(reverse("dashboard:accidents"))
    assert len(first.context["page_obj"]) == 25
    assert len(client.get(reverse("dashboard:accidents"), {"page": 2}).context["page_obj"]) == 2


def test_it_exports_the_filtered_list_in_the_county_format(world, client_for, register):
    record(world, place='=HYPERLINK("http://evil")', source_document="+1+1", occurred_on=dt.date(2025, 5, 1))
    response = client_for(world.office).get(reverse("dashboard:accident_export"), {"year": "2025"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    assert ws["A1"].value == "刘圩镇生产安全事故登记表"
    line = ws["A2"].value
    assert "填报单位：刘圩镇应急办" in line and "填报人：office" in line and "审核人：" in line and "填报日期：" in line
    headers = [c.value for c in ws[3]]
    assert headers[:4] == ["序号", "事故发生日期", "事故发生地点", "所属村"]
    assert headers[7:13] == [
        "死亡人数",
        "受伤人数",
        "其中重伤人数",
        "直接经济损失（万元）",
        "事故等级",
        "是否生产安全事故",
    ]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    # by date; 2024 out; then the 合计 row and the row of those counted as 生产安全事故
    assert [r[2] for r in rows[:-2]] == ["刘圩建筑工地", "新集村道", '\'=HYPERLINK("http://evil")']
    first = rows[0]
    assert isinstance(first[1], dt.datetime) and first[1].date() == dt.date(2025, 3, 8)  # a real date cell
    assert ws["B4"].number_format == "yyyy-mm-dd"
    assert (first[3], first[4], first[5], first[6]) == (
        "刘圩村",
        "刘圩建筑工程有限公司",
        world.enterprise_a.credit_code,
        "建筑施工事故",
    )
    assert first[7:13] == (1, 2, 0, 35, "一般事故", "是")
    assert rows[2][13] == "'+1+1"
    assert rows[-2][:3] == ("合计", "3起", None) and rows[-2][7:11] == (2, 6, 0, 105)
    assert rows[-1][:2] == ("其中生产安全事故", "3起")


def test_it_exports_only_what_the_user_may_see(world, client_for, register):
    response = client_for(world.village_b_officer).get(reverse("dashboard:accident_export"))
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(min_row=4, values_only=True))
    assert [r[2] for r in rows[:-2]] == ["新集村道"]


def test_it_keeps_enterprises_of_the_township_in_the_form(world, client_for):
    EnterpriseFactory(village=world.village_a, primary_sector=world.sector_a, name="刘圩另一家公司")
    response = client_for(world.office).get(reverse("dashboard:accident_create"))
    enterprises = {e.name for e in response.context["form"].fields["enterprise"].queryset}
    assert "刘圩另一家公司" in enterprises and world.enterprise_other.name not in enterprises
