"""Reports from the public (群众举报, §27; SPEC S4): the report, the sealed identity of its reporter, every look at
that identity, the report's timeline and photos.

Confidentiality is kept by shape: the reporter's identity lives in its own table (ReporterIdentity), which has no
history table, no admin list and no place in the timeline, exports or notifications; only the township's
confidential-report officer (举报保密员) reads it, and every look is recorded (IdentityOpening). The report itself
carries no history table either: its timeline is ReportEvent. Nothing about the client who filed a web report (IP
address, user agent) is stored; the tracking code is kept only as a hash (reports.codes).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.files import StoredFile, stored_path
from hazards.models import Hazard
from units.models import Enterprise, Township, Village

# 安全生产举报奖励办法: the reporter hears the outcome within 10 days of the check's end.
FEEDBACK_DAYS = 10


class Status(models.TextChoices):
    RECEIVED = "received", _("received, to be checked")
    CHECKING = "checking", _("being checked")
    VERIFIED = "verified", pgettext_lazy("public report", "verified")
    MERGED = "merged", _("merged into an existing hazard")
    DISMISSED = "dismissed", _("not accepted / not verified")


OPEN_STATUSES = (Status.RECEIVED, Status.CHECKING)
FINAL_STATUSES = (Status.VERIFIED, Status.MERGED, Status.DISMISSED)
# A valid report: what it reported was there (a new hazard, or one already known). Rewards count only these.
VALID_STATUSES = (Status.VERIFIED, Status.MERGED)


class Channel(models.TextChoices):
    """How the report reached the township."""

    WEB = "web", _("web report")
    HOTLINE_12345 = "hotline_12345", _("12345 hotline work order")
    HOTLINE_12350 = "hotline_12350", _("12350 report line")
    LETTER = "letter", _("letter")
    VISIT = "visit", _("visit in person")


# Channels a staff member enters (the web form is the public's own).
STAFF_CHANNELS = (Channel.HOTLINE_12345, Channel.HOTLINE_12350, Channel.LETTER, Channel.VISIT)


class Report(models.Model):
    """One report. It names no reporter: who reported is in ReporterIdentity, for the custodian alone."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village"),
        help_text=_("Empty when the reporter did not know."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    enterprise_name = models.CharField(_("enterprise (as reported)"), max_length=100, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
        help_text=_("Set by the office while checking."),
    )
    content = models.TextField(_("what was seen"))
    received_via = models.CharField(_("received via"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    work_order_number = models.CharField(_("12345 work order number"), max_length=50, blank=True)
    reply_due_on = models.DateField(_("work order reply due (办结时限)"), null=True, blank=True)
    tracking_code_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    check_started_at = models.DateTimeField(_("check started at"), null=True, blank=True)
    check_ended_at = models.DateTimeField(_("check ended at"), null=True, blank=True)
    feedback_due_on = models.DateField(_("reply to the reporter due"), null=True, blank=True)
    # What the reporter reads with the tracking code: the outcome's reason (e.g. why it was dismissed) and the reply.
    outcome_note = models.TextField(_("outcome, for the reporter"), blank=True)
    reply = models.TextField(_("reply to the reporter"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    hazard = models.ForeignKey(
        Hazard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_reports",
        verbose_name=_("hazard"),
        help_text=_("The hazard the report was verified into or merged with."),
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
        help_text=_("The staff member who entered a telephone or letter report; empty for web reports."),
    )

    class Meta:
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["township", "status"], name="report_township_status_idx"),
            models.Index(fields=["feedback_due_on"], name="report_feedback_due_idx"),
            models.Index(fields=["reply_due_on"], name="report_reply_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="report_status_valid", condition=Q(status__in=[s.value for s in Status])),
            models.CheckConstraint(
                name="report_channel_valid", condition=Q(received_via__in=[c.value for c in Channel])
            ),
            # Verified or merged reports name their hazard.
            models.CheckConstraint(
                name="report_outcome_hazard",
                condition=~Q(status__in=["verified", "merged"]) | Q(hazard__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return _("Report %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    @property
    def number(self) -> str:
        """The office's reference: JB and the report's id (举报)."""
        return f"JB{self.pk:05d}" if self.pk else "JB-"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_valid(self) -> bool:
        return self.status in VALID_STATUSES

    def reply_overdue(self, today: dt.date) -> bool:
        """The reporter's reply is late: the check ended, the ten days passed, and no reply went out."""
        return self.replied_at is None and self.feedback_due_on is not None and self.feedback_due_on < today

    def work_order_overdue(self, today: dt.date) -> bool:
        """A 12345 work order past its 办结时限 without a reply."""
        return self.replied_at is None and self.reply_due_on is not None and self.reply_due_on < today


def feedback_due(check_ended_on: dt.date) -> dt.date:
    """The day the reply to the reporter is due: ten days after the check ended."""
    return check_ended_on + dt.timedelta(days=FEEDBACK_DAYS)


class ReporterIdentity(models.Model):
    """Who reported, if they said so: for feedback and reward. Read by the custodian alone; never in a history
    table, a timeline, an export, a notification or a log."""

    report = models.OneToOneField(
        Report, on_delete=models.CASCADE, related_name="identity", verbose_name=_("report"), primary_key=True
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact = models.CharField(_("other contact (address, e-mail)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reporter identity")
        verbose_name_plural = _("reporter identities")

    def __str__(self) -> str:
        # Never the name: a stray str() in a log or a template must not leak it.
        return _("Reporter of report %(number)s") % {"number": self.report.number}

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.phone or self.contact)


class IdentityOpening(models.Model):
    """One look at a reporter's identity: who, when, why (保密制度)."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="identity_openings", verbose_name=_("report")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("identity opening")
        verbose_name_plural = _("identity openings")
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.report.number} · {self.opened_at:%Y-%m-%d %H:%M}"


class ReportEvent(models.Model):
    """The report's timeline: one row per step, with who, when and why; never the reporter's identity."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("reported on the web")
        ENTERED = "entered", _("entered by staff")
        CHECK_STARTED = "check_started", _("check started")
        DISMISSED = "dismissed", _("dismissed")
        MERGED = "merged", _("merged into an existing hazard")
        VERIFIED = "verified", _("verified: hazard registered")
        REPLIED = "replied", _("replied to the reporter")
        ENTERPRISE_SET = "enterprise_set", _("enterprise identified")
        IDENTITY_OPENED = "identity_opened", _("reporter identity opened")
        NOTE = "note", _("note")
        # The reward (reports.rewards).
        REWARD_PROPOSED = "reward_proposed", _("reward proposed")
        REWARD_APPROVED = "reward_approved", _("reward approved")
        REWARD_REFUSED = "reward_refused", _("reward refused")
        REWARD_CLAIMED = "reward_claimed", _("reward claimed with the tracking code")
        REWARD_PAID = "reward_paid", _("reward paid")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["report", "at"], name="report_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.report_id}"


def report_photo_path(instance: ReportPhoto, filename: str) -> str:
    return stored_path("reports", instance.token, instance.extension)


class ReportPhoto(StoredFile):
    """A photo sent with the report; served only to staff who may see the report (never back to the reporter)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report"))
    file = models.FileField(_("file"), upload_to=report_photo_path, max_length=200)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["uploaded_at", "pk"]


# The rewards' models (reports.reward_models), registered with this app.
from .reward_models import PaymentMethod, Reward, RewardStatus, RewardTier  # noqa: E402, F401
