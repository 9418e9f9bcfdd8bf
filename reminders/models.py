"""Reminders: one row per (rule, object, period, recipient), so a reminder is created — and sent — once (SPEC S7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Township


class Delivery(models.TextChoices):
    NONE = "none", _("not sent this way")
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    # A worker died between handing the message over and recording it: it may or may not have left, so the office
    # checks (the gateway's log, a phone call) instead of the system sending it a second time (SPEC S7).
    UNKNOWN = "unknown", _("unknown — check")


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def unread(self) -> ReminderQuerySet:
        return self.filter(read_at__isnull=True)


class Reminder(models.Model):
    rule = models.CharField(_("rule"), max_length=50)
    object_key = models.CharField(_("object"), max_length=100)  # e.g. "hazard:12"
    # The object's id alone, so a rule can skip objects already reminded in one indexed query.
    object_id = models.BigIntegerField(null=True, blank=True)
    period = models.CharField(_("period"), max_length=50)  # e.g. "d-7:2026-12-01", "2026Q2"
    # Either a user (inbox, e-mail) or a bare phone number (SMS to the 五落实 responsible person).
    recipient_key = models.CharField(max_length=60)  # "user:5" or "phone:13800000000"
    # PROTECT: a reminder is the proof it was sent once (S7); deleting its user or its SMS record would let it go again.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reminders"
    )
    phone = models.CharField(max_length=20, blank=True)
    township = models.ForeignKey(Township, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.NONE)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    sms_state = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.NONE)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    # Who answered an "unknown — check" delivery last, and when (see delivery.reminder_resolve).
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "object_key", "period", "recipient_key"], name="reminder_sent_once"
            ),
            models.CheckConstraint(name="reminder_has_recipient", condition=Q(user__isnull=False) | ~Q(phone="")),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="reminder_inbox_idx"),
            models.Index(fields=["rule", "period", "object_id"], name="reminder_rule_idx"),
            models.Index(fields=["email_state"], name="reminder_email_idx", condition=Q(email_state="pending")),
            models.Index(fields=["sms_state"], name="reminder_sms_idx", condition=Q(sms_state="pending")),
        ]

    def __str__(self) -> str:
        return self.title


class RuleSetting(models.Model):
    """The office may switch a rule off (per township)."""

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(_("rule"), max_length=50)
    enabled = models.BooleanField(_("on"), default=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder rule setting")
        verbose_name_plural = _("reminder rule settings")
        constraints = [models.UniqueConstraint(fields=["township", "rule"], name="rule_setting_unique")]

    def __str__(self) -> str:
        return f"{self.rule}: {self.enabled}"


class SmsMessage(models.Model):
    """What the SMS channel sent (the recording backend keeps it here instead of reaching a gateway)."""

    reminder = models.ForeignKey(Reminder, on_delete=models.PROTECT, null=True, related_name="sms_messages")
    phone = models.CharField(max_length=20)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at"]
        # The recording backend de-duplicates on the reminder, as every gateway must: a replay sends nothing.
        constraints = [
            models.UniqueConstraint(
                fields=["reminder"], name="sms_once_per_reminder", condition=Q(reminder__isnull=False)
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:30]}"


class ScanRequest(models.Model):
    """An outbox row: a workflow step asks for its hazard's rules to run, in the step's own transaction.

    The on-commit task is only the fast path; the periodic job (and `send_reminders`) runs whatever is still open,
    so a registration notice (§18) never depends on Redis being up at the moment of the step (SPEC S7).
    The hazard is an id, not a foreign key: the hazard app calls us, we never reach back into its tables here.
    """

    hazard_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scan request")
        verbose_name_plural = _("scan requests")
        indexes = [models.Index(fields=["id"], name="scan_request_open_idx", condition=Q(done_at__isnull=True))]

    def __str__(self) -> str:
        return f"hazard:{self.hazard_id} {self.created_at:%Y-%m-%d %H:%M}"
