"""Special-operation certificates (§22 特种作业人员持证上岗): the three-yearly review (复审) and the expiry.

Each deadline is reminded at 90, 60 and 30 days before it, once each: the period names the deadline and the step,
so a daily scan records each step once, and a scan that missed days sends only the latest step reached (a
certificate entered 45 days before its expiry gets the 60-day reminder, then the 30-day one). A review recorded
moves the review deadline, and the new one is reminded in its turn. To the enterprise's contacts and the office of
its township.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.models import Certificate

from ..engine import Due, Rule, register
from ..recipients import Directory, users

STEPS = (30, 60, 90)


def step_for(days_left: int) -> int | None:
    """The reminder step a deadline `days_left` days away has reached (30, 60 or 90), None before 90 days."""
    return next((step for step in STEPS if 0 <= days_left <= step), None)


@register
class CertificateDue(Rule):
    key = "certificate_due"
    label = gettext_lazy("Special-operation certificate: review or expiry approaching")
    timing = gettext_lazy("once each at 90, 60 and 30 days before the three-yearly review or the expiry")
    recipients = gettext_lazy("the enterprise contact and the township safety office")

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        if hazard_ids is not None:
            return
        today = timezone.localdate(now)
        last = today + dt.timedelta(days=max(STEPS))
        window = Q(review_due_on__range=(today, last)) | Q(expires_on__range=(today, last))
        qs = Certificate.objects.filter(window, enterprise__is_active=True).select_related("enterprise")
        directory = Directory()
        for certificate in qs.order_by("pk").iterator(chunk_size=2000):
            recipients = users(
                directory.by_enterprise.get(certificate.enterprise_id, []),
                directory.office.get(certificate.township_id, []),
            )
            if not recipients:
                continue
            for kind, day in certificate.deadlines():
                step = step_for((day - today).days)
                if step is None:
                    continue
                yield self._due(certificate, kind, day, step, recipients)

    def _due(self, certificate: Certificate, kind: str, day: dt.date, step: int, recipients: Any) -> Due:
        values = {"holder": certificate.holder, "enterprise": certificate.enterprise.name, "day": day, "n": step}
        if kind == "review":
            title = _("Certificate review (复审) due on %(day)s: %(holder)s, %(enterprise)s") % values
        else:
            title = _("Certificate expires on %(day)s: %(holder)s, %(enterprise)s") % values
        body = _("%(n)d days or fewer left. Certificate number %(number)s, %(operation)s.") % {
            "n": step,
            "number": certificate.number,
            "operation": certificate.get_operation_display(),
        }
        return Due(
            township_id=certificate.township_id,
            object_key=f"certificate:{certificate.pk}",
            object_id=certificate.pk,
            period=f"{kind}:{day.isoformat()}:{step}",
            title=title,
            body=body,
            url=f"{reverse('readiness:certificate_list')}?state=due",
            recipients=recipients,
        )
