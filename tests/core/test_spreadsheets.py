"""The one spreadsheet pipeline, once for every sheet: messy workbooks in (merged titles, a decorated header in row 3,
blank, repeated-header and footer lines, control characters), an error table by row and column, all or nothing,
check only; report sheets out (print setup, frozen header, autofilter, formulas made harmless, write-only); and the
downloadable templates, which import again as they are filled in."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets import (
    CellError,
    ChoiceList,
    Column,
    ImportResult,
    MissingHeadersError,
    ReportWriter,
    RowError,
    SheetImport,
    SheetRow,
    SheetSpec,
    cell_text,
    filler_line,
    find_header,
    parse_bool,
    read_sheet,
    reading,
    safe_cell,
    template_workbook,
    yes_no,
)
from hazards.ledger_import import LEDGER_SHEET, build_ledger_template
from inspections.checklist_sheets import ITEM_SHEET, build_items_template
from tests.conftest import World
from units.roster_sheet import ROSTER_SHEET, build_enterprise_template

pytestmark = pytest.mark.django_db


def parse_day(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CellError(f"“{text}” is not a date.") from exc


SHEET = SheetSpec(
    columns=(
        Column("number", "序号", numbering=True, width=6),
        Column("name", "名称*", aliases=("单位名称",), required=True, width=24, example="示例：刘圩砖厂"),
        Column("village", "所属村*", required=True, example="刘圩村", note="必填。本镇的村。"),
        Column("big", "规模以上(是/否)", parse=parse_bool, format=yes_no, choices=("是", "否"), example=True),
        Column("qq", "QQ号", number_format="@", example="12345678"),
        Column("day", "检查日期", parse=parse_day, number_format="yyyy-mm-dd", example=dt.date(2024, 3, 5)),
    ),
    max_rows=6,
    too_many_rows="More than %(max)d rows.",
    no_rows="No rows below the header.",
    sheet_name="名册",
)
HEADERS = [str(column.header) for column in SHEET.columns]


class GroupImport(SheetImport[dict[str, Any], ImportResult]):
    """A test import that writes one auth group per row, so "nothing written" can be seen in the database."""

    spec = SHEET

    def new_result(self) -> ImportResult:
        return ImportResult()

    def plan(self, row: SheetRow) -> tuple[dict[str, Any] | None, list[RowError]]:
        values, errors = SHEET.convert(row)
        if row.get("village") != "刘圩村":
            errors.append(SHEET.error(row.number, "village", f"No village “{row.get('village')}”."))
        return (None, errors) if errors else (values, [])

    def count(self, plans: list[dict[str, Any]], result: ImportResult) -> None:
        result.created = len(plans)

    def write(self, plans: list[dict[str, Any]], result: ImportResult) -> None:
        Group.objects.bulk_create(Group(name=plan["name"]) for plan in plans)


def saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(content: bytes, **kwargs: Any) -> ImportResult:
    return GroupImport().run(io.BytesIO(content), **kwargs)


def errors_of(result: ImportResult) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in result.errors]


def messy_workbook() -> bytes:
    """A roster as offices keep it: merged title rows, the header in row 3 written by hand, lines left blank,
    a header repeated for the second printed page, a numbered empty line and the lines under the table."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["刘圩镇2024年企业名册"])
    sheet.merge_cells("A1:G1")
    sheet.append(["填报单位：刘圩镇安委办", None, None, "填报日期：2024年3月5日"])
    sheet.merge_cells("A2:C2")
    sheet.append(["序号", " 名称 *", "所属\n村＊", "规模以上（是/否）", "ＱＱ号", "检查日期", "备注", "单位名称"])
    sheet.append([1, "刘圩\x7f砖厂", "刘圩村", "是", 12345678, dt.datetime(2024, 3, 5), "新增", "砖厂全称"])  # noqa: DTZ001
    sheet.append([])
    sheet.append([None, None, None])
    sheet.append([2, " 刘圩\u3000粮油\n加工厂 ", "刘圩村", "否", "１２３４５", "2024-03-06"])
    sheet.append([3])
    sheet.append(["序号", "名称*", "所属村*", "规模以上(是/否)", "QQ号", "检查日期"])
    sheet.append([4, '=HYPERLINK("http://evil.example","点我")', "刘圩村", None, None, None])
    sheet.append([None, "合计：3家"])
    sheet.append(["填报人：张三    审核人：李四"])
    return saved(workbook)


