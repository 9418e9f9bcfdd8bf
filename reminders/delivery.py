"""Sending a recorded reminder by e-mail and SMS: at most once, and never lost without the office knowing.

Each channel is claimed with a conditional update (pending → sending) before anything leaves, so a message that
Celery delivers twice (acks_late after a worker restart) finds nothing left to send. A worker can still die after
the gateway (or the SMTP server) accepted the message and before the row says "sent": nobody can tell from here
whether it left. Such a claim, stale after 15 minutes, becomes "unknown — check" for the office
(`mark_stale_claims`), who records that it was sent or asks for it to be sent again (`reminder_resolve`); it is
never re-sent blindly. The SMS gateway additionally receives the reminder's id and must de-duplicate on it (see
reminders.sms), so even a deliberate resend of a message the gateway had accepted sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import User
from units.offices import safety_office_name

from .models import Delivery, Reminder
from .sms import get_backend

logger = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 5
STALE_CLAIM = dt.timedelta(minutes=15)
CHANNELS = ("email", "sms")


def _claim(reminder_id: int, field: str) -> bool:
    # While a channel is "sending", its *_sent_at holds the moment of the claim (see mark_stale_claims).
    updates = {field: Delivery.SENDING, field.replace("_state", "_sent_at"): timezone.now()}
    if field == "email_state":
        updates["email_attempts"] = F("email_attempts") + 1  # type: ignore[assignment]
    return bool(Reminder.objects.filter(pk=reminder_id, **{field: Delivery.PENDING}).update(**updates))


def sender_name(reminder: Reminder) -> str:
    """Who a reminder comes from: its township's safety office (某某镇应急办, else 某某镇安委办)."""
    if reminder.township is None:
        return _("township safety office")
    return safety_office_name(reminder.township)


def sms_text(reminder: Reminder) -> str:
    """【sender】title。body — the signature first, as the gateways require, at most 300 characters."""
    return f"【{sender_name(reminder)}】{reminder.title}。{reminder.body}"[:300]


def send_email(reminder_id: int) -> bool:
    """Send the e-mail of a reminder if it is still pending; raises on a transport error so Celery retries."""
    if not _claim(reminder_id, "email_state"):
        return False
    reminder = Reminder.objects.select_related("user", "township").get(pk=reminder_id)
    context = {
        "reminder": reminder,
        "user": reminder.user,
        "sender": sender_name(reminder),
        "site_url": getattr(settings, "SITE_URL", ""),
    }
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
    reminder = Reminder.objects.select_related("township").get(pk=reminder_id)
    text = sms_text(reminder)
    try:
        # The reminder's id is the gateway's de-duplication key: a second send with it must send nothing.
        get_backend().send(phone=reminder.phone, text=text, reminder_id=reminder.pk)
    except Exception:
        Reminder.objects.filter(pk=reminder_id).update(sms_state=Delivery.PENDING, sms_sent_at=None)
        raise
    Reminder.objects.filter(pk=reminder_id).update(sms_state=Delivery.SENT, sms_sent_at=timezone.now())
    return True


def deliver(reminder_id: int) -> None:
    send_sms(reminder_id)
    send_email(reminder_id)


def mark_stale_claims(now: dt.datetime | None = None) -> int:
    """Claims older than STALE_CLAIM belong to a worker that died mid-send: mark them "unknown — check".

    The message may have left (the gateway accepted it, the worker died before recording it) or not; sending it
    again could send it twice, so the office decides (`reminder_resolve`). The age that counts is the claim's, not
    the reminder's: a retry of an old reminder claimed a moment ago is still being sent. The claim's moment stays
    in *_sent_at, so the office sees when it was handed over.
    """
    before = (now or timezone.now()) - STALE_CLAIM
    emails = Reminder.objects.filter(email_state=Delivery.SENDING, email_sent_at__lt=before).update(
        email_state=Delivery.UNKNOWN
    )
    sms = Reminder.objects.filter(sms_state=Delivery.SENDING, sms_sent_at__lt=before).update(sms_state=Delivery.UNKNOWN)
    if emails or sms:
        logger.warning("%d e-mails and %d text messages may or may not have left: marked for checking", emails, sms)
    return emails + sms


def pending_ids(limit: int = 500) -> list[int]:
    qs = Reminder.objects.filter(email_state=Delivery.PENDING) | Reminder.objects.filter(sms_state=Delivery.PENDING)
    return list(qs.order_by("pk").values_list("pk", flat=True)[:limit])


class ResolveError(Exception):
    pass


@transaction.atomic
def reminder_resolve(*, reminder_id: int, channel: str, resend: bool, actor: User) -> Reminder:
    """The office's answer for a delivery marked "unknown — check".

    1. Compare-and-set from "unknown" only: a second click, or another officer first, changes nothing.
    2. "It was sent" records it as sent; "send it again" makes it pending and hands it to delivery after commit
       (an SMS goes to the gateway with the same reminder id, so a gateway that had accepted it sends nothing).
    """
    if channel not in CHANNELS:
        raise ResolveError(channel)
    state, sent_at = f"{channel}_state", f"{channel}_sent_at"
    now = timezone.now()
    updates: dict[str, object] = {"checked_by": actor, "checked_at": now}
    if resend:
        updates.update({state: Delivery.PENDING, sent_at: None})
    else:
        updates.update({state: Delivery.SENT, sent_at: now})
    if not Reminder.objects.filter(pk=reminder_id, **{state: Delivery.UNKNOWN}).update(**updates):
        raise ResolveError(channel)
    logger.info("reminder %s: %s %s by user %s", reminder_id, channel, "resent" if resend else "marked sent", actor.pk)
    if resend:
        from .dispatch import deliver_later

        transaction.on_commit(lambda: deliver_later([reminder_id]))
    return Reminder.objects.get(pk=reminder_id)
