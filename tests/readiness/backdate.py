"""Test worlds' villages and units are created when the test starts; monthly reports judge a past month by who existed
by its end (their first history record), so tests of past months date the creation back to 2020."""

from __future__ import annotations

import datetime as dt

import pytest

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def date_back_creation() -> None:
    from units.models import Unit, Village

    for model in (Village, Unit):
        model.history.filter(history_type="+").update(history_date=LONG_AGO)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def long_existing(request: pytest.FixtureRequest) -> None:
    """Autouse in a module: when the test uses the world, its villages and units have existed since 2020."""
    if "world" in request.fixturenames:
        request.getfixturevalue("world")
        date_back_creation()
