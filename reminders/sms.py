"""The SMS channel behind one small interface. The shipped backend records what it would send; a gateway for
the township's SMS provider implements `send` and is named in the SMS_BACKEND setting.

The contract of a backend (SPEC S7, "each reminder is sent once"):
- `send(phone=, text=, reminder_id=)` returns once the gateway has accepted the message, and raises when it has
  not (the delivery is then retried).
- It de-duplicates on `reminder_id`: a second call with an id the gateway already accepted sends nothing and
  returns normally. A worker can die after the gateway accepted a message and before the reminder was recorded as
  sent; the office then sees the delivery as "unknown — check", and a deliberate resend reaches the gateway with
  the same id. Use the provider's idempotency key / client message id for it where it has one, or keep a record of
  the ids sent (as RecordingBackend does) in the same store the gateway call is confirmed in.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from .models import SmsMessage

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str, reminder_id: int | None = None) -> None: ...


class RecordingBackend:
    """Keeps each message in the database (visible to the office in the admin) instead of sending it; one message
    per reminder at most (a unique constraint), so a replay sends nothing."""

    def send(self, *, phone: str, text: str, reminder_id: int | None = None) -> None:
        try:
            with transaction.atomic():
                SmsMessage.objects.create(phone=phone, text=text, reminder_id=reminder_id)
        except IntegrityError:
            if reminder_id is None or not SmsMessage.objects.filter(reminder_id=reminder_id).exists():
                raise
            logger.info("reminder %s: text message already sent, not sent again", reminder_id)


def get_backend() -> SmsBackend:
    path = getattr(settings, "SMS_BACKEND", "reminders.sms.RecordingBackend")
    backend: SmsBackend = import_string(path)()
    return backend
