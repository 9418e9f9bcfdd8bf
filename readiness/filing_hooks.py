"""What work plans and monthly reports add to the lower layers: menu entries and the home work queue."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import menu, work_queue
from core.dates import local_today
from core.work_queue import QueueEntry, Urgency, Waiting
from units.access import get_scope
from units.navigation import by_scope

from . import filing_selectors as sel
from .filing_access import may_file, may_see_filing, plans_visible_to
from .models.filing import WorkPlan

menu.entries.add(menu.MenuEntry("readiness", _("Work plans"), "readiness:filing_rounds", by_scope(may_see_filing), 60))
menu.entries.add(
    menu.MenuEntry("readiness", _("Monthly reports"), "readiness:monthly_reports", by_scope(may_see_filing), 70)
)


def _plans_to_file(user: Any) -> Waiting:
    # The scope is the township the user acts in (units.access narrows it to the session's township), as the other
    # apps' queue entries read it.
    scope = get_scope(user)
    count = sel.plans_to_file_count(scope, scope.township_ids)
    return Waiting(count, reverse("readiness:filing_rounds"))


def _plans_to_review(user: Any) -> Waiting:
    scope = get_scope(user)
    qs = plans_visible_to(user).filter(state=WorkPlan.State.SUBMITTED, round__township__in=scope.office_townships)
    return Waiting(qs.count(), reverse("readiness:filing_rounds"))


def _reports_to_file(user: Any) -> Waiting:
    today = local_today()
    scope = get_scope(user)
    count = sel.reports_to_file_count(scope, scope.township_ids, today)
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
