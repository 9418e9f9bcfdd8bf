"""Report sheets in the county's format: title row, 填报 line, header, data, and what printing them needs.

Sheets are written in openpyxl's write-only mode, so an export of a hundred thousand rows streams to its file with
flat memory; that mode takes the layout (widths, frozen panes, merges, print setup) before the first row, and the
autofilter, written at the end, is given its range when the number of rows is known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from .columns import Column
from .text import safe_cell

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
HEADER_ROW = 3  # title, 填报 line, header
THIN = Side(style="thin", color="808080")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def filler_line(unit: str, filler: str, day: date) -> str:
    """The line county forms carry under the title: which unit fills in (named with its township, e.g.
    units.offices.filler_unit_name), who, who reviews, when."""
    date_text = f"{day.year}年{day.month}月{day.day}日"
    return f"填报单位：{unit}    填报人：{filler}    审核人：        填报日期：{date_text}"


def print_setup(sheet: Any, *, header_row: int) -> None:
    """Landscape, as wide as one page, the header row repeated on every printed page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_options.horizontalCentered = True


def header_style() -> dict[str, Any]:
    return {"font": Font(bold=True), "fill": HEADER_FILL, "alignment": CENTER, "border": Border(THIN, THIN, THIN, THIN)}


class ReportWriter:
    """One write-only report sheet: `append` the data rows, then any total rows and notes, then `save`."""

    def __init__(
        self,
        *,
        sheet_name: str,
        title: str,
        line: str,
        columns: Sequence[Column],
        frozen_columns: int = 0,
        workbook: Workbook | None = None,
    ) -> None:
        self.columns = list(columns)
        self.workbook = workbook or Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(sheet_name)
        self.rows = 0
        self.next_sheets: list[ReportWriter] = []
        self._layout(frozen_columns)
        self.sheet.append([self._cell(safe_cell(title), font=Font(bold=True, size=16), alignment=CENTER)])
        self.sheet.append([self._cell(safe_cell(line), alignment=Alignment(vertical="center"))])
        style = header_style()
        self.sheet.append([self._cell(safe_cell(str(column.header)), **style) for column in self.columns])

    def _layout(self, frozen_columns: int) -> None:
        sheet, last = self.sheet, get_column_letter(len(self.columns))
        for index, column in enumerate(self.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{HEADER_ROW + 1}"
        sheet.merged_cells.add(f"A1:{last}1")
        sheet.merged_cells.add(f"A2:{last}2")
        sheet.row_dimensions[1].height = 30
        sheet.row_dimensions[HEADER_ROW].height = 32
        print_setup(sheet, header_row=HEADER_ROW)

    def _cell(self, value: Any, **style: Any) -> Any:
        cell = WriteOnlyCell(self.sheet, value=value)
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def cells(self, values: Mapping[str, Any]) -> list[Any]:
        """One row by column key: dates as real date cells, money as numbers, every text made harmless."""
        cells: list[Any] = []
        for column in self.columns:
            value = column.cell_value(values.get(column.key))
            if isinstance(value, date):
                cells.append(self._cell(value, number_format=column.number_format or DATE_FORMAT))
            elif isinstance(value, Decimal):
                cells.append(self._cell(value, number_format=column.number_format or MONEY_FORMAT))
            elif isinstance(value, int | float) and column.number_format:
                cells.append(self._cell(value, number_format=column.number_format))
            else:
                cells.append(safe_cell(value))
        return cells

    def append(self, values: Mapping[str, Any]) -> None:
        """A data row: inside the autofilter's range."""
        self.sheet.append(self.cells(values))
        self.rows += 1

    def append_total(self, values: Mapping[str, Any]) -> None:
        """A row under the data (合计): outside the autofilter's range, so sorting never moves it."""
        self.sheet.append(self.cells(values))

    def append_note(self, text: str) -> None:
        self.sheet.append([safe_cell(text)])

    def add_sheet(
        self, *, sheet_name: str, title: str, line: str, columns: Sequence[Column], frozen_columns: int = 0
    ) -> ReportWriter:
        """A further sheet of the same workbook, in the same format (e.g. the differences of a correction); write
        this sheet's rows first: a write-only workbook writes its sheets in order."""
        writer = ReportWriter(
            sheet_name=sheet_name,
            title=title,
            line=line,
            columns=columns,
            frozen_columns=frozen_columns,
            workbook=self.workbook,
        )
        self.next_sheets.append(writer)
        return writer

    def _set_filter(self) -> None:
        last = get_column_letter(len(self.columns))
        self.sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + self.rows}"
        for writer in self.next_sheets:
            writer._set_filter()

    def save(self, out: str | IO[bytes]) -> None:
        self._set_filter()
        self.workbook.save(out)

    def to_bytes(self) -> bytes:
        out = BytesIO()
        self.save(out)
        return out.getvalue()
