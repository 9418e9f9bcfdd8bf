"""Loading a plan from its data file (plan/data/<key>.json): actions, measures with the plan's words, the named lead
and participating units matched to the township's units, and the dated targets.

Another township's plan, or a later year's, is a file of the same shape. Loading again adds what is missing and never
undoes the office's changes (edited words, assigned units, typed figures): rows are found by their number or key.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from units.models import Township, Unit

from .models import Action, Measure, Plan, Target

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA_DIR / "liuwei_2024_2026.json"


@dataclass
class LoadResult:
    plan: Plan
    created: int = 0
    unmatched: list[str] = field(default_factory=list)  # unit names the plan gives that the township lacks


def read_plan_file(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def match_unit(township: Township, name: str, aliases: dict[str, str]) -> Unit | None:
    """A unit of the township by the plan's name or by the alias the data file gives for it."""
    if not name:
        return None
    units = Unit.objects.filter(township=township, is_active=True)
    return units.filter(name=name).first() or units.filter(name=aliases.get(name, "")).first()


@transaction.atomic
def load_plan(data: dict[str, Any], township: Township) -> LoadResult:
    plan, created = Plan.objects.get_or_create(
        township=township,
        key=data["key"],
        defaults={
            "title": data["title"],
            "document": data.get("document", ""),
            "starts_on": dt.date.fromisoformat(data["starts_on"]),
            "ends_on": dt.date.fromisoformat(data["ends_on"]),
        },
    )
    result = LoadResult(plan, created=int(created))
    actions = {}
    for row in data["actions"]:
        action, made = Action.objects.get_or_create(plan=plan, number=row["number"], defaults={"title": row["title"]})
        actions[action.number] = action
        result.created += int(made)
    aliases: dict[str, str] = data.get("unit_aliases", {})
    for row in data["measures"]:
        if Measure.objects.filter(plan=plan, number=row["number"]).exists():
            continue
        lead = match_unit(township, row.get("lead", ""), aliases)
        if row.get("lead") and lead is None:
            result.unmatched.append(row["lead"])
        participants = []
        for name in row.get("participants", []):
            unit = match_unit(township, name, aliases)
            if unit is None:
                result.unmatched.append(name)
            elif unit != lead and unit not in participants:
                participants.append(unit)
        measure = Measure.objects.create(
            plan=plan,
            action=actions[row["action"]],
            number=row["number"],
            heading=row.get("heading", ""),
            text=row["text"],
            named_lead=row.get("lead", ""),
            named_participants="、".join(row.get("participants", [])),
            lead_unit=lead,
        )
        measure.participating_units.set(participants)
        result.created += 1
    measures = {m.number: m for m in Measure.objects.filter(plan=plan)}
    for order, row in enumerate(data.get("targets", [])):
        _target, made = Target.objects.get_or_create(
            plan=plan,
            key=row["key"],
            defaults={
                "measure": measures.get(row.get("measure")),
                "name": row["name"],
                "text": row.get("text", ""),
                "kind": row["kind"],
                "goal": Decimal(row["goal"]),
                "unit_label": row.get("unit_label", ""),
                "deadline": dt.date.fromisoformat(row["deadline"]) if row.get("deadline") else None,
                "source": row.get("source", ""),
                "order": order,
            },
        )
        result.created += int(made)
    return result
