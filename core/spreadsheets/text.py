"""Clean text in, harmless text out: how a cell's value becomes the text a person meant, and back."""

from __future__ import annotations

import math
import re
import unicodedata
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
