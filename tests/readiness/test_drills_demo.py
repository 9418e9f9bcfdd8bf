"""The drills demo (load_demo_readiness_drills): loads twice without duplicates and shows every state, a §24 mark,
penalties and a unit on the 零处罚 list."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from inspections.models import Inspection
from readiness.drills import due
from readiness.drills.demo import CONTACT_ENTERPRISE
from readiness.drills.zero_penalty import enforcement_counts
from readiness.models import Drill, DrillKeyUnit, EmergencyPlan, Penalty, PenaltyKind
from units.demo import load_demo_data
from units.models import Enterprise, Township
from units.reference import TOWNSHIP_CODE

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def counts() -> dict[str, int]:
    models = (EmergencyPlan, Drill, DrillKeyUnit, Penalty, Inspection)
    return {m.__name__: m.objects.count() for m in models}


def test_it_loads_twice_without_duplicates_and_shows_each_state() -> None:
    with time_machine.travel(dt.datetime(2026, 5, 15, 10, tzinfo=TZ), tick=False):
        load_demo_data()
        call_command("load_demo_readiness_drills", "--force", stdout=StringIO())
        first = counts()
        call_command("load_demo_readiness_drills", "--force", stdout=StringIO())
        assert counts() == first
        assert first["Drill"] > 10 and first["Penalty"] == 3 and first["DrillKeyUnit"] == 1

        township = Township.objects.get(code=TOWNSHIP_CODE)
        rows = due.with_drill_state(Enterprise.objects.filter(township=township, is_active=True))
        states = {e.name: e.dr_state for e in rows}
        assert {due.DONE, due.DUE, due.OVERDUE} <= set(states.values())
        assert states[CONTACT_ENTERPRISE] == due.OVERDUE
        assert Penalty.objects.filter(kind=PenaltyKind.DOUBLE).exclude(person_name="").exists()

        q2 = enforcement_counts(frozenset({township.pk}), dt.date(2026, 4, 1), dt.date(2026, 6, 30))
        zero = {r.unit.name for r in q2 if r.zero_penalty}
        assert "派出所" in zero and "镇应急办" not in zero
