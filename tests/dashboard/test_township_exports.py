"""The county's sheets (monthly report, statistics, accident register) in the name of the township they are about,
filled in by the exporting user's unit there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dashboard.accidents import accident_create
from tests.conftest import World
from tests.factories import AssignmentFactory, UserFactory, act_in, office_in_a_second_township
from units.models import Role

pytestmark = pytest.mark.django_db

MAY = {"month": "2025-05"}


def first_rows(response) -> tuple[str, str]:
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    return sheet["A1"].value, sheet["A2"].value


def accident(actor, township, village, place: str):
    fields = {"occurred_on": dt.date(2025, 3, 8), "place": place, "village": village, "kind": "road", "deaths": 0,
              "injuries": 1, "direct_loss": Decimal("1"), "description": "追尾"}  # fmt: skip
    return accident_create(actor=actor, township=township, fields=fields)


@pytest.fixture
def twin(world: World):
    user = UserFactory(username="twin", full_name="赵六")
    AssignmentFactory(user=user, role=Role.OFFICE, township=world.township)
    return user, office_in_a_second_township(user)


def test_it_names_the_department_that_exports_the_monthly_report(world, client_for):
    title, line = first_rows(client_for(world.dept_a).get(reverse("dashboard:monthly_report_excel"), MAY))
    assert title.startswith("刘圩镇")
    assert line.startswith("填报单位：刘圩镇住建所    填报人：dept_a")


def test_it_fills_in_a_report_of_the_chosen_township_in_its_name(world, client_for, twin):
    user, second = twin
    client = client_for(user)
    act_in(client, second)
    for url in ("dashboard:monthly_report_excel", "dashboard:statistics_excel"):
        title, line = first_rows(client.get(reverse(url), MAY if "monthly" in url else {}))
        assert title.startswith("周庄镇"), url
        assert line.startswith("填报单位：周庄镇安监站    填报人：赵六"), url


def test_it_exports_the_accident_register_of_the_township_the_user_acts_in(world, client_for, twin):
    user, second = twin
    accident(user, world.township, world.village_a, "刘圩村道")
    accident(user, second, second.villages.get(), "周庄村道")
    client = client_for(user)
    act_in(client, second)
    response = client.get(reverse("dashboard:accident_export"))
    title, line = first_rows(response)
    assert (title, line.split("    ")[0]) == ("周庄镇生产安全事故登记表", "填报单位：周庄镇安监站")
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    assert [row[2] for row in sheet.iter_rows(min_row=4, max_row=4, values_only=True)] == ["周庄村道"]
    act_in(client, world.township)
    title, line = first_rows(client.get(reverse("dashboard:accident_export")))
    assert (title, line.split("    ")[0]) == ("刘圩镇生产安全事故登记表", "填报单位：刘圩镇应急办")
