"""Rules about emergency drills (§24): due soon and overdue, per calendar half-year (readiness.drills.due).

- Due soon: from DUE_SOON_DAYS before the half-year's last day (every yearly and half-yearly period ends on 30 June
  or 31 December), once per half-year while a drill owed for it is not held: the enterprise contact and the office.
- Overdue: once per missed half-year, when the previous period passed without the drill and none is held yet: the
  enterprise contact and the office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import half_bounds, half_key, previous_half_bounds
from readiness.drills import due as drills
from units.models import Enterprise

from ..engine import Due, Rule, register
from ..recipients import Directory, users


class _DrillRule(Rule):
    states: tuple[str, ...]

    def enterprises(self, today: dt.date) -> QuerySet[Enterprise]:
        qs = drills.with_drill_state(Enterprise.objects.filter(is_active=True), today)
        return qs.filter(Q(dr_state__in=self.states)).only("pk", "name", "township_id", "created_at").order_by("pk")

    def item(self, enterprise: Enterprise, directory: Directory, period: str, title: str, body: str) -> Due | None:
        recipients = users(
            directory.by_enterprise.get(enterprise.pk, []), directory.office.get(enterprise.township_id, [])
        )
        if not recipients:
            return None
        return Due(
            township_id=enterprise.township_id,
            object_key=f"drills:{enterprise.pk}",
            object_id=enterprise.pk,
            period=period,
            title=title,
            body=body,
            url=reverse("readiness:enterprise_drills", args=[enterprise.pk]),
            recipients=recipients,
        )


def _owed(status: drills.DrillStatus, state: str) -> str:
    return "；".join(o.label for o in status.obligations if o.state == state)


@register
class DrillDueSoon(_DrillRule):
    key = "drill_due_soon"
    label = gettext_lazy("Emergency drill due soon")
    timing = gettext_lazy(
        "once per half-year, from 30 days before 30 June or 31 December, while a drill owed is not held"
    )
    recipients = gettext_lazy("the enterprise contact and the office")
    states = (drills.DUE,)

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        half_end = half_bounds(today)[1]
        if (half_end - today).days > drills.DUE_SOON_DAYS:
            return
        directory = Directory()
        for enterprise in self.enterprises(today).iterator(chunk_size=2000):
            status = drills.status_from_annotations(enterprise, today)
            owed = [o for o in status.obligations if o.state == drills.DUE and o.due_on == half_end]
            if not owed:
                continue
            item = self.item(
                enterprise,
                directory,
                f"due:{half_key(today)}",
                _("Emergency drill due by %(day)s: %(enterprise)s") % {"day": half_end, "enterprise": enterprise.name},
                _("Still to hold: %(owed)s.") % {"owed": _owed(status, drills.DUE)},
            )
            if item is not None:
                yield item


@register
class DrillOverdue(_DrillRule):
    key = "drill_overdue"
    label = gettext_lazy("Emergency drill overdue")
    timing = gettext_lazy("once per missed half-year, while no drill is held in the current one")
    recipients = gettext_lazy("the enterprise contact and the office")
    states = (drills.OVERDUE,)

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        previous = previous_half_bounds(today)[0]
        directory = Directory()
        for enterprise in self.enterprises(today).iterator(chunk_size=2000):
            status = drills.status_from_annotations(enterprise, today)
            item = self.item(
                enterprise,
                directory,
                f"overdue:{half_key(previous)}",
                _("Emergency drill overdue: %(enterprise)s") % {"enterprise": enterprise.name},
                _("Not held in time: %(owed)s. Last drill: %(day)s.")
                % {"owed": _owed(status, drills.OVERDUE), "day": status.last_drill_on or "—"},
            )
            if item is not None:
                yield item
