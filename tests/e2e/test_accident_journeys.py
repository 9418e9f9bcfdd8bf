"""The office records an accident and finds it in the register filtered by year; a phone shows the register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dashboard.accidents import accident_create
from dashboard.models import Accident
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_lets_the_office_record_an_accident_and_find_it_by_year(page: Page, world):
    today = timezone.localdate()
    last_year = today.replace(year=today.year - 1, day=1)
    accident_create(
        actor=world.office,
        township=world.township,
        fields={"occurred_on": last_year, "place": "去年的旧仓库", "kind": "fire", "deaths": 0, "injuries": 1,
                "direct_loss": Decimal("0.5")},
    )  # fmt: skip
    occurred = today - dt.timedelta(days=1) if today.day > 1 else today
    login(page, "office")
    page.goto("/dashboard/accidents/")
    page.get_by_test_id("record-accident").click()
    page.fill("#id_occurred_on", occurred.isoformat())
    page.fill("#id_place", "刘圩建筑工地3号楼")
    page.select_option("#id_village", label="刘圩村")
    page.select_option("#id_enterprise", label="刘圩建筑工程有限公司")
    page.select_option("#id_kind", value="construction")
    page.fill("#id_deaths", "1")
    page.fill("#id_injuries", "12")
    page.fill("#id_serious_injuries", "10")  # 10 重伤: a 较大事故 (493号令 第三条)
    page.fill("#id_direct_loss", "35")  # 万元
    page.fill("#id_source_document", "泗应急〔2025〕12号")
    page.get_by_test_id("accident-save").click()
    page.wait_for_url("**/dashboard/accidents/")
    assert Accident.objects.filter(place="刘圩建筑工地3号楼", deaths=1, level="larger").exists()

    page.select_option("#id_year", value=str(occurred.year))  # the filter submits itself
    page.wait_for_url(f"**year={occurred.year}**")
    table = page.get_by_test_id("accident-table")
    expect(table).to_contain_text("刘圩建筑工地3号楼")
    expect(table).to_contain_text(occurred.strftime("%Y-%m-%d"))
    expect(table).not_to_contain_text("去年的旧仓库")
    expect(page.get_by_test_id("accident-row")).to_have_count(1)
    expect(page.get_by_test_id("accident-level")).to_have_attribute("data-value", "larger")

    page.select_option("#id_year", value=str(last_year.year))
    page.wait_for_url(f"**year={last_year.year}**")
    expect(page.get_by_test_id("accident-table")).to_contain_text("去年的旧仓库")
    expect(page.get_by_test_id("accident-table")).not_to_contain_text("刘圩建筑工地3号楼")


def test_it_shows_the_register_on_a_phone(phone_page: Page, world):
    accident_create(
        actor=world.office,
        township=world.township,
        fields={"occurred_on": timezone.localdate(), "place": "新集村道", "village": world.village_b, "kind": "road",
                "deaths": 0, "injuries": 3, "direct_loss": Decimal("1.2")},
    )  # fmt: skip
    login(phone_page, "leader")
    phone_page.goto("/dashboard/accidents/")
    expect(phone_page.get_by_test_id("accident-table")).to_contain_text("新集村道")
    expect(phone_page.get_by_test_id("record-accident")).to_have_count(0)  # leadership reads only
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
