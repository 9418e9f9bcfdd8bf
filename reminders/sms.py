"""The SMS channel behind one small interface. The shipped backend records what it would send; a gateway for
the township's SMS provider implements `send` and is named in the SMS_BACKEND setting."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .models import SmsMessage


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str, reminder_id: int | None = None) -> None: ...


class RecordingBackend:
    """Keeps each message in the database (visible to the office in the admin) instead of sending it."""

    def send(self, *, phone: str, text: str, reminder_id: int | None = None) -> None:
        SmsMessage.objects.create(phone=phone, text=text, reminder_id=reminder_id)


def get_backend() -> SmsBackend:
    path = getattr(settings, "SMS_BACKEND", "reminders.sms.RecordingBackend")
    backend: SmsBackend = import_string(path)()
    return backend
