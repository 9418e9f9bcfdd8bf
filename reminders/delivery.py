"""Sending a recorded reminder by e-mail and SMS, each exactly once.

Each channel is claimed with a conditional update (pending → sending) before anything leaves, so a message that
Celery delivers twice (acks_late after a worker restart) finds nothing left to send. A claim stuck in "sending"
after a crash is given back by `release_stale_claims` after a while.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Delivery, Reminder
from .sms import get_backend

logger = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 5
STALE_CLAIM = dt.timedelta(minutes=15)


def _claim(reminder_id: int, field: str) -> bool:
    # While a channel is "sending", its *_sent_at holds the moment of the claim (see release_stale_claims).
    updates = {field: Delivery.SENDING, field.replace("_state", "_sent_at"): timezone.now()}
    if field == "email_state":
        updates["email_attempts"] = F("email_attempts") + 1  # type: ignore[assignment]
    return bool(Reminder.objects.filter(pk=reminder_id, **{field: Delivery.PENDING}).update(**updates))


def send_email(reminder_id: int) -> bool:
    """Send the e-mail of a reminder if it is still pending; raises on a transport error so Celery retries."""
    if not _claim(reminder_id, "email_state"):
        return False
    reminder = Reminder.objects.select_related("user").get(pk=reminder_id)
    context = {"reminder": reminder, "user": reminder.user, "site_url": getattr(settings, "SITE_URL", "")}
    subject = render_to_string("emails/reminder_subject.txt", context).strip().replace("\n", " ")
    body = render_to_string("emails/reminder_body.txt", context)
    try:
        send_mail(subject, body, None, [reminder.user.email])  # type: ignore[union-attr]
    except Exception:
        last = reminder.email_attempts >= MAX_EMAIL_ATTEMPTS
        Reminder.objects.filter(pk=reminder_id).update(
            email_state=Delivery.FAILED if last else Delivery.PENDING, email_sent_at=None
        )
        raise
    Reminder.objects.filter(pk=reminder_id).update(email_state=Delivery.SENT, email_sent_at=timezone.now())
    return True


def send_sms(reminder_id: int) -> bool:
    if not _claim(reminder_id, "sms_state"):
        return False
    reminder = Reminder.objects.get(pk=reminder_id)
    text = f"【刘圩镇安委办】{reminder.title}。{reminder.body}"[:300]
    try:
        get_backend().send(phone=reminder.phone, text=text, reminder_id=reminder.pk)
    except Exception:
        Reminder.objects.filter(pk=reminder_id).update(sms_state=Delivery.PENDING, sms_sent_at=None)
        raise
    Reminder.objects.filter(pk=reminder_id).update(sms_state=Delivery.SENT, sms_sent_at=timezone.now())
    return True


def deliver(reminder_id: int) -> None:
    send_sms(reminder_id)
    send_email(reminder_id)


def release_stale_claims(now: dt.datetime | None = None) -> int:
    """Give back claims of a worker that died mid-send, so the next scan retries them. The age that counts is the
    claim's, not the reminder's: a retry of an old reminder claimed a moment ago is still being sent."""
    before = (now or timezone.now()) - STALE_CLAIM
    emails = Reminder.objects.filter(email_state=Delivery.SENDING, email_sent_at__lt=before).update(
        email_state=Delivery.PENDING, email_sent_at=None
    )
    sms = Reminder.objects.filter(sms_state=Delivery.SENDING, sms_sent_at__lt=before).update(
        sms_state=Delivery.PENDING, sms_sent_at=None
    )
    return emails + sms


def pending_ids(limit: int = 500) -> list[int]:
    qs = Reminder.objects.filter(email_state=Delivery.PENDING) | Reminder.objects.filter(sms_state=Delivery.PENDING)
    return list(qs.order_by("pk").values_list("pk", flat=True)[:limit])
