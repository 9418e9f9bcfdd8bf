"""Training sessions and their attendees (§4, §22, §23), and special-operation certificates with their
three-yearly review (复审, §22 特种作业人员持证上岗)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models import Enterprise, Sector, Township, Unit

# 特种作业操作证 is reviewed every three years (特种作业人员安全技术培训考核管理规定 第二十一条).
REVIEW_YEARS = 3


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class AttendeeRole(models.TextChoices):
    PRINCIPAL = "principal", _("principal (主要负责人)")
    SAFETY_MANAGER = "safety_manager", _("safety manager (安全管理人员)")
    SPECIAL_WORKER = "special_worker", _("special-operation worker (特种作业人员)")
    FIRE_OFFICER = "fire_officer", _("fire-safety responsible person (消防安全责任人)")


class TrainingSession(models.Model):
    """One training the office or a department held: who organised it, when, how, for which sector."""

    class Mode(models.TextChoices):
        OFFLINE = "offline", _("offline")
        ONLINE = "online", _("online")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    organiser = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    mode = models.CharField(_("form"), max_length=10, choices=Mode.choices, default=Mode.OFFLINE)
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector focus"),
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("99.0"))],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="training_mode_valid", condition=Q(mode__in=["offline", "online"])),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("readiness:training_detail", args=[self.pk])


class Attendee(models.Model):
    """A person of an enterprise who attended a session, in the role the plan names (§4, §22)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("session")
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise"))
    name = models.CharField(_("full name"), max_length=30)
    role = models.CharField(_("role"), max_length=20, choices=AttendeeRole.choices)
    # The person is the one the enterprise's record names for this role (its principal or fire-safety person).
    matches_record = models.BooleanField(_("named in the enterprise's record"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["enterprise__name", "name", "pk"]
        constraints = [
            models.CheckConstraint(name="attendee_role_valid", condition=Q(role__in=AttendeeRole.values)),
            models.UniqueConstraint(fields=["session", "enterprise", "name", "role"], name="attendee_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.enterprise}"


class OperationType(models.TextChoices):
    """特种作业目录 (the categories of the national catalogue met in a township)."""

    ELECTRICAL = "electrical", _("electrical work (电工作业)")
    WELDING = "welding", _("welding and hot cutting (焊接与热切割作业)")
    HEIGHT = "height", _("work at height (高处作业)")
    REFRIGERATION = "refrigeration", _("refrigeration and air conditioning (制冷与空调作业)")
    HAZCHEM = "hazchem", _("hazardous-chemical work (危险化学品安全作业)")
    FIREWORKS = "fireworks", _("fireworks work (烟花爆竹安全作业)")
    METALLURGY = "metallurgy", _("metallurgical gas work (冶金(有色)生产安全作业)")
    OTHER = "other", _("other special operation")


class Certificate(models.Model):
    """特种作业操作证: valid six years, reviewed every three years (复审) from issue or the last review."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise"))
    holder = models.CharField(_("holder"), max_length=30)
    operation = models.CharField(_("type of operation"), max_length=20, choices=OperationType.choices)
    number = models.CharField(_("certificate number"), max_length=30)
    issued_on = models.DateField(_("issued"))
    expires_on = models.DateField(_("expiry"))
    last_review_on = models.DateField(_("last review (复审)"), null=True, blank=True)
    # Kept on save from the dates above, so lists filter and sort by them in the database.
    review_due_on = models.DateField(_("review due"), null=True, blank=True, editable=False)
    next_due_on = models.DateField(_("next deadline"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("special-operation certificate")
        verbose_name_plural = _("special-operation certificates")
        ordering = ["next_due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="certificate_unique_number"),
            models.CheckConstraint(name="certificate_operation_valid", condition=Q(operation__in=OperationType.values)),
            models.CheckConstraint(
                name="certificate_expiry_after_issue", condition=Q(expires_on__gt=models.F("issued_on"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder} · {self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.review_due_on = self.compute_review_due()
        self.next_due_on = self.review_due_on or self.expires_on
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "review_due_on", "next_due_on"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("readiness:certificate_edit", args=[self.pk])

    def compute_review_due(self) -> dt.date | None:
        """Three years after issue or the last review; None when the certificate expires before that."""
        due = add_years(self.last_review_on or self.issued_on, REVIEW_YEARS)
        return due if due < self.expires_on else None

    def deadlines(self) -> list[tuple[str, dt.date]]:
        """("review", day) and ("expiry", day), soonest first."""
        found = [("expiry", self.expires_on)]
        if self.review_due_on is not None:
            found.insert(0, ("review", self.review_due_on))
        return found

    @property
    def next_deadline_kind(self) -> str:
        return "review" if self.review_due_on is not None else "expiry"
