"""Training and certificates in the lower layers: the readiness menu group and its entries, and the work queue
(certificates whose review or expiry is overdue or due within 90 days)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import menu, work_queue
from core.dates import local_today
from core.work_queue import QueueEntry, Urgency, Waiting
from units.navigation import by_scope

from .training_access import certificates_visible_to, may_read_coverage, may_read_training
from .training_forms import DUE, OVERDUE
from .training_views import DUE_DAYS

READINESS = menu.groups.get("readiness")  # registered once in readiness/hooks.py
menu.entries.add(
    menu.MenuEntry(
        READINESS.key, _("Training sessions"), "readiness:training_list", by_scope(may_read_training), order=10
    )
)
menu.entries.add(
    menu.MenuEntry(
        READINESS.key, _("Training coverage"), "readiness:training_coverage", by_scope(may_read_coverage), order=11
    )
)
menu.entries.add(
    menu.MenuEntry(
        READINESS.key,
        _("Special-operation certificates"),
        "readiness:certificate_list",
        by_scope(may_read_training),
        order=12,
    )
)


def _url(state: str) -> str:
    return f"{reverse('readiness:certificate_list')}?{urlencode({'state': state})}"


def _overdue(user: Any) -> Waiting:
    count = certificates_visible_to(user).filter(next_due_on__lt=local_today()).count()
    return Waiting(count, _url(OVERDUE))


def _due(user: Any) -> Waiting:
    today = local_today()
    qs = certificates_visible_to(user).filter(
        next_due_on__gte=today, next_due_on__lte=today + dt.timedelta(days=DUE_DAYS)
    )
    return Waiting(qs.count(), _url(DUE))


# Those who act on a certificate: the office, and the enterprise whose worker holds it.
_ACTORS = by_scope(lambda scope: scope.is_office or scope.has_role("enterprise"))
work_queue.entries.add(
    QueueEntry(
        "readiness.certificates_overdue",
        _("Certificates past their review or expiry"),
        Urgency.OVERDUE,
        _ACTORS,
        _overdue,
        order=60,
    )
)
work_queue.entries.add(
    QueueEntry(
        "readiness.certificates_due", _("Certificates due for review or renewal"), Urgency.DUE, _ACTORS, _due, order=61
    )
)
