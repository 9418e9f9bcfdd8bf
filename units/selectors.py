"""Reads that are more than a filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    reason: str
    changes: list[Change]


ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def _display(record: Any, field_name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):  # many-to-many: the through rows, as dicts naming both ends
        field = record._meta.get_field(field_name)
        target = field.m2m_reverse_field_name() if hasattr(field, "m2m_reverse_field_name") else None
        names = [str(row.get(target, row)) if isinstance(row, dict) else str(row) for row in value]
        return "、".join(names) or "—"
    return str(value)


def master_record_history(record: models.Model, *, limit: int = 30) -> list[HistoryEntry]:
    """Who changed what and when, newest first, for the history panel of a master-data page."""
    history = list(record.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])  # type: ignore[attr-defined]
    entries: list[HistoryEntry] = []
    for i, rec in enumerate(history[:limit]):
        prev = history[i + 1] if i + 1 < len(history) else None
        changes: list[Change] = []
        if prev is not None and rec.history_type == "~":
            delta = rec.diff_against(prev, foreign_keys_are_objs=True)
            for change in delta.changes:
                field = record._meta.get_field(change.field)
                label = str(getattr(field, "verbose_name", change.field))
                changes.append(
                    Change(
                        label, _display(record, change.field, change.old), _display(record, change.field, change.new)
                    )
                )
        user = rec.history_user
        entries.append(
            HistoryEntry(
                when=rec.history_date,
                who=str(user) if user else _("system"),
                action=str(ACTIONS.get(rec.history_type, rec.history_type)),
                reason=rec.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
