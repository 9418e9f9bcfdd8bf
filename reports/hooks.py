"""What public reports add to the lower layers: the menu entry (core.menu) and the work queue (core.work_queue).
Loaded by ReportsConfig.ready.

Extension points for the rewards (another part of issue 15): core.panels places "reports.detail" (the office's
report page, object: the Report) and "reports.track" (the reporter's tracking page, object: the Report found by the
code; the code itself is in request.POST["code"])."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import menu, work_queue
from core.work_queue import QueueEntry, Urgency, Waiting
from units.access import get_scope
from units.navigation import by_scope

from .access import may_see_reports, reports_visible_to
from .models import Status
from .services import reply_overdue_q

REPORTS = menu.groups.add(menu.MenuGroup("reports", _("Public reports"), order=38))
menu.entries.add(menu.MenuEntry(REPORTS.key, _("Public reports"), "reports:list", by_scope(may_see_reports), order=10))


def _handles(user: Any) -> bool:
    return get_scope(user).is_office


def _to_check(user: Any) -> Waiting:
    count = reports_visible_to(user).filter(status=Status.RECEIVED).count()
    return Waiting(count, f"{reverse('reports:list')}?{urlencode({'status': Status.RECEIVED})}")


def _reply_overdue(user: Any) -> Waiting:
    count = reports_visible_to(user).filter(reply_overdue_q()).count()
    return Waiting(count, f"{reverse('reports:list')}?{urlencode({'overdue': 'on'})}")


for entry in (
    QueueEntry("reports.to_check", _("Public reports to check"), Urgency.WAITING, _handles, _to_check, order=25),
    QueueEntry(
        "reports.reply_overdue", _("Replies to reporters overdue"), Urgency.OVERDUE, _handles, _reply_overdue, order=26
    ),
):
    work_queue.entries.add(entry)
