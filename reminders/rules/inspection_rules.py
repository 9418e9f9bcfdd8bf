"""Rules about inspections (quarterly supervision, handed-over problems, self-inspections).

- Quarterly supervision (§1): the group's leader and members are told at the start of the quarter what they are to
  visit, and again per visit from 15 days before the quarter's last day; after the quarter the office receives the
  list of the visits missed.
- Handed-over work problems (交办单, 限期交办): the responsible village's officers or unit's staff, before the
  deadline and once it has passed without a reply.
- Enterprise self-inspections (§4: quarterly, monthly in the high-risk sectors): the enterprise's contacts once per
  period while it is not done; once a period was missed, also the officers of the enterprise's village.

§28 四不两直: none of these rules is about a planned inspection of an enterprise, so nothing ever tells the target
of an unannounced inspection that it is coming. Supervision visits inspect the *work* of villages and units, and
their reminders go to the group that inspects, never to the inspected.

Every rule looks its objects up in a constant number of queries, whatever their number, and yields each with all
its recipients; the engine records only the recipients not yet reminded for the period. Dates are those of
Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Case, CharField, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from core.dates import month_bounds, previous_quarter, quarter_bounds, quarter_label, quarter_of
from inspections.models import Status, SupervisionVisit, WorkProblem
from inspections.plans import (
    DUE,
    OVERDUE,
    problems_overdue_q,
    status_from_annotations,
    visit_order,
    with_self_inspection_state,
)
from units.models import Enterprise, SupervisionGroup, Township, User

from ..engine import Due, Recipient, Rule, register
from ..recipients import Directory, users

# A visit is done once its inspection is submitted (as on the quarter board); no inspection at all is not done.
VISIT_NOT_DONE = ~Q(inspection__status=Status.SUBMITTED)
# Visits not yet done are reminded from this many days before the quarter's last day.
VISITS_DUE_DAYS = 15
# Handed-over problems are reminded from this many days before their deadline.
PROBLEM_DUE_DAYS = 3


# -- periods -----------------------------------------------------------------------------------------------------


def quarter_key(year: int, quarter: int) -> str:
    """The period of a quarter as stored on a reminder: "2026Q2"."""
    return f"{year}Q{quarter}"


def month_key(day: dt.date) -> str:
    """The period of a month as stored on a reminder: "2026-05"."""
    return f"{day:%Y-%m}"


def month_label(day: dt.date) -> str:
    return _("%(year)d, month %(month)d") % {"year": day.year, "month": day.month}


def quarter_board_url(year: int, quarter: int) -> str:
    return f"{reverse('inspections:quarter_board')}?year={year}&quarter={quarter}"


def _group_people(group: SupervisionGroup) -> list[Recipient]:
    """The group's leader and members (members prefetched, active only)."""
    leader = [group.leader] if group.leader.is_active else []
    return users(leader, group.members.all())


def _active_members(lookup: str = "members") -> Prefetch[Any]:
    return Prefetch(lookup, queryset=User.objects.filter(is_active=True).order_by("pk"))


def _target_name(visit: SupervisionVisit) -> str:
    return str(visit.village or visit.unit)


# -- quarterly supervision visits (§1) -----------------------------------------------------------------------------