# -- reading ------------------------------------------------------------------------------------------------------


def test_it_reads_a_messy_workbook_as_clean_rows() -> None:
    data = read_sheet(io.BytesIO(messy_workbook()), SHEET)
    assert [row.number for row in data.rows] == [4, 7, 10]
    first, second, third = (row.cells for row in data.rows)
    assert first == {"name": "刘圩砖厂", "village": "刘圩村", "big": "是", "qq": "12345678", "day": "2024-03-05"}
    assert (second["name"], second["qq"], second["day"]) == ("刘圩 粮油 加工厂", "12345", "2024-03-06")
    assert third["name"] == '=HYPERLINK("http://evil.example","点我")'  # a formula is its text, never evaluated
    assert [(c.letter, c.header, c.same_as) for c in data.ignored_columns] == [
        ("G", "备注", ""),
        ("H", "单位名称", "名称 *"),
    ]


def test_it_imports_the_messy_workbook(world: World) -> None:
    result = run(messy_workbook())
    assert (result.errors, result.created) == ([], 3)
    assert set(Group.objects.values_list("name", flat=True)) == {
        "刘圩砖厂",
        "刘圩 粮油 加工厂",
        '=HYPERLINK("http://evil.example","点我")',
    }


def test_it_finds_the_header_whatever_its_decoration() -> None:
    rows = [["名册"], [], ["序号", " 名称\n*", "所属村（本镇）", "ＱＱ号"]]
    assert find_header(rows, SHEET.columns) == (3, {"name": 1, "village": 2, "qq": 3})
    with pytest.raises(MissingHeadersError) as exc:
        find_header([["单位名称", "地址"]], SHEET.columns)
    assert exc.value.missing == ["所属村"]


def test_it_names_the_missing_columns_of_a_sheet_without_its_header() -> None:
    workbook = Workbook()
    workbook.worksheets[0].append(["名称", "地址"])
    result = run(saved(workbook))
    assert errors_of(result) == [(0, "")]
    assert "所属村" in result.errors[0].message and "所属村*" not in result.errors[0].message


def test_it_reads_the_named_sheet_else_the_first_with_the_header() -> None:
    workbook = Workbook()
    workbook.worksheets[0].title = "说明"
    workbook.worksheets[0].append(["本文件为刘圩镇名册"])
    other = workbook.create_sheet("旧名册")
    other.append(HEADERS)
    other.append([1, "旧表企业", "刘圩村"])
    assert [row.get("name") for row in read_sheet(io.BytesIO(saved(workbook)), SHEET).rows] == ["旧表企业"]
    named = workbook.create_sheet("名册")
    named.append(HEADERS)
    named.append([1, "名册企业", "刘圩村"])
    assert [row.get("name") for row in read_sheet(io.BytesIO(saved(workbook)), SHEET).rows] == ["名册企业"]


def test_it_turns_cell_values_into_clean_text() -> None:
    assert cell_text(None) == ""
    assert cell_text(13812345678.0) == "13812345678"
    assert cell_text(1.3812345678e10) == "13812345678"
    assert cell_text(13812345678) == "13812345678"
    assert cell_text(2.5) == "2.5"
    assert cell_text("\u3000１３８１２３４５６７８ ") == "13812345678"
    assert cell_text("刘圩（集团）") == "刘圩（集团）"
    assert cell_text("刘圩\x00\x1f砖厂\ud800") == "刘圩砖厂"
    assert cell_text(dt.datetime(2024, 5, 1)) == "2024-05-01"  # noqa: DTZ001 - Excel dates are naive
    assert cell_text('=HYPERLINK("x")') == '=HYPERLINK("x")'


# -- the error table, all or nothing, check only -------------------------------------------------------------------


