"""Rules about work plans (三(一) filing deadlines the office sets) and monthly reports (月报, 零报告).

- Work plan due: the officers of each village and the staff of each unit that has not filed (or was returned),
  once 3 days before the round's deadline; overdue: once the day after it, and the office once with the count.
- Monthly report: the officers/staff of each village and unit that must report and has not, once from the first
  day of the following month, and once more the day after the due day (the township's setting, default the 5th).
Dates are those of Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness import filing_selectors as sel
from readiness.models.filing import FilingRound
from units.models import Township

from ..engine import Due, Recipient, Rule, register
from ..recipients import Directory, users

PLAN_DUE_DAYS = 3


def _people(directory: Directory, target: sel.Target) -> list[Recipient]:
    return users(directory.by_village[target.obj.pk] if target.is_village else directory.by_unit[target.obj.pk])


class _PlanRule(Rule):
    recipients = gettext_lazy("the officers of the village or the staff of the unit that has not filed")
    period: str

    def rounds(self, today: dt.date) -> Any:
        raise NotImplementedError

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        directory = Directory()
        for round in self.rounds(today).order_by("pk"):
            url = reverse("readiness:filing_round", args=[round.pk])
            for line in sel.round_lines(round, sel.round_filers(round)):
                if not line.waits_for_filer:
                    continue
                people = _people(directory, line.target)
                if people:
                    yield Due(
                        round.township_id, f"round:{round.pk}:{line.target.key}", round.pk, self.period,
                        self.title(round, line.target), "", url, people,
                    )  # fmt: skip

    def title(self, round: FilingRound, target: sel.Target) -> str:
        raise NotImplementedError


@register
class WorkPlanDue(_PlanRule):
    key = "work_plan_due"
    label = gettext_lazy("Work plan: filing deadline approaching")
    timing = gettext_lazy("once, 3 days before the round's deadline, while the plan is not filed or was returned")
    period = "due"

    def rounds(self, today: dt.date) -> Any:
        return FilingRound.objects.filter(deadline__gte=today, deadline__lte=today + dt.timedelta(days=PLAN_DUE_DAYS))

    def title(self, round: FilingRound, target: sel.Target) -> str:
        return _("File the work plan of %(name)s by %(day)s: %(round)s") % {
            "name": target.name, "day": round.deadline, "round": round.title,
        }  # fmt: skip


@register
class WorkPlanOverdue(_PlanRule):
    key = "work_plan_overdue"
    label = gettext_lazy("Work plan: not filed by the deadline")
    timing = gettext_lazy("once, the day after the round's deadline, while the plan is not filed or was returned")
    period = "overdue"

    def rounds(self, today: dt.date) -> Any:
        return FilingRound.objects.filter(deadline__lt=today)

    def title(self, round: FilingRound, target: sel.Target) -> str:
        return _("Overdue: the work plan of %(name)s was due on %(day)s: %(round)s") % {
            "name": target.name, "day": round.deadline, "round": round.title,
        }  # fmt: skip


class _MonthlyRule(Rule):
    recipients = gettext_lazy("the officers of the village or the staff of the unit that has not reported")
    states: tuple[str, ...]
    period_name: str

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        month = sel.report_month(today)
        directory = Directory()
        url = f"{reverse('readiness:monthly_reports')}?month={month:%Y-%m}"
        for township in Township.objects.filter(is_active=True).order_by("pk"):
            book = sel.Reporters(township.pk)
            for line in sel.month_lines(township.pk, month, book.for_month(month), today, book):
                if line.state not in self.states:
                    continue
                people = _people(directory, line.target)
                if people:
                    yield Due(
                        township.pk, f"monthly:{line.target.key}", line.target.obj.pk,
                        f"{month:%Y-%m}:{self.period_name}", self.title(line.target, month), "", url, people,
                    )  # fmt: skip

    def title(self, target: sel.Target, month: dt.date) -> str:
        raise NotImplementedError


@register
class MonthlyReportDue(_MonthlyRule):
    key = "monthly_report_due"
    label = gettext_lazy("Monthly report (zero report) due")
    timing = gettext_lazy("once a month, from the first day of the following month, while it is not sent")
    states = (sel.WAITING,)
    period_name = "due"

    def title(self, target: sel.Target, month: dt.date) -> str:
        return _("Send the monthly report of %(name)s for %(month)s (a zero report if nothing was found)") % {
            "name": target.name, "month": f"{month:%Y-%m}",
        }  # fmt: skip


@register
class MonthlyReportOverdue(_MonthlyRule):
    key = "monthly_report_overdue"
    label = gettext_lazy("Monthly report not sent by the due day")
    timing = gettext_lazy("once a month, the day after the due day, while it is not sent")
    states = (sel.MISSING,)
    period_name = "overdue"

    def title(self, target: sel.Target, month: dt.date) -> str:
        return _("Overdue: the monthly report of %(name)s for %(month)s was not sent") % {
            "name": target.name, "month": f"{month:%Y-%m}",
        }  # fmt: skip