@register
class QuarterStart(Rule):
    key = "quarter_start"
    label = gettext_lazy("Quarterly supervision: the quarter's visits")
    timing = gettext_lazy("once per quarter, as soon as the group's visits of the quarter are planned")
    recipients = gettext_lazy("the supervision group's leader and members")

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        year, quarter = quarter_of(today)
        period = quarter_key(year, quarter)
        visits = SupervisionVisit.objects.filter(year=year, quarter=quarter)
        pending = visits.filter(VISIT_NOT_DONE, group=OuterRef("pk"))
        active = SupervisionGroup.objects.filter(Exists(pending), is_active=True)
        groups: QuerySet[SupervisionGroup] = (
            active.select_related("leader")
            .prefetch_related(
                _active_members(),
                Prefetch(
                    "visits",
                    queryset=visits.filter(VISIT_NOT_DONE).select_related("village", "unit"),
                    to_attr="quarter_visits",
                ),
            )
            .order_by("pk")
        )
        label = quarter_label(year, quarter)
        for group in groups:
            recipients = _group_people(group)
            if not recipients:
                continue
            planned: list[SupervisionVisit] = group.quarter_visits  # type: ignore[attr-defined]
            planned.sort(key=visit_order)
            count = len(planned)
            title = ngettext(
                "%(group)s: %(count)d village or unit to visit in %(quarter)s",
                "%(group)s: %(count)d villages and units to visit in %(quarter)s",
                count,
            ) % {"group": group.name, "count": count, "quarter": label}
            last_day = quarter_bounds(year, quarter)[1]
            body = _("To visit by %(day)s: %(targets)s.") % {
                "day": last_day,
                "targets": pgettext("list separator", ", ").join(_target_name(v) for v in planned),
            }
            yield Due(
                township_id=group.township_id,
                object_key=f"group:{group.pk}",
                object_id=group.pk,
                period=period,
                title=title,
                body=body,
                url=quarter_board_url(year, quarter),
                recipients=recipients,
            )


@register
class QuarterVisitsDue(Rule):
    key = "quarter_visits_due"
    label = gettext_lazy("Quarterly supervision: visit not done yet")
    timing = gettext_lazy("once, from 15 days before the quarter's last day, for each visit not done yet")
    recipients = gettext_lazy("the supervision group's leader and members")

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        year, quarter = quarter_of(today)
        last_day = quarter_bounds(year, quarter)[1]
        if today < last_day - dt.timedelta(days=VISITS_DUE_DAYS):
            return
        period = f"{quarter_key(year, quarter)}-due"
        visits = SupervisionVisit.objects.filter(VISIT_NOT_DONE, year=year, quarter=quarter, group__is_active=True)
        visits = (
            visits.select_related("group__leader", "village", "unit", "inspection")
            .prefetch_related(_active_members("group__members"))
            .order_by("group_id", "pk")
        )
        days_left = (last_day - today).days
        for visit in visits:
            recipients = _group_people(visit.group)
            if not recipients:
                continue
            target = _target_name(visit)
            title = ngettext(
                "Supervision visit not done yet: %(target)s (%(group)s), %(n)d day left in %(quarter)s",
                "Supervision visit not done yet: %(target)s (%(group)s), %(n)d days left in %(quarter)s",
                days_left,
            ) % {"target": target, "group": visit.group.name, "n": days_left, "quarter": quarter_label(year, quarter)}
            inspection = visit.inspection
            yield Due(
                township_id=visit.township_id,
                object_key=f"visit:{visit.pk}",
                object_id=visit.pk,
                period=period,
                title=title,
                body=_("The work of %(target)s is to be inspected by %(day)s.") % {"target": target, "day": last_day},
                url=inspection.get_absolute_url() if inspection is not None else quarter_board_url(year, quarter),
                recipients=recipients,
            )


@register
class QuarterMissed(Rule):
    key = "quarter_missed"
    label = gettext_lazy("Quarterly supervision: visits missed")
    timing = gettext_lazy("once, in the following quarter, for the quarter just ended")
    recipients = gettext_lazy("the township safety office")

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        year, quarter = previous_quarter(*quarter_of(today))
        period = f"{quarter_key(year, quarter)}-missed"
        missed = SupervisionVisit.objects.filter(VISIT_NOT_DONE, year=year, quarter=quarter)
        townships = Township.objects.filter(Exists(missed.filter(township=OuterRef("pk"))), is_active=True)
        wanted = list(townships.order_by("pk").values_list("pk", flat=True))
        if not wanted:
            return
        per_township: dict[int, list[SupervisionVisit]] = {pk: [] for pk in wanted}
        rows = missed.filter(township__in=wanted).select_related("group", "village", "unit")
        for visit in rows.order_by("group__name", "group_id", "pk"):
            per_township[visit.township_id].append(visit)
        directory = Directory()
        label = quarter_label(year, quarter)
        for township_id, visits in per_township.items():
            recipients = users(directory.office.get(township_id, []))
            if not recipients:
                continue
            title = ngettext(
                "%(quarter)s: %(count)d supervision visit was missed",
                "%(quarter)s: %(count)d supervision visits were missed",
                len(visits),
            ) % {"quarter": label, "count": len(visits)}
            lines = [_("%(group)s — %(target)s") % {"group": v.group.name, "target": _target_name(v)} for v in visits]
            yield Due(
                township_id=township_id,
                object_key=f"township:{township_id}",
                object_id=township_id,
                period=period,
                title=title,
                body="\n".join(lines),
                url=quarter_board_url(year, quarter),
                recipients=recipients,
            )


