"""The reminder engine: rules say what is due; the engine records each reminder once and hands it to delivery.

A rule is a class with a `key`, what it is about (`label`, `timing`, `recipients`) and a `due(now, **filters)`
generator of `Due` items. Rules register themselves with `@register`; new ones (drills, certificates, filing
deadlines) are added without touching the engine. A rule yields every object in its window with all its
recipients; idempotence is per recipient and comes from the database: one row per (rule, object, period,
recipient) under a unique constraint, so two scans at once, a scan repeated after a crash, or a scan replayed by
Celery create — and send — nothing twice, and miss no recipient. One object's reminders are written in one
transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise

from units.models import User

from .models import Delivery, Reminder, RuleSetting, ScanRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    user: User | None = None
    phone: str = ""

    @property
    def key(self) -> str:
        return f"user:{self.user.pk}" if self.user is not None else f"phone:{self.phone}"


@dataclass
class Due:
    """One thing a rule says is due now, for these recipients."""

    township_id: int | None
    object_key: str
    object_id: int | None
    period: str
    title: str
    body: str
    url: str
    recipients: list[Recipient] = field(default_factory=list)


class Rule:
    key: ClassVar[str]
    label: ClassVar[str | Promise]
    timing: ClassVar[str | Promise]
    recipients: ClassVar[str | Promise]

    def due(self, now: dt.datetime, **filters: Any) -> Iterator[Due]:
        raise NotImplementedError


RULES: dict[str, Rule] = {}


def register(rule_class: type[Rule]) -> type[Rule]:
    RULES[rule_class.key] = rule_class()
    return rule_class


@dataclass
class ScanResult:
    created: list[int] = field(default_factory=list)
    existing: int = 0
    switched_off: int = 0

    def add(self, other: ScanResult) -> None:
        self.created += other.created
        self.existing += other.existing
        self.switched_off += other.switched_off


# How many due items are checked against the database in one query.
BATCH = 500


def _switched_off() -> set[tuple[int, str]]:
    return set(RuleSetting.objects.filter(enabled=False).values_list("township_id", "rule"))


def _batches(items: Iterable[Due], size: int = BATCH) -> Iterator[list[Due]]:
    batch: list[Due] = []
    for due in items:
        batch.append(due)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _recorded(rule: Rule, batch: list[Due]) -> set[tuple[str, str, str]]:
    """(object, period, recipient) already recorded for these items, in one query."""
    rows = Reminder.objects.filter(
        rule=rule.key, object_key__in={d.object_key for d in batch}, period__in={d.period for d in batch}
    ).values_list("object_key", "period", "recipient_key")
    return set(rows)


def _new_reminder(rule: Rule, due: Due, recipient: Recipient) -> Reminder:
    user = recipient.user
    wants_email = bool(user and user.email and user.email_notifications)
    return Reminder(
        rule=rule.key,
        object_key=due.object_key,
        object_id=due.object_id,
        period=due.period,
        recipient_key=recipient.key,
        user=user,
        phone=recipient.phone if user is None else "",
        township_id=due.township_id,
        title=due.title[:200],
        body=due.body,
        url=due.url,
        email_state=Delivery.PENDING if wants_email else Delivery.NONE,
        sms_state=Delivery.PENDING if user is None else Delivery.NONE,
    )


@transaction.atomic
def _record(rule: Rule, due: Due, recipients: list[Recipient]) -> list[int]:
    """Record one object's missing reminders together: a scan that dies part-way leaves none of them, and the next
    scan records them all. Each row is inserted in a savepoint, so a concurrent scan that got one first (the unique
    constraint decides) costs that row only."""
    created: list[int] = []
    for recipient in recipients:
        try:
            with transaction.atomic():
                reminder = _new_reminder(rule, due, recipient)
                reminder.save(force_insert=True)
        except IntegrityError:
            continue
        created.append(reminder.pk)
    return created


def scan(now: dt.datetime | None = None, *, rules: Iterable[str] | None = None, **filters: Any) -> ScanResult:
    """Run the rules once: record what is due and not yet recorded, then hand the new reminders to delivery.

    1. Skip the rules the office switched off for a township.
    2. Record each (rule, object, period, recipient) once: idempotence is per recipient, so an object with only
       some of its recipients recorded (a recipient added since, an older partial scan) gets the others.
    3. After commit, enqueue delivery of the new ones (never blocking on the broker).
    """
    now = now or timezone.now()
    off = _switched_off()
    result = ScanResult()
    for key in rules or RULES:
        rule = RULES[key]
        for batch in _batches(rule.due(now, **filters)):
            wanted = [due for due in batch if (due.township_id, rule.key) not in off]
            result.switched_off += len(batch) - len(wanted)
            recorded = _recorded(rule, wanted) if wanted else set()
            for due in wanted:
                missing = [r for r in due.recipients if (due.object_key, due.period, r.key) not in recorded]
                result.existing += len(due.recipients) - len(missing)
                if missing:
                    created = _record(rule, due, missing)
                    result.created += created
                    result.existing += len(missing) - len(created)
    if result.created:
        from .dispatch import deliver_later

        created_ids = list(result.created)
        transaction.on_commit(lambda: deliver_later(created_ids))
    return result


def run_scan_requests(now: dt.datetime | None = None, *, hazard_ids: Iterable[int] | None = None) -> ScanResult:
    """Run the hazard rules for the open scan requests (the outbox the workflow writes), BATCH hazards at a time.

    Each batch is one transaction: its requests are locked (SKIP LOCKED: a second worker takes other rows), the
    rules run for their hazards, and the requests are marked done with the reminders they produced — a crash
    leaves both undone and the next run does them again.
    """
    total = ScanResult()
    while True:
        with transaction.atomic():
            qs = ScanRequest.objects.filter(done_at__isnull=True)
            if hazard_ids is not None:
                qs = qs.filter(hazard_id__in=list(hazard_ids))
            requests = list(
                qs.select_for_update(skip_locked=True).order_by("pk").values_list("pk", "hazard_id")[:BATCH]
            )
            if not requests:
                break
            total.add(scan(now, hazard_ids=sorted({hazard for _pk, hazard in requests})))
            ScanRequest.objects.filter(pk__in=[pk for pk, _hazard in requests]).update(done_at=timezone.now())
        if len(requests) < BATCH:
            break
    return total


def forget_done_scan_requests(now: dt.datetime | None = None, *, keep: dt.timedelta = dt.timedelta(days=7)) -> int:
    """Done requests are kept a week (to see what ran when), then deleted."""
    return ScanRequest.objects.filter(done_at__lt=(now or timezone.now()) - keep).delete()[0]


def rule_is_on(township_id: int, key: str) -> bool:
    return not RuleSetting.objects.filter(township_id=township_id, rule=key, enabled=False).exists()


def rule_set(*, township_id: int, key: str, enabled: bool, actor: User) -> None:
    if key not in RULES:
        raise KeyError(key)
    RuleSetting.objects.update_or_create(
        township_id=township_id,
        rule=key,
        defaults={"enabled": enabled, "changed_by": actor, "changed_at": timezone.now()},
    )
