"""Rewards for public reports (§27 落实奖励资金; 安全生产领域举报奖励办法): the township's tiers and one reward
per report.

A reward names the report and its hazard, never the reporter: who is paid is known to the confidential-report
officer alone (ReporterIdentity), who records the payment. Only the first valid report of a hazard is rewarded: the
service checks it, and the database holds at most one live (not refused) reward per hazard.

Imported at the end of reports.models, so Django registers these models with the reports app.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hazards.models import Hazard, Level
from units.models import Township

from .models import Report

# No township tier goes beyond this (the county's and the province's own awards are outside the system).
MAX_REWARD_YUAN = 300_000


class RewardTier(models.Model):
    """A reward level the township's office sets: e.g. 一般事故隐患 200–500 元, 重大事故隐患 3000 元起."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(
        _("hazard level"),
        max_length=10,
        choices=Level.choices,
        blank=True,
        help_text=_("The hazard level this tier rewards; empty: any level (say which in the description)."),
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    amount = models.PositiveIntegerField(
        _("amount (yuan)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REWARD_YUAN)],
        help_text=_("The standard amount, and the least a reward of this tier pays."),
    )
    max_amount = models.PositiveIntegerField(
        _("highest amount (yuan)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REWARD_YUAN)],
        help_text=_("The most a reward of this tier may pay (for an outstanding report)."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reward tier")
        verbose_name_plural = _("reward tiers")
        ordering = ["township", "order", "amount", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="reward_tier_name_unique"),
            models.CheckConstraint(name="reward_tier_amount_positive", condition=Q(amount__gte=1)),
            models.CheckConstraint(name="reward_tier_bounds", condition=Q(max_amount__gte=F("amount"))),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def range_label(self) -> str:
        if self.max_amount == self.amount:
            return f"{self.amount} 元"
        return f"{self.amount}–{self.max_amount} 元"


class RewardStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved, to be paid")
    PAID = "paid", _("paid")
    REFUSED = "refused", _("refused")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("in cash at the office")
    BANK = "bank", _("bank transfer")
    MOBILE = "mobile", _("mobile payment")
    OTHER = "other", _("other")


class Reward(models.Model):
    """The reward of one valid report: proposed → approved → paid, or refused (with the reason)."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="reward", verbose_name=_("report"))
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="+", verbose_name=_("hazard"))
    tier = models.ForeignKey(RewardTier, on_delete=models.PROTECT, related_name="rewards", verbose_name=_("tier"))
    amount = models.PositiveIntegerField(_("amount (yuan)"))
    status = models.CharField(_("status"), max_length=10, choices=RewardStatus.choices, default=RewardStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or refused by"),
    )
    decided_at = models.DateTimeField(_("approved or refused at"), null=True, blank=True)
    refusal_reason = models.CharField(_("reason for refusing"), max_length=500, blank=True)
    claimed_at = models.DateTimeField(
        _("claimed by the reporter at"), null=True, blank=True, help_text=_("With the tracking code.")
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_method = models.CharField(_("paid how"), max_length=10, choices=PaymentMethod.choices, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payment recorded by"),
    )

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["township", "status"], name="reward_township_status_idx")]
        constraints = [
            # Only the first valid report of a hazard is rewarded: one live reward per hazard.
            models.UniqueConstraint(
                fields=["hazard"], condition=~Q(status="refused"), name="reward_one_live_per_hazard"
            ),
            models.CheckConstraint(name="reward_status_valid", condition=Q(status__in=RewardStatus.values)),
            models.CheckConstraint(
                name="reward_amount_bounded", condition=Q(amount__gte=1, amount__lte=MAX_REWARD_YUAN)
            ),
            models.CheckConstraint(
                name="reward_paid_recorded",
                condition=~Q(status="paid") | Q(paid_on__isnull=False, paid_recorded_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return _("Reward of report %(number)s") % {"number": self.report.number}
