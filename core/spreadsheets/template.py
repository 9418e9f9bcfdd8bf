"""The downloadable template of a sheet: the data sheet (title, header, example row, drop-downs) and a notes sheet
that explains each column and lists the names the drop-downs offer — all from the sheet's column specification.

The notes are the data format's own Chinese text (like the column headers), so their fixed words are literal here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .columns import Column, SheetSpec
from .text import safe_cell
from .writing import CENTER, HEADER_FILL, print_setup

NOTES_SHEET = "填写说明"
CHOOSE_FROM_LIST = "请从下拉列表中选择，或参见“填写说明”工作表。"
_FIRST_LIST_COLUMN = 5  # E: the notes take A to C, D stays empty


@dataclass(frozen=True)
class ChoiceList:
    """Names listed on the notes sheet; with `column`, the drop-down of that data column offers them."""

    title: str
    values: Sequence[str]
    column: str = ""
    strict: bool = False  # refuse other values; names that change (villages, sectors) only warn


def template_workbook(
    spec: SheetSpec,
    *,
    title: str = "",
    example: Mapping[str, Any] | None = None,
    rows: Iterable[Mapping[str, Any]] = (),
    lists: Sequence[ChoiceList] = (),
    general_notes: Sequence[str] = (),
) -> bytes:
    """The workbook people fill in: an optional title row, the header row, an example row (its first cell says
    示例, so it is never imported) or the given rows, and the notes sheet. What it writes imports again as is."""
    workbook = Workbook()
    data = workbook.active
    assert isinstance(data, Worksheet)  # noqa: S101 - a new workbook always has one sheet
    data.title = spec.sheet_name or "Sheet1"
    header_row = _write_data_sheet(data, spec, title, example, rows)
    _add_validations(data, spec, header_row, lists)
    _write_notes_sheet(workbook.create_sheet(NOTES_SHEET), spec, lists, general_notes)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_data_sheet(
    sheet: Worksheet,
    spec: SheetSpec,
    title: str,
    example: Mapping[str, Any] | None,
    rows: Iterable[Mapping[str, Any]],
) -> int:
    columns = spec.columns
    if title:
        sheet.append([safe_cell(title)])
        sheet.merge_cells(f"A1:{get_column_letter(len(columns))}1")
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.row_dimensions[1].height = 28
    sheet.append([str(column.header) for column in columns])
    header_row = sheet.max_row
    if example is not None:
        sheet.append([_value(column, example) for column in columns])
    for values in rows:
        sheet.append([_value(column, values) for column in columns])
    for index, column in enumerate(columns, start=1):
        _style_column(sheet, index, column, header_row, example_row=header_row + 1 if example is not None else 0)
    sheet.row_dimensions[header_row].height = 32
    sheet.freeze_panes = f"{get_column_letter(spec.frozen_columns + 1)}{header_row + 1}"
    print_setup(sheet, header_row=header_row)
    return header_row


def _value(column: Column, values: Mapping[str, Any]) -> Any:
    return safe_cell(column.cell_value(values.get(column.key)))


def _style_column(sheet: Worksheet, index: int, column: Column, header_row: int, *, example_row: int) -> None:
    letter = get_column_letter(index)
    head = sheet.cell(row=header_row, column=index)
    head.font = Font(bold=True, color="C00000" if column.required else "000000")
    head.fill = HEADER_FILL
    head.alignment = CENTER
    sheet.column_dimensions[letter].width = column.width
    if column.number_format:
        # "@" keeps long numbers (codes, phones) text as they are typed, instead of 1.38E+10.
        sheet.column_dimensions[letter].number_format = column.number_format
    if example_row:
        example = sheet.cell(row=example_row, column=index)
        example.font = Font(italic=True, color="808080")
        if column.number_format:
            example.number_format = column.number_format


def _add_validations(sheet: Worksheet, spec: SheetSpec, header_row: int, lists: Sequence[ChoiceList]) -> None:
    letters = {column.key: get_column_letter(index) for index, column in enumerate(spec.columns, start=1)}
    rows = (header_row + 1, header_row + spec.max_rows)
    for column in spec.columns:
        if column.choices:
            _validation(sheet, '"' + ",".join(column.choices) + '"', letters[column.key], rows, strict=True)
    for offset, choice in enumerate(lists):
        if choice.column and choice.values:
            where = get_column_letter(_FIRST_LIST_COLUMN + offset)
            formula = f"'{NOTES_SHEET}'!${where}$2:${where}${len(choice.values) + 1}"
            _validation(sheet, formula, letters[choice.column], rows, strict=choice.strict)


def _validation(sheet: Worksheet, formula: str, letter: str, rows: tuple[int, int], *, strict: bool) -> None:
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    rule.errorStyle = "stop" if strict else "warning"
    rule.error = CHOOSE_FROM_LIST
    sheet.add_data_validation(rule)
    rule.add(f"{letter}{rows[0]}:{letter}{rows[1]}")


def _write_notes_sheet(
    sheet: Worksheet, spec: SheetSpec, lists: Sequence[ChoiceList], general_notes: Sequence[str]
) -> None:
    sheet.append(["列名", "是否必填", "填写说明", "", *(choice.title for choice in lists)])
    for column in spec.columns:
        sheet.append([column.name, "是" if column.required else "否", safe_cell(column.notes_line())])
    sheet.append([])
    for line in general_notes:
        sheet.append([safe_cell(line)])
    for offset, choice in enumerate(lists):
        for row, name in enumerate(choice.values, start=2):
            sheet.cell(row=row, column=_FIRST_LIST_COLUMN + offset, value=safe_cell(name))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for letter, width in zip("ABCD", (22, 10, 70, 3), strict=True):
        sheet.column_dimensions[letter].width = width
    for offset, choice in enumerate(lists):
        longest = max((len(text) for text in [choice.title, *choice.values]), default=0)
        sheet.column_dimensions[get_column_letter(_FIRST_LIST_COLUMN + offset)].width = min(40, max(12, 2 * longest))
