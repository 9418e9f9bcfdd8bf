"""Rules about hazards: rectification deadlines, registration notices (§18) and listed hazards past due (§17).

Each rule yields every hazard in its window with all its recipients, whether reminded already or not: the engine
records only the (object, period, recipient) rows that are missing, so a recipient is never skipped because
another one of the same hazard was reminded (SPEC S7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hazards.models import DEADLINE_STATUSES, Hazard, Listing, Status

from ..engine import Due, Rule, register
from ..recipients import Directory, phones, users

# (period name, days before the deadline from, up to but not including)
WINDOWS = [("d-7", 7, 3), ("d-3", 3, 1), ("d-1", 1, 0)]


@register
class RectificationDeadline(Rule):
    key = "rectification_deadline"
    label = gettext_lazy("Rectification deadline")
    timing = gettext_lazy("7, 3 and 1 days before the deadline, and once when it has passed")
    recipients = gettext_lazy(
        "the enterprise contact, the village officers and the lead unit's staff, and by SMS the person responsible "
        "for rectification; once overdue, also the township safety office"
    )

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        today = timezone.localdate(now)
        directory = Directory()
        qs = Hazard.objects.filter(status__in=DEADLINE_STATUSES, deadline__isnull=False)
        if hazard_ids is not None:
            qs = qs.filter(pk__in=hazard_ids)
        for name, start, end in WINDOWS:
            window = qs.filter(
                deadline__gt=today + dt.timedelta(days=end), deadline__lte=today + dt.timedelta(days=start)
            )
            yield from self._items(window, name, today, directory)
        overdue = qs.filter(deadline__lt=today)
        yield from self._items(overdue, "overdue", today, directory)

    def _items(self, qs: QuerySet[Hazard], name: str, today: dt.date, directory: Directory) -> Iterator[Due]:
        for hazard in qs.select_related("enterprise").iterator(chunk_size=2000):
            deadline: dt.date = hazard.deadline  # type: ignore[assignment]
            if name == "overdue":
                title = _("Overdue: “%(title)s” was due on %(day)s") % {"title": hazard.numbered_title, "day": deadline}
            else:
                days = (deadline - today).days
                title = _("“%(title)s” must be rectified within %(n)d days (by %(day)s)") % {
                    "title": hazard.numbered_title, "n": days, "day": deadline,
                }  # fmt: skip
            people = [
                directory.by_enterprise.get(hazard.enterprise_id or 0, []),
                directory.by_village.get(hazard.village_id, []),
                directory.by_unit.get(hazard.lead_unit_id or 0, []),
            ]
            if name == "overdue":
                people.append(directory.office.get(hazard.township_id, []))
            where = hazard.enterprise.name if hazard.enterprise else hazard.location
            yield Due(
                township_id=hazard.township_id,
                object_key=f"hazard:{hazard.pk}",
                object_id=hazard.pk,
                period=f"{name}:{deadline.isoformat()}",
                title=title,
                body=_("%(where)s: %(measures)s") % {"where": where, "measures": hazard.measures or hazard.description},
                url=hazard.get_absolute_url(),
                recipients=users(*people) + phones(hazard.responsible_phone),
            )


@register
class HazardRegistered(Rule):
    """§18: the principal and the actual controller are told when a hazard of their enterprise is registered."""

    key = "hazard_registered"
    label = gettext_lazy("Hazard registered (notice to the enterprise)")
    timing = gettext_lazy("as soon as a hazard of an enterprise is registered")
    recipients = gettext_lazy("the enterprise contact, and by SMS the principal and the actual controller")
    RECENT = dt.timedelta(days=30)

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        directory = Directory()
        qs = Hazard.objects.filter(
            enterprise__isnull=False,
            status__in=[Status.CONFIRMED, Status.RECTIFYING, Status.PENDING_ACCEPTANCE],
            confirmed_at__gte=now - self.RECENT,
        )
        if hazard_ids is not None:
            qs = qs.filter(pk__in=hazard_ids)
        for hazard in qs.select_related("enterprise").iterator(chunk_size=2000):
            enterprise = hazard.enterprise
            if enterprise is None:  # excluded by the query; keeps the type checker sure
                continue
            yield Due(
                township_id=hazard.township_id,
                object_key=f"hazard:{hazard.pk}",
                object_id=hazard.pk,
                period="registered",
                title=_("A hazard of %(enterprise)s was registered: %(title)s")
                % {"enterprise": enterprise.name, "title": hazard.numbered_title},
                body=_("Level: %(level)s. Please rectify it as the rectification notice requires.")
                % {"level": hazard.get_level_display()},
                url=hazard.get_absolute_url(),
                recipients=users(directory.by_enterprise.get(enterprise.pk, []))
                + phones(enterprise.principal_phone, enterprise.controller_phone),
            )


@register
class ListingOverdue(Rule):
    key = "listing_overdue"
    label = gettext_lazy("Listed hazard past its required date")
    timing = gettext_lazy("once, the day after the required completion date of a listed hazard that is not closed")
    recipients = gettext_lazy("the supervising leader and the township safety office")

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        today = timezone.localdate(now)
        directory = Directory()
        qs = Listing.objects.filter(delisted_on__isnull=True, required_by__lt=today).exclude(
            hazard__status__in=[Status.CLOSED, Status.DISMISSED]
        )
        if hazard_ids is not None:
            qs = qs.filter(hazard_id__in=hazard_ids)
        for listing in qs.select_related("hazard").order_by("pk"):
            hazard = listing.hazard
            yield Due(
                township_id=hazard.township_id,
                object_key=f"listing:{listing.pk}",
                object_id=listing.pk,
                period=f"overdue:{listing.required_by.isoformat()}",
                title=_("Listed hazard past its required date: %(title)s (%(doc)s)")
                % {"title": hazard.numbered_title, "doc": listing.document_number},
                body=_("Required by %(day)s; it is still “%(status)s”.")
                % {"day": listing.required_by, "status": hazard.get_status_display()},
                url=hazard.get_absolute_url(),
                recipients=users(
                    directory.office.get(hazard.township_id, []),
                    directory.leader_named(hazard.township_id, listing.supervising_leader),
                ),
            )


@register
class ConfirmationOverdue(Rule):
    """Reports nobody registered or dismissed within the township's time limit: otherwise they sit outside every
    clock and dynamic zeroing could look met (Township.confirmation_days)."""

    key = "confirmation_overdue"
    label = gettext_lazy("Report not confirmed in time")
    timing = gettext_lazy("once, when a report has waited longer than the township's time limit for confirmation")
    recipients = gettext_lazy("the township safety office and the lead unit's staff")

    def due(self, now: dt.datetime, hazard_ids: Any = None, **filters: Any) -> Iterator[Due]:
        directory = Directory()
        qs = Hazard.objects.confirmation_overdue(now)
        if hazard_ids is not None:
            qs = qs.filter(pk__in=hazard_ids)
        for hazard in qs.select_related("township").iterator(chunk_size=2000):
            due_at = hazard.confirmation_due_at
            yield Due(
                township_id=hazard.township_id,
                object_key=f"hazard:{hazard.pk}",
                object_id=hazard.pk,
                period="unconfirmed",
                title=_("Report waiting for confirmation past its time limit: %(title)s") % {"title": hazard.title},
                body=_("Reported on %(day)s; it should have been registered or dismissed by %(due)s.")
                % {
                    "day": timezone.localdate(hazard.created_at),
                    "due": timezone.localdate(due_at) if due_at else "—",
                },
                url=hazard.get_absolute_url(),
                recipients=users(
                    directory.office.get(hazard.township_id, []), directory.by_unit.get(hazard.lead_unit_id or 0, [])
                ),
            )