def sheet_of(*rows: list[Any]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    return saved(workbook)


def test_it_lists_every_problem_by_row_and_column_and_writes_nothing(world: World) -> None:
    content = sheet_of(
        [1, "好企业", "刘圩村", "是"],  # row 2 is fine, but must not be written either
        [2, "坏是否", "刘圩村", "可能"],
        [3, "坏村和坏日期", "东村", "否", None, "2024-13-01"],
        [4, "也好", "刘圩村"],
        [5, "全错", "", "大概", None, "昨天"],
    )
    result = run(content)
    assert errors_of(result) == [
        (3, "规模以上(是/否)"),
        (4, "检查日期"),
        (4, "所属村"),
        (6, "规模以上(是/否)"),
        (6, "检查日期"),
        (6, "所属村"),
    ]
    assert "可能" in result.errors[0].message and "2024-13-01" in result.errors[1].message
    assert result.created == 0
    assert not Group.objects.exists()


def test_it_checks_only_and_writes_nothing(world: World) -> None:
    content = sheet_of([1, "甲", "刘圩村"], [2, "乙", "刘圩村"])
    checked = run(content, dry_run=True)
    assert (checked.errors, checked.created) == ([], 2)
    assert not Group.objects.exists()
    assert run(content).created == 2
    assert Group.objects.count() == 2


def test_it_refuses_files_it_cannot_read_or_that_are_too_large(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assert errors_of(run(b"plain text renamed to .xlsx")) == [(0, "")]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    assert errors_of(run(archive.getvalue())) == [(0, "")]
    assert run(sheet_of()).errors == [RowError(0, "", "No rows below the header.")]
    too_many = run(sheet_of(*([n, f"企业{n}", "刘圩村"] for n in range(7))))
    assert too_many.errors == [RowError(0, "", "More than 6 rows.")]
    with translation.override("en"):
        monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)  # a zip bomb unpacks to far more than it weighs
        assert "too large" in run(sheet_of([1, "甲", "刘圩村"])).errors[0].message
        monkeypatch.setattr(reading, "MAX_BYTES", 100)
        assert "larger than 0 MB" in run(sheet_of([1, "甲", "刘圩村"])).errors[0].message
    assert not Group.objects.exists()


# -- writing ------------------------------------------------------------------------------------------------------


def report() -> ReportWriter:
    writer = ReportWriter(
        sheet_name="台账",
        title="刘圩镇隐患台账",
        line=filler_line("刘圩镇应急办", "王主任", dt.date(2024, 3, 5)),
        columns=[
            Column("number", "序号", width=6),
            Column("text", "隐患描述", width=40),
            Column("found_on", "发现日期", width=12),
            Column("funds", "整改资金（元）", width=12),
            Column("rate", "整改率（%）", format=lambda v: "—" if v is None else float(v), number_format="0.0"),
            Column("overdue", "是否逾期", format=yes_no),
        ],
        frozen_columns=2,
    )
    for number, text in enumerate(["=1+1", "@SUM(A1)", "-2", "正常\x07文字"], start=1):
        writer.append(
            {"number": number, "text": text, "found_on": dt.date(2024, 3, number), "funds": Decimal("12.5"),
             "rate": Decimal("66.67") if number == 1 else None, "overdue": number == 2}
        )  # fmt: skip
    writer.append_total({"number": "合计", "funds": Decimal("50")})
    writer.append_note("注：整改率＝已整改÷发现隐患。")
    return writer


def test_it_writes_the_county_report_head_and_print_setup() -> None:
    writer = report()
    assert writer.workbook.write_only and isinstance(writer.sheet, WriteOnlyWorksheet)  # streamed, row by row
    sheet = load_workbook(io.BytesIO(writer.to_bytes())).active
    assert isinstance(sheet, Worksheet)
    assert sheet["A1"].value == "刘圩镇隐患台账" and sheet["A1"].font.bold
    assert sheet["A2"].value.startswith("填报单位：刘圩镇应急办    ") and "填报人：王主任" in sheet["A2"].value
    assert "填报日期：2024年3月5日" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == ["序号", "隐患描述", "发现日期", "整改资金（元）", "整改率（%）", "是否逾期"]
    assert {"A1:F1", "A2:F2"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert (sheet.column_dimensions["B"].width, sheet.freeze_panes) == (40, "C4")
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.auto_filter.ref == "A3:F7"  # the data rows, not the 合计 row or the note under them


def test_it_writes_real_dates_and_numbers_and_harmless_text() -> None:
    sheet = load_workbook(io.BytesIO(report().to_bytes())).active
    assert isinstance(sheet, Worksheet)
    texts = [sheet.cell(row, 2) for row in range(4, 8)]
    # Read back as text, never as a formula: what a person typed stays what they see.
    assert [c.value for c in texts] == ["'=1+1", "'@SUM(A1)", "'-2", "正常文字"]
    assert {c.data_type for c in texts} == {"s"}
    assert sheet["C4"].is_date and sheet["C4"].number_format == "yyyy-mm-dd"
    assert (sheet["D4"].value, sheet["D4"].number_format) == (12.5, "#,##0.00")
    assert (sheet["E4"].value, sheet["E4"].number_format, sheet["E5"].value) == (66.67, "0.0", "—")
    assert (sheet["F4"].value, sheet["F5"].value) == ("否", "是")
    assert (sheet["A8"].value, sheet["D8"].value, sheet["A9"].value) == ("合计", 50, "注：整改率＝已整改÷发现隐患。")


def test_it_neutralises_formulas_and_control_characters_in_cells() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("\x00@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("刘圩\x07村\ud800") == "刘圩村"
    assert safe_cell(dt.date(2024, 5, 1)) == dt.date(2024, 5, 1)
    assert safe_cell(12) == 12


# -- templates ----------------------------------------------------------------------------------------------------


def test_it_builds_a_template_from_the_column_specification() -> None:
    lists = [ChoiceList("可选的村", ["刘圩村", "新集村"], column="village"), ChoiceList("说明", ["仅供参考"])]
    content = template_workbook(
        SHEET, title="刘圩镇名册导入模板", example=SHEET.example_row(), lists=lists, general_notes=["1. 第2行为表头。"]
    )
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["名册", "填写说明"]
    data, notes = workbook.worksheets
    assert data["A1"].value == "刘圩镇名册导入模板"
    assert [c.value for c in data[2]] == HEADERS
    example = [None, "示例：刘圩砖厂", "刘圩村", "是", "12345678", dt.datetime(2024, 3, 5)]  # noqa: DTZ001 - naive in Excel
    assert [c.value for c in data[3]] == example
    assert data["B2"].font.color.rgb.endswith("C00000") and not data["D2"].font.color.rgb.endswith("C00000")
    assert data.freeze_panes == "A3"
    assert data.print_title_rows == "$2:$2" and data.page_setup.orientation == "landscape"
    rules = {str(rule.sqref): (rule.formula1, rule.errorStyle) for rule in data.data_validations.dataValidation}
    assert rules == {"D3:D8": ('"是,否"', "stop"), "C3:C8": ("'填写说明'!$E$2:$E$3", "warning")}
    rows = [[c.value for c in row] for row in notes.iter_rows(max_col=3)]
    assert rows[0] == ["列名", "是否必填", "填写说明"]
    assert ["所属村", "是", "必填。本镇的村。"] in rows and ["规模以上(是/否)", "否", "选填。"] in rows
    assert ["1. 第2行为表头。", None, None] in rows
    assert [c.value for c in notes["E"]][:3] == ["可选的村", "刘圩村", "新集村"]
    assert notes["F1"].value == "说明"


def test_it_imports_its_own_template_once_the_example_is_filled_in(world: World) -> None:
    content = template_workbook(SHEET, title="模板", example=SHEET.example_row())
    assert run(content).errors == [RowError(0, "", "No rows below the header.")]  # the example row is never imported
    workbook = load_workbook(io.BytesIO(content))
    workbook.worksheets[0]["B3"] = "刘圩砖厂"
    result = run(saved(workbook))
    assert (result.errors, result.created) == ([], 1)
    assert Group.objects.get().name == "刘圩砖厂"


TEMPLATES: list[tuple[SheetSpec, Callable[[World], bytes]]] = [
    (ROSTER_SHEET, lambda world: build_enterprise_template(world.township)),
    (LEDGER_SHEET, lambda world: build_ledger_template(world.township)),
    (ITEM_SHEET, lambda world: build_items_template()),
]


@pytest.mark.parametrize(("spec", "build"), TEMPLATES, ids=["enterprises", "ledger", "checklist items"])
def test_it_reads_every_downloadable_template_back_with_its_example(
    world: World, spec: SheetSpec, build: Callable[[World], bytes]
) -> None:
    workbook = load_workbook(io.BytesIO(build(world)))
    assert workbook.sheetnames == [spec.sheet_name, "填写说明"]
    sheet = workbook.worksheets[0]
    header_row, _columns = find_header(sheet.iter_rows(values_only=True), spec.columns)
    example = next(c for c in sheet[header_row + 1] if str(c.value or "").startswith(spec.example_prefix))
    example.value = str(example.value).removeprefix(spec.example_prefix + "：")
    rows = read_sheet(io.BytesIO(saved(workbook)), spec).rows
    assert [row.number for row in rows] == [header_row + 1]
    values, errors = spec.convert(rows[0])
    assert errors == []
    assert all(values.get(column.key) not in (None, "") for column in spec.required)
