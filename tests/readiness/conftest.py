"""Readiness tests: the world's villages and units have existed since 2020 (tests/readiness/backdate.py)."""

from tests.readiness.backdate import long_existing  # noqa: F401
