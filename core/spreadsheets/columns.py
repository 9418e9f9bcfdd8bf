"""Column specifications: one declaration per sheet drives reading, checking, the template and writing.

A column's header is the text written in templates and exports; `aliases` are the other names people give that
column in files kept before the template existed. County forms are a data format, so their headers are literal
Chinese; a header may also be lazy gettext text where a sheet is the product's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .results import CellError, RowError, SheetRow
from .text import header_key

# Lines under a table such as "填报人：张三  审核人：李四" or "合计：35家". 注 only with what follows a note ("注：",
# "注1"), so that a place named 注塑厂 is never mistaken for one.
FOOTER_LINE = re.compile(r"^(填报|填表|制表|审核|合计|总计|备注|说明|注\s*[:：\d、.])")
# Columns that only number the lines: read by nobody, and not worth a warning.
NUMBERING_HEADERS = frozenset({"序号", "编号", "序"})
EXAMPLE_PREFIX = "示例"

_TRUE = frozenset({"是", "Y", "YES", "1", "√", "✓", "✔", "TRUE", "有"})
_FALSE = frozenset({"", "否", "N", "NO", "0", "×", "✗", "FALSE", "无"})


@dataclass(frozen=True)
class Column:
    key: str
    header: str | Promise
    aliases: tuple[str, ...] = ()
    required: bool = False  # the header must be there to find the header row, and the cell must be filled
    width: int = 14
    parse: Callable[[str], Any] | None = None  # cell text -> value; raises CellError
    format: Callable[[Any], Any] | None = None  # value -> what the cell shows when written
    choices: tuple[str, ...] = ()  # a fixed drop-down list in the template
    note: str = ""  # the column's line on the template's notes sheet
    example: Any = ""  # the template's example value
    number_format: str = ""  # "@" keeps long numbers text as they are typed; "yyyy-mm-dd", "0.0"
    label: str = ""  # how problems name the column; by default the header without its required-star
    numbering: bool = False  # only numbers the lines: written, never read

    @property
    def name(self) -> str:
        return self.label or str(self.header).rstrip("*")

    @property
    def header_keys(self) -> frozenset[str]:
        return frozenset(header_key(text) for text in (str(self.header), *self.aliases))

    def notes_line(self) -> str:
        return self.note or ("必填。" if self.required else "选填。")

    def cell_value(self, value: Any) -> Any:
        return self.format(value) if self.format is not None else value


@dataclass
class SheetSpec:
    """A sheet people fill in or receive: its columns and how its rows are read."""

    columns: tuple[Column, ...]
    max_rows: int
    too_many_rows: str | Promise  # "%(max)d" is the limit
    no_rows: str | Promise
    sheet_name: str = ""  # the data sheet of the template, looked at first when reading
    header_scan: int = 10  # the header row is looked for in this many rows (titles sit above it)
    frozen_columns: int = 0  # columns kept in view beside the frozen header
    example_prefix: str = EXAMPLE_PREFIX
    # The columns found in the header row ({key: index}) as they are to be read: a sheet whose columns mean
    # something else depending on which others are there changes them here.
    remap: Callable[[dict[str, int]], dict[str, int]] | None = None
    _by_key: dict[str, Column] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key = {column.key: column for column in self.columns}

    def column(self, key: str) -> Column:
        return self._by_key[key]

    def label(self, key: str) -> str:
        """The column as problems name it; "" for none."""
        column = self._by_key.get(key)
        return column.name if column is not None else ""

    @property
    def read_columns(self) -> list[Column]:
        return [column for column in self.columns if not column.numbering]

    @property
    def required(self) -> list[Column]:
        return [column for column in self.columns if column.required]

    def error(self, row: int, key: str, message: str) -> RowError:
        return RowError(row, self.label(key), message)

    def convert(self, row: SheetRow) -> tuple[dict[str, Any], list[RowError]]:
        """Each cell of the row through its column's parser. A cell that fails is reported with its row and
        column and left out of the values, so later checks can tell "wrong" from "empty"."""
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        for key, text in row.cells.items():
            column = self._by_key.get(key)
            if column is None or column.parse is None:
                values[key] = text
                continue
            try:
                values[key] = column.parse(text)
            except CellError as exc:
                errors.append(self.error(row.number, exc.field or key, exc.message))
        return values, errors

    def example_row(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {column.key: column.example for column in self.columns} | dict(overrides or {})


# -- parsers and formatters many sheets share ---------------------------------------------------------------


def parse_bool(text: str) -> bool:
    value = text.strip().upper()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError(_("Enter 是 or 否 (or leave the cell empty), not “%(value)s”.") % {"value": text})


def yes_no(value: Any) -> str:
    return "是" if value else "否"
