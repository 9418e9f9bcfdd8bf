"""Writes to master data that are more than a form save."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from simple_history.utils import update_change_reason


@transaction.atomic
def master_record_set_active(*, record: models.Model, active: bool, actor: Any, reason: str = "") -> bool:
    """Deactivate or reactivate a village, unit, sector, enterprise or group.

    Records that others refer to are never deleted (the hazard ledger keeps pointing at them);
    deactivation hides them from new choices. Returns False when nothing changed.
    """
    model = type(record)
    changed = model._default_manager.filter(pk=record.pk).exclude(is_active=active).exists()
    if not changed:
        return False
    record.is_active = active  # type: ignore[attr-defined]
    record._history_user = actor  # type: ignore[attr-defined]
    record.save(update_fields=["is_active"])
    if reason:
        update_change_reason(record, reason)
    return True
