"""Drill records from a sheet: check-only saves nothing and lists bad rows by row and column; the real import is
all-or-nothing; the downloaded template reads back with its example row and imports once that row is filled in."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.dates import local_today
from readiness.drills.imports import DRILL_SHEET, DrillImport
from readiness.models import Drill, PlanKind
from tests.conftest import World

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [str(c.header) for c in DRILL_SHEET.columns]
IMPORT_URL = reverse("readiness:drill_import")
TEMPLATE_URL = reverse("readiness:drill_import_template")


def row(**values: Any) -> list[Any]:
    defaults = {
        "enterprise": "新集农业合作社",
        "held_on": "2025-06-20",
        "kind": "现场处置方案",
        "scenario": "仓库着火初期处置",
        "participants": "12",
        "evaluation": "疏散及时",
    }
    merged = {**defaults, **values}
    return [merged.get(c.key) for c in DRILL_SHEET.columns]


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("演练.xlsx", content, content_type=XLSX)


def run(world: World, content: bytes, *, dry_run: bool) -> Any:
    return DrillImport(township=world.township, actor=world.office).run(io.BytesIO(content), dry_run=dry_run)


def header(key: str) -> str:
    return next(str(c.header).rstrip("*") for c in DRILL_SHEET.columns if c.key == key)


BAD_ROWS = [
    row(),  # row 2: good
    row(enterprise="不存在的公司"),  # row 3
    row(held_on="2025-13-40"),  # row 4
    row(participants="0"),  # row 5
    row(participants="100001"),  # row 6
    row(enterprise="邻镇工厂"),  # row 7: the other township's
]


def test_check_only_saves_nothing_and_lists_bad_rows_by_row_and_column(world: World, client_for: Any) -> None:
    result = run(world, xlsx(BAD_ROWS), dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, header("enterprise")),
        (4, header("held_on")),
        (5, header("participants")),
        (6, header("participants")),
        (7, header("enterprise")),
    ]
    assert Drill.objects.count() == 0
    response = client_for(world.office).post(IMPORT_URL, {"file": upload(xlsx(BAD_ROWS)), "dry_run": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert Drill.objects.count() == 0


def test_check_only_of_a_good_file_counts_and_saves_nothing(world: World, client_for: Any) -> None:
    good = xlsx([row(), row(credit_code=world.enterprise_a.credit_code, enterprise="任意", kind="综合应急预案")])
    assert run(world, good, dry_run=True).created == 2
    response = client_for(world.office).post(IMPORT_URL, {"file": upload(good), "dry_run": "1"})
    assert response.status_code == 200
    assert Drill.objects.count() == 0


def test_the_real_import_is_all_or_nothing(world: World, client_for: Any) -> None:
    client = client_for(world.office)
    response = client.post(IMPORT_URL, {"file": upload(xlsx(BAD_ROWS))})
    assert response.status_code == 200
    assert Drill.objects.count() == 0

    good = xlsx([row(), row(credit_code=world.enterprise_a.credit_code, enterprise="任意", kind="综合应急预案")])
    response = client.post(IMPORT_URL, {"file": upload(good)})
    assert response.status_code == 302
    drills = {(d.enterprise_id, d.kind, d.source) for d in Drill.objects.all()}
    assert drills == {
        (world.enterprise_b.pk, PlanKind.ONSITE, Drill.Source.IMPORT),
        (world.enterprise_a.pk, PlanKind.COMPREHENSIVE, Drill.Source.IMPORT),
    }


def test_a_future_date_refuses_the_whole_file(world: World) -> None:
    future = local_today().replace(year=local_today().year + 1).isoformat()
    result = run(world, xlsx([row(), row(held_on=future)]), dry_run=False)
    assert [(e.row, e.column) for e in result.errors] == [(3, header("held_on"))]
    assert Drill.objects.count() == 0


def test_the_template_reads_back_with_its_example_row(world: World, client_for: Any) -> None:
    client = client_for(world.office)
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    at = next(i for i, r in enumerate(rows) if r[: len(HEADERS)] == HEADERS)
    keys = [c.key for c in DRILL_SHEET.columns]
    example = dict(zip(keys, rows[at + 1], strict=False))
    assert example["kind"] == "现场处置方案"
    assert example["scenario"] == "加油机着火初期处置"
    assert str(example["participants"]) == "12"
    assert str(example["held_on"]).startswith("2025-06-20")

    # Left as it is the example row names no enterprise of the township; filled in, it imports.
    assert client.post(IMPORT_URL, {"file": upload(response.content)}).status_code == 200
    assert Drill.objects.count() == 0
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    sheet.cell(row=at + 2, column=keys.index("enterprise") + 1, value="新集农业合作社")
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert client.post(IMPORT_URL, {"file": upload(buffer.getvalue())}).status_code == 302
    drill = Drill.objects.get()
    assert (drill.enterprise, drill.scenario, drill.participants) == (world.enterprise_b, "加油机着火初期处置", 12)


@pytest.mark.parametrize("who", ["ent_b", "dept_a", "village_a_officer", "leader", "county"])
def test_only_the_office_imports(world: World, client_for: Any, who: str) -> None:
    client = client_for(getattr(world, who))
    assert client.get(IMPORT_URL).status_code in (403, 404)
    assert client.post(IMPORT_URL, {"file": upload(xlsx([row()]))}).status_code in (403, 404)
    assert Drill.objects.count() == 0


def test_the_other_township_office_imports_into_its_own_township_only(world: World, client_for: Any) -> None:
    response = client_for(world.other_office).post(IMPORT_URL, {"file": upload(xlsx([row()]))})
    assert response.status_code == 200  # 新集农业合作社 is not of its township
    assert Drill.objects.count() == 0
