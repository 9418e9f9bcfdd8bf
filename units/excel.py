"""Excel helpers shared by imports and exports: clean text in, harmless text out."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

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
