"""The reminder engine: rules say what is due; the engine records each reminder once and hands it to delivery.

A rule is a class with a `key`, what it is about (`label`, `timing`, `recipients`) and a `due(now, **filters)`
generator of `Due` items. Rules register themselves with `@register`; new ones (drills, certificates, filing
deadlines) are added without touching the engine. Idempotence comes from the database: one row per (rule,
object, period, recipient) under a unique constraint, so two scans at once, a scan repeated after a crash, or a
scan replayed by Celery create — and send — nothing twice.
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

from .models import Delivery, Reminder, RuleSetting

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


def _switched_off() -> set[tuple[int, str]]:
    return set(RuleSetting.objects.filter(enabled=False).values_list("township_id", "rule"))


def _record(rule: Rule, due: Due, recipient: Recipient) -> int | None:
    """Create the reminder unless it exists; the unique constraint decides between concurrent scans."""
    user = recipient.user
    wants_email = bool(user and user.email and user.email_notifications)
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
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
    except IntegrityError:
        return None
    return reminder.pk


def scan(now: dt.datetime | None = None, *, rules: Iterable[str] | None = None, **filters: Any) -> ScanResult:
    """Run the rules once: record what is due and not yet recorded, then hand the new reminders to delivery.

    1. Skip the rules the office switched off for a township.
    2. Record each (rule, object, period, recipient) once.
    3. After commit, enqueue delivery of the new ones (never blocking on the broker).
    """
    now = now or timezone.now()
    off = _switched_off()
    result = ScanResult()
    for key in rules or RULES:
        rule = RULES[key]
        for due in rule.due(now, **filters):
            if (due.township_id, rule.key) in off:
                result.switched_off += 1
                continue
            for recipient in due.recipients:
                pk = _record(rule, due, recipient)
                if pk is None:
                    result.existing += 1
                else:
                    result.created.append(pk)
    if result.created:
        from .dispatch import deliver_later

        created = list(result.created)
        transaction.on_commit(lambda: deliver_later(created))
    return result


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
