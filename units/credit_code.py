"""统一社会信用代码 (GB 32100-2015): normalising what people paste and checking the check digit."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The code's alphabet leaves out I, O, S, V and Z.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_credit_code(raw: str | None) -> str:
    """Full-width to half-width, every kind of space removed, upper case."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return "".join(ch for ch in text if not ch.isspace()).upper()


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)},
            code="length",
        )
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        raise ValidationError(
            _("The credit code contains characters that cannot occur in it: %(chars)s.") % {"chars": " ".join(bad)},
            code="alphabet",
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of the credit code must be the administrative division code (digits)."),
            code="division",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check digit of the credit code is wrong (the last character should be %(expected)s)."
                " Please check the code against the business licence."
            )
            % {"expected": expected},
            code="check_digit",
        )


def make_credit_code(body17: str) -> str:
    """Complete 17 characters with their check digit (used by the demo data and tests)."""
    return body17 + check_character(body17)
