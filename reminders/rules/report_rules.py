"""Rules about public reports (§27): the reply to the reporter.

- The reply is due ten days after the check ended (安全生产举报奖励办法); a 12345 work order also has its own
  办结时限 (reply_due_on). The township's office is reminded the day before and once the day has passed without a
  reply. The reminder names the report by its office number and nothing of its reporter (nor its content, which may
  describe who saw what).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import Report

from ..engine import Due, Rule, register
from ..recipients import Directory, users

# The office is told this many days before a reply falls due.
REPLY_DUE_DAYS = 1


def _due_on(report: Report) -> dt.date:
    dates = [d for d in (report.feedback_due_on, report.reply_due_on) if d is not None]
    return min(dates)


@register
class ReportReplyDue(Rule):
    key = "report_reply_due"
    label = gettext_lazy("Public report: reply to the reporter due")
    timing = gettext_lazy(
        "the day before the reply is due (ten days after the check, or the 12345 work order's deadline), and once "
        "it is overdue"
    )
    recipients = gettext_lazy("the township safety office")

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        soon = today + dt.timedelta(days=REPLY_DUE_DAYS)
        reports = Report.objects.filter(
            Q(feedback_due_on__lte=soon) | Q(reply_due_on__lte=soon), replied_at__isnull=True
        ).order_by("pk")
        directory = Directory()
        for report in reports.only("pk", "township_id", "feedback_due_on", "reply_due_on"):
            due_on = _due_on(report)
            overdue = due_on < today
            title = (
                _("Reply to the reporter of %(number)s overdue (due %(date)s)")
                if overdue
                else _("Reply to the reporter of %(number)s due on %(date)s")
            ) % {"number": report.number, "date": f"{due_on:%Y-%m-%d}"}
            yield Due(
                township_id=report.township_id,
                object_key=f"report:{report.pk}",
                object_id=report.pk,
                period=f"{'overdue' if overdue else 'due'}-{due_on:%Y-%m-%d}",
                title=title,
                body=_("Write the reply on the report's page; the reporter reads it with the tracking code."),
                url=report.get_absolute_url(),
                recipients=users(directory.office.get(report.township_id, [])),
            )
