"""Excel helpers shared by imports and exports: clean text in, harmless text out."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

T = TypeVar("T")

# C0 controls except tab, newline and carriage return, plus DEL: Excel rejects them in cells
# and they are never meant by the person who typed the text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Lone surrogates cannot be encoded as UTF-8, so a workbook or page containing one fails to save.
_SURROGATE = re.compile("[\ud800-\udfff]")
# A cell starting with one of these is taken by Excel/WPS as a formula (CSV/DDE injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Full-width ASCII letters, digits and the ideographic space: typed with a Chinese IME, meant as ASCII.
# Full-width punctuation such as （） and ： is left alone: it is ordinary in Chinese names.
_FULL_WIDTH_ALNUM = re.compile("[\u3000\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_WHITESPACE = re.compile(r"\s+")
# Header decoration that differs between the template and what people retype: spaces, line breaks,
# the asterisk of required columns and a parenthesised hint such as (是/否).
_HEADER_NOISE = re.compile(r"[\s*]|\([^)]*\)")


class MissingHeadersError(ValueError):
    """No header row holds every required column; `missing` are the headers not found."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("Missing column headers: " + "、".join(missing))
        self.missing = missing


def strip_control(text: str) -> str:
    return _SURROGATE.sub("", _CONTROL.sub("", text))


def safe_cell(value: T) -> T | str:
    """A value as it may be written to a spreadsheet cell; strings can no longer act as formulas."""
    if not isinstance(value, str):
        return value
    text = strip_control(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _normalise_width(text: str) -> str:
    return _FULL_WIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _number_text(value: float | Decimal) -> str:
    # Phone numbers and codes typed into a number cell come back as 13812345678.0 or 1.38e10.
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    number = Decimal(repr(value)) if isinstance(value, float) else value
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def cell_text(value: Any) -> str:
    """A cell value as read by openpyxl, as the clean single-line text a person meant."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return _number_text(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    # Formulas arrive as their source text ("=HYPERLINK(...)"): kept as text, never evaluated.
    text = strip_control(str(value))
    return _WHITESPACE.sub(" ", _normalise_width(text)).strip()


def name_key(text: str) -> str:
    """What two spellings of one name have in common: full-width brackets and stray spaces differ between what
    was typed and what is stored."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def header_key(text: Any) -> str:
    """What two spellings of the same column header have in common."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", cell_text(text)))


def _match_headers(row: Sequence[Any], wanted: Mapping[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(row):
        field = wanted.get(header_key(value))
        if field is not None and field not in found:
            found[field] = index
    return found


def header_index(
    rows: Iterable[Sequence[Any]],
    expected_headers: Sequence[tuple[str, str]],
    max_scan: int = 10,
    *,
    required: Iterable[str] | None = None,
) -> tuple[int, dict[str, int]]:
    """Find the header row among the first rows (a title row may sit above it).

    `expected_headers` are (field, header) pairs; a field may appear more than once, with other
    names people give that column. Returns the 1-based number of the header row
    and {field: 0-based column index} for the columns present. Raises ValueError naming the
    missing headers when no row holds all `required` fields (all fields by default).
    """
    wanted = {header_key(header): field for field, header in expected_headers}
    labels: dict[str, str] = {}
    for field, header in expected_headers:
        labels.setdefault(field, header)  # a field may be listed again under another name; name the first
    needed = list(required) if required is not None else [field for field, _ in expected_headers]
    best: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        if number > max_scan:
            break
        found = _match_headers(row, wanted)
        if all(field in found for field in needed):
            return number, found
        if len(found) > len(best):
            best = found
    raise MissingHeadersError([labels[field] for field in needed if field not in best])


# -- report sheets in the county's format (title row, 填报 line, header, data) -----------------------------

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
_THIN = Side(style="thin", color="808080")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def filler_line(township_name: str, filler: str, day: date) -> str:
    """The line county forms carry under the title: who fills in, who reviews, when."""
    date_text = f"{day.year}年{day.month}月{day.day}日"
    return f"填报单位：{township_name}安委办    填报人：{filler}    审核人：        填报日期：{date_text}"


def _cell(ws: Any, value: Any, **style: Any) -> Any:
    cell = WriteOnlyCell(ws, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def write_report_head(
    ws: Any, title: str, line: str, columns: Sequence[tuple[str, int]], *, freeze: str = "A4"
) -> None:
    """Title, 填报 line and header of a write-only sheet; column widths and frozen panes are set first, since
    write-only sheets take layout only before the first row."""
    last = get_column_letter(len(columns))
    for index, (_header, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = freeze
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[3].height = 32
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.append([_cell(ws, safe_cell(title), font=Font(bold=True, size=16), alignment=center)])
    ws.append([_cell(ws, safe_cell(line), alignment=Alignment(vertical="center"))])
    header_style = {"font": Font(bold=True), "fill": _HEADER_FILL, "alignment": center,
                    "border": Border(_THIN, _THIN, _THIN, _THIN)}  # fmt: skip
    ws.append([_cell(ws, header, **header_style) for header, _width in columns])


def report_cells(ws: Any, values: Sequence[Any]) -> list[Any]:
    """One data row: dates as real date cells, money as numbers, every text made harmless (safe_cell)."""
    cells: list[Any] = []
    for value in values:
        if isinstance(value, date):
            cells.append(_cell(ws, value, number_format=DATE_FORMAT))
        elif isinstance(value, Decimal):
            cells.append(_cell(ws, value, number_format=MONEY_FORMAT))
        else:
            cells.append(safe_cell(value))
    return cells
