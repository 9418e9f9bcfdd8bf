"""The office imports an existing ledger: a bad row is listed, the fixed file goes in, the hazard is on the list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from hazards.ledger_import import LEDGER_COLUMNS
from hazards.models import ExportJob, Hazard
from tests.conftest import World
from tests.e2e.conftest import login
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESCRIPTION = "二楼安全出口上锁，疏散通道堆放货物"


def ledger_file(path: Path, world: World, *, found_on: Any) -> Path:
    values = {
        "reporting_unit": "住建所",
        "sector": "建筑施工",
        "credit_code": world.enterprise_a.credit_code,
        "description": DESCRIPTION,
        "method": "部门检查",
        "found_on": found_on,
        "rectified": "否",
    }
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["刘圩镇重大事故隐患排查整治明细表"])
    sheet.append([str(column.header) for column in LEDGER_COLUMNS])
    sheet.append([values.get(column.key) for column in LEDGER_COLUMNS])
    workbook.save(path)
    return path


def test_it_lets_the_office_fix_a_bad_row_and_find_the_imported_hazard(page: Page, world: World, tmp_path: Path):
    bad = ledger_file(tmp_path / "台账-有误.xlsx", world, found_on="2024.2.30")
    fixed = ledger_file(tmp_path / "台账.xlsx", world, found_on=dt.date(2024, 3, 5))
    login(page, "office")
    page.goto("/hazards/ledger/import/")
    page.set_input_files("#id_file", str(bad))
    page.get_by_test_id("import-submit").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_be_visible()
    expect(errors.locator("[data-testid=import-error][data-row='3']")).to_contain_text("检查时间")
    assert Hazard.objects.count() == 0

    page.set_input_files("#id_file", str(fixed))
    page.get_by_test_id("import-submit").click()
    page.wait_for_url("**/hazards/")
    expect(page.get_by_test_id("hazard-table")).to_contain_text(DESCRIPTION[:40])
    expect(page.get_by_test_id("hazard-table")).to_contain_text("2024-03-05")
    hazard = Hazard.objects.get()
    assert (hazard.enterprise_id, hazard.level, hazard.is_imported) == (world.enterprise_a.pk, "major", True)
    assert "台账.xlsx" in hazard.events.get().note


def test_it_updates_the_export_job_page_until_the_file_is_ready(page: Page, world: World):
    job = ExportJob.objects.create(
        user=world.office, township=world.township, query="", state="running", total=8000, done=2000
    )
    login(page, "office")
    page.goto(f"/hazards/ledger/export/{job.pk}/")
    expect(page.get_by_test_id("export-percent")).to_have_text("25%")
    ExportJob.objects.filter(pk=job.pk).update(done=6000)
    # htmx polls every 2 s: the page follows the job without a reload and without inline script.
    expect(page.get_by_test_id("export-percent")).to_have_text("75%", timeout=6_000)
    ExportJob.objects.filter(pk=job.pk).update(state="done", done=8000, file="exports/none.xlsx")
    expect(page.get_by_test_id("export-download")).to_be_visible(timeout=6_000)
    expect(page.get_by_test_id("export-job")).to_have_attribute("data-state", "done")


def test_the_office_finds_a_hazard_by_its_number_on_a_phone(phone_page: Page, world: World):
    here = {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a}
    wanted = HazardFactory(**here, status="confirmed", number="刘圩隐〔2026〕0042", title="脚手架未设连墙件")
    HazardFactory(**here, status="confirmed", number="刘圩隐〔2026〕0043", title="临边防护缺失")
    page = phone_page
    login(page, "office")
    page.goto("/hazards/")
    page.locator("input[name=q]").fill("刘圩隐[2026]0042")  # the brackets a phone keyboard has
    page.locator("input[name=q]").press("Enter")
    table = page.get_by_test_id("hazard-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    card_number = table.get_by_test_id("hazard-number")
    expect(card_number).to_have_text("刘圩隐〔2026〕0042")
    expect(card_number).to_be_in_viewport()
    table.get_by_role("link", name="脚手架未设连墙件").click()
    page.wait_for_url(f"**/hazards/{wanted.pk}/")
    expect(page.get_by_test_id("hazard-number")).to_have_text("刘圩隐〔2026〕0042")
    expect(page.get_by_test_id("hazard-number")).to_be_in_viewport()
    # Nothing runs off the side of a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
