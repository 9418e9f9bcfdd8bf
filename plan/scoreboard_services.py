"""Every write of the scoreboard: the office's weights (history kept: who, when, old → new) and the freezing of a
closed quarter (stored once, read unchanged after)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import local_today, previous_quarter, quarter_bounds, quarter_of
from core.errors import WorkflowError
from units.access import get_scope
from units.models import Township, User

from .models import FrozenBoard, ScoreWeights
from .scoreboard import INDICATORS, Board, compute

MAX_WEIGHT = 100


def may_set_weights(user: User, township_id: int | None) -> bool:
    """The weights are the township's safety office's setting (and the administrator's)."""
    return get_scope(user).is_office_for(township_id)


@transaction.atomic
def weights_update(*, township: Township, actor: User, weights: Mapping[str, int]) -> ScoreWeights:
    """Set the township's weights; the row is locked, each change a history record naming the actor."""
    if not may_set_weights(actor, township.pk):
        raise WorkflowError(_("Only the township's safety office sets the scoreboard's weights."))
    values = {i.key: weights[i.key] for i in INDICATORS}
    if any(not 0 <= v <= MAX_WEIGHT for v in values.values()):
        raise WorkflowError(_("Each weight is between 0 and %(max)d.") % {"max": MAX_WEIGHT})
    if not sum(values.values()):
        raise WorkflowError(_("At least one weight must be above 0."))
    row = ScoreWeights.objects.select_for_update().filter(township=township).first()
    if row is None:
        row = ScoreWeights(township=township)
    elif all(getattr(row, k) == v for k, v in values.items()):
        return row  # nothing changed: no record
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_by = actor
    row.updated_at = timezone.now()
    row._history_user = actor  # type: ignore[attr-defined]
    row.save()
    return row


def has_ended(year: int, quarter: int, today: dt.date) -> bool:
    return quarter_bounds(year, quarter)[1] < today


@transaction.atomic
def freeze_quarter(*, township_id: int, year: int, quarter: int, today: dt.date | None = None) -> FrozenBoard:
    """Store a closed quarter's board once (the beat task, or the first view after the quarter ended); a quarter
    stored already is returned as it is. The township row is locked so two at once store it once."""
    today = today or local_today()
    if not has_ended(year, quarter, today):
        raise WorkflowError(_("A quarter is frozen only once it has ended."))
    Township.objects.select_for_update().get(pk=township_id)
    found = FrozenBoard.objects.filter(township_id=township_id, year=year, quarter=quarter).first()
    if found is not None:
        return found
    board = compute(township_id, year, quarter, today)
    frozen_at = timezone.now()
    board.frozen_at = frozen_at.isoformat()
    return FrozenBoard.objects.create(
        township_id=township_id, year=year, quarter=quarter, data=board.as_data(), frozen_at=frozen_at
    )


def freeze_last_quarter(today: dt.date | None = None, townships: Iterable[Township] | None = None) -> int:
    """Freeze the quarter just ended in every active township (run daily: only the first run stores anything);
    returns how many boards were stored now."""
    today = today or local_today()
    year, quarter = previous_quarter(*quarter_of(today))
    stored = 0
    for township in townships if townships is not None else Township.objects.filter(is_active=True):
        if not FrozenBoard.objects.filter(township=township, year=year, quarter=quarter).exists():
            freeze_quarter(township_id=township.pk, year=year, quarter=quarter, today=today)
            stored += 1
    return stored


def board_for(township_id: int, year: int, quarter: int, today: dt.date | None = None) -> Board:
    """A past quarter's board from its stored rows (stored now if nobody has yet); the current quarter live."""
    today = today or local_today()
    if has_ended(year, quarter, today):
        frozen = freeze_quarter(township_id=township_id, year=year, quarter=quarter, today=today)
        return Board.from_data(frozen.data)
    return compute(township_id, year, quarter, today)