# -- handed-over work problems (交办单: 限期交办, 跟踪问效) -----------------------------------------------------------


class _ProblemRule(Rule):
    """A problem still waiting for its reply, to the responsible village's officers or unit's staff."""

    period_name: str

    def problems(self, today: dt.date) -> QuerySet[WorkProblem]:
        raise NotImplementedError

    def title(self, problem: WorkProblem, today: dt.date) -> str:
        raise NotImplementedError

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        qs = self.problems(today)
        directory = Directory()
        for problem in qs.select_related("village", "unit").order_by("deadline", "pk").iterator(chunk_size=2000):
            if problem.unit_id is not None:
                people = directory.by_unit.get(problem.unit_id, [])
            else:
                people = directory.by_village.get(problem.village_id or 0, [])
            recipients = users(people)
            if not recipients:
                continue
            body = problem.description
            if problem.required_reply:
                body += "\n" + _("Reply required: %(reply)s") % {"reply": problem.required_reply}
            yield Due(
                township_id=problem.township_id,
                object_key=f"problem:{problem.pk}",
                object_id=problem.pk,
                period=f"{self.period_name}:{problem.deadline.isoformat()}",
                title=self.title(problem, today),
                body=body,
                url=problem.get_absolute_url(),
                recipients=recipients,
            )


def _short(problem: WorkProblem) -> str:
    return Truncator(problem.description).chars(60)


@register
class ProblemDue(_ProblemRule):
    key = "problem_due"
    label = gettext_lazy("Handed-over problem: deadline approaching")
    timing = gettext_lazy("once, 3 days before the deadline, while the problem waits for its reply")
    recipients = gettext_lazy("the responsible village's officers or unit's staff")
    period_name = "due"

    def problems(self, today: dt.date) -> QuerySet[WorkProblem]:
        return WorkProblem.objects.filter(
            state=WorkProblem.State.OPEN,
            deadline__gte=today,
            deadline__lte=today + dt.timedelta(days=PROBLEM_DUE_DAYS),
        )

    def title(self, problem: WorkProblem, today: dt.date) -> str:
        return _("Reply due by %(day)s to the problem handed over: %(problem)s") % {
            "day": problem.deadline, "problem": _short(problem),
        }  # fmt: skip


@register
class ProblemOverdue(_ProblemRule):
    key = "problem_overdue"
    label = gettext_lazy("Handed-over problem: overdue")
    timing = gettext_lazy("once, the day after the deadline, when no reply was given")
    recipients = gettext_lazy("the responsible village's officers or unit's staff")
    period_name = "overdue"

    def problems(self, today: dt.date) -> QuerySet[WorkProblem]:
        return WorkProblem.objects.filter(problems_overdue_q(today))

    def title(self, problem: WorkProblem, today: dt.date) -> str:
        return _("Overdue: the reply to the problem handed over was due on %(day)s: %(problem)s") % {
            "day": problem.deadline, "problem": _short(problem),
        }  # fmt: skip


# -- enterprise self-inspections (§4: quarterly; monthly in the high-risk sectors) ------------------------------


