"""What work plans and monthly reports add to the lower layers: menu entries and the home work queue."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import menu, work_queue
from core.dates import local_today
from core.work_queue import QueueEntry, Urgency, Waiting
from units.access import ACTING_TOWNSHIP_ATTR, get_scope
from units.navigation import by_scope

from . import filing_selectors as sel
from .filing_access import may_file, may_see_filing, plans_visible_to
from .models.filing import WorkPlan

menu.entries.add(menu.MenuEntry("readiness", _("Work plans"), "readiness:filing_rounds", by_scope(may_see_filing), 60))
menu.entries.add(
    menu.MenuEntry("readiness", _("Monthly reports"), "readiness:monthly_reports", by_scope(may_see_filing), 70)
)


def _township_id(user: Any) -> int | None:
    """The township the user acts in (set on the request's user before the queue is built); else their only one."""
    township_id = getattr(user, ACTING_TOWNSHIP_ATTR, None)
    if township_id is None:
        ids = get_scope(user).township_ids
        township_id = next(iter(ids)) if len(ids) == 1 else None
    return township_id


def _plans_to_file(user: Any) -> Waiting:
    count = sel.plans_to_file_count(get_scope(user), _township_id(user))
    return Waiting(count, reverse("readiness:filing_rounds"))


def _plans_to_review(user: Any) -> Waiting:
    scope = get_scope(user)
    qs = plans_visible_to(user).filter(state=WorkPlan.State.SUBMITTED, round__township__in=scope.office_townships)
    return Waiting(qs.count(), reverse("readiness:filing_rounds"))


def _reports_to_file(user: Any) -> Waiting:
    today = local_today()
    count = sel.reports_to_file_count(get_scope(user), _township_id(user), today)
    return Waiting(count, f"{reverse('readiness:monthly_reports')}?month={sel.report_month(today):%Y-%m}")


for entry in (
    QueueEntry(
        "readiness.plans_to_file",
        _("File your work plan"),
        Urgency.DUE,
        by_scope(may_file),
        _plans_to_file,
        order=60,
    ),
    QueueEntry(
        "readiness.plans_to_review",
        _("Work plans to review"),
        Urgency.WAITING,
        by_scope(lambda scope: scope.is_office),
        _plans_to_review,
        order=61,
    ),
    QueueEntry(
        "readiness.monthly_to_file",
        _("Monthly report (zero report) to send"),
        Urgency.DUE,
        by_scope(may_file),
        _reports_to_file,
        order=62,
    ),
):
    work_queue.entries.add(entry)
