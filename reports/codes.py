"""Tracking codes: what a reporter keeps to follow the report (and claim a reward) without an account.

A code is random (secrets), 20 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown in groups of
four for reading aloud over the phone. Only its hash is stored: SHA-256 over a pepper derived from SECRET_KEY and the
code in its normal form. The code has ~100 bits of randomness, so a fast hash is enough (no dictionary to attack).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 20
GROUP = 4
# Long enough for a code typed with spaces or dashes between the groups, and no longer.
MAX_INPUT = 40


def new_code() -> str:
    """A fresh code in its normal form (no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(raw: str) -> str:
    """What the reporter typed, as a code: upper case, separators dropped (spaces, dashes), look-alikes mapped."""
    text = raw.upper().translate(str.maketrans("OIL", "011"))
    text = "".join(ch for ch in text if ch not in " -_.\u3000")
    # Codes never contain 0 or 1: a typed 0/O or 1/I/L cannot belong to a code, and hashing it finds nothing.
    return text


def grouped(code: str) -> str:
    """The code as shown: ABCD-EFGH-…"""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def _pepper() -> bytes:
    return hashlib.sha256(b"liuwei-report-tracking-code:" + settings.SECRET_KEY.encode()).digest()


def code_hash(raw: str) -> str:
    """The stored form of a code (hex SHA-256 HMAC keyed with the server's pepper)."""
    return hmac.new(_pepper(), normalise(raw).encode(), hashlib.sha256).hexdigest()