def _self_periods(today: dt.date) -> dict[str, str]:
    """The current and the previous period, monthly and quarterly, as stored on reminders."""
    month_start = month_bounds(today)[0]
    year, quarter = quarter_of(today)
    return {
        "month": month_key(month_start),
        "quarter": quarter_key(year, quarter),
        "prev_month": month_key(month_start - dt.timedelta(days=1)),
        "prev_quarter": quarter_key(*previous_quarter(year, quarter)),
    }


class _SelfInspectionRule(Rule):
    """Active enterprises in some self-inspection states, with their states and periods in one query."""

    states: tuple[str, ...]

    def period(self, monthly: str, quarterly: str) -> Any:
        """The reminder's period for a monthly or quarterly enterprise, as an SQL expression on the row."""
        return Case(When(si_monthly=True, then=Value(monthly)), default=Value(quarterly), output_field=CharField())

    def enterprises(self, today: dt.date, period: Any) -> QuerySet[Enterprise]:
        qs = with_self_inspection_state(Enterprise.objects.filter(is_active=True), today)
        # si_state is an annotation: Q keeps the type checker out.
        qs = qs.annotate(si_period=period).filter(Q(si_state__in=self.states))
        return qs.only("pk", "name", "township_id", "village_id").order_by("pk")


@register
class SelfInspectionDue(_SelfInspectionRule):
    key = "self_inspection_due"
    label = gettext_lazy("Enterprise self-inspection due")
    timing = gettext_lazy("once per period (quarter; month in the high-risk sectors) while it is not done")
    recipients = gettext_lazy("the enterprise contact")
    states = (DUE, OVERDUE)

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        p = _self_periods(today)
        directory = Directory()
        qs = self.enterprises(today, self.period(p["month"], p["quarter"]))
        for enterprise in qs.iterator(chunk_size=2000):
            recipients = users(directory.by_enterprise.get(enterprise.pk, []))
            if not recipients:
                continue
            status = status_from_annotations(enterprise, today)
            yield Due(
                township_id=enterprise.township_id,
                object_key=f"enterprise:{enterprise.pk}",
                object_id=enterprise.pk,
                period=enterprise.si_period,  # type: ignore[attr-defined]
                title=_("Self-inspection due for %(period)s: %(enterprise)s")
                % {"period": status.period_label, "enterprise": enterprise.name},
                body=_(
                    "The principal leads a full self-inspection of the enterprise and files it by %(day)s "
                    "(found hazards are reported with it)."
                )
                % {"day": status.period_end},
                url=reverse("inspections:self_inspections"),
                recipients=recipients,
            )


@register
class SelfInspectionOverdue(_SelfInspectionRule):
    key = "self_inspection_overdue"
    label = gettext_lazy("Enterprise self-inspection overdue")
    timing = gettext_lazy("once per missed period, when neither the last period nor the current one was done")
    recipients = gettext_lazy("the enterprise contact and the village officers")
    states = (OVERDUE,)

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        p = _self_periods(today)
        month_start = month_bounds(today)[0]
        previous_month = month_label(month_start - dt.timedelta(days=1))
        previous = quarter_label(*previous_quarter(*quarter_of(today)))
        directory = Directory()
        qs = self.enterprises(today, self.period(f"overdue:{p['prev_month']}", f"overdue:{p['prev_quarter']}"))
        for enterprise in qs.iterator(chunk_size=2000):
            recipients = users(
                directory.by_enterprise.get(enterprise.pk, []), directory.by_village.get(enterprise.village_id, [])
            )
            if not recipients:
                continue
            status = status_from_annotations(enterprise, today)
            last = status.last_done_on
            yield Due(
                township_id=enterprise.township_id,
                object_key=f"enterprise:{enterprise.pk}",
                object_id=enterprise.pk,
                period=enterprise.si_period,  # type: ignore[attr-defined]
                title=_("Self-inspection overdue: %(enterprise)s filed none for %(period)s")
                % {"enterprise": enterprise.name, "period": previous_month if status.is_monthly else previous},
                body=(
                    _("Last self-inspection filed on %(day)s.") % {"day": last}
                    if last
                    else _("No self-inspection was ever filed.")
                ),
                url=reverse("inspections:self_inspections"),
                recipients=recipients,
            )
