"""Phone numbers as people write them, checked and stored in one normal form.

Reminders reach the 五落实 responsible person and the enterprise's principal by SMS (S7), and 送达 needs a number
that can be dialled: a number that is no number fails silently months later. So every phone field — the enterprise's
people, the hazard's responsible person, the keeper of a place at risk, an inspector — and every import accepts
only mainland mobile and landline numbers, and stores them the same way whatever way they were typed:

- mobiles as their 11 digits (13912345678), with a +86 / 86 / 0086 prefix dropped;
- landlines as area code, hyphen, number (0557-1234567, 021-12345678), an extension after another hyphen;
- 400 / 800 service numbers as 400-123-4567.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Between the groups people put spaces, hyphens, dots or brackets around the area code: "(0557) 123 4567".
_SEPARATORS = re.compile(r"[\s\-.()（）]+")
_EXTENSION = re.compile(r"^(?P<number>.+?)(?:转|ext\.?|x|#)(?P<ext>\d{1,6})$", re.IGNORECASE)
_COUNTRY = re.compile(r"^(?:\+86|0086|86)(?=1\d{10}$)")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SERVICE = re.compile(r"^[48]00\d{7}$")
# 010 and 02x are the three-digit area codes (Beijing, Shanghai, Tianjin, Chongqing and the big cities);
# every other area code has four digits (0557 宿州).
_LANDLINE_HYPHEN = re.compile(r"^(?P<area>0\d{2,3})-(?P<local>\d{7,8})(?:-(?P<ext>\d{1,6}))?$")
_LANDLINE_DIGITS = re.compile(r"^(?P<area>0(?:10|2\d|[3-9]\d{2}))(?P<local>\d{7,8})$")
_FLOAT_TAIL = re.compile(r"(?<=\d)\.0+$")
MAX_INPUT = 40


# Dashes of every width (‐ – — −) typed for the hyphen.
_DASHES = re.compile("[\u2010-\u2015\u2212]")


def _invalid(value: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(value)s” is not a phone number. Enter one mobile number (11 digits, such as 13912345678) or a"
            " landline with its area code (such as 0557-1234567)."
        )
        % {"value": value},
        code="phone",
    )


def _landline(text: str, extension: str) -> str | None:
    match = _LANDLINE_HYPHEN.match(text) if "-" in text else None
    if match is None:
        # Without the hyphen the area code is found by the numbering plan.
        match = _LANDLINE_DIGITS.match(text.replace("-", ""))
    if match is None:
        return None
    ext = extension or (match.groupdict().get("ext") or "")
    number = f"{match['area']}-{match['local']}"
    return f"{number}-{ext}" if ext else number


def normalise_phone(value: Any) -> str:
    """The number in its normal form; "" for an empty value. Raises ValidationError for anything else.

    Accepts what rosters and forms hold: "+86 139 1234 5678", "139-1234-5678", "0557 1234567", "(0557)1234567",
    "0557-1234567转801", "400-123-4567", full-width digits.
    """
    raw = "" if value is None else str(value)
    text = _DASHES.sub("-", unicodedata.normalize("NFKC", raw)).strip()
    # A number cell read as text by some tools: "13912345678.0".
    text = _FLOAT_TAIL.sub("", text)
    if not text:
        return ""
    # Separators go, but a hyphen between area code and number is kept to tell the two apart.
    compact = _SEPARATORS.sub(lambda m: "-" if "-" in m.group() else "", text).strip("-")
    extension = ""
    found = _EXTENSION.match(compact)
    if found is not None:
        compact, extension = found["number"].rstrip("-"), found["ext"]
    digits = compact.replace("-", "")
    mobile = _COUNTRY.sub("", digits)
    if not extension and _MOBILE.match(mobile):
        return mobile
    if not extension and _SERVICE.match(digits):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    landline = _landline(compact.lstrip("+"), extension) if digits[:1] == "0" else None
    if landline is None:
        raise _invalid(raw.strip())
    return landline


def validate_phone(value: Any) -> None:
    normalise_phone(value)


class PhoneField(forms.CharField):
    """A form field for a phone: cleaned to the normal form, so what is stored never depends on how it was typed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        # "+86 139 1234 5678" is longer than what is stored: the stored length is checked after cleaning.
        self.widget.attrs.update(maxlength=str(MAX_INPUT), inputmode="tel", autocomplete="tel")

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        if len(text) > MAX_INPUT:
            raise _invalid(text[:MAX_INPUT] + "…")
        return normalise_phone(text) if text else text
