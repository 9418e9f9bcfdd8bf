"""§24 emergency plans (应急预案) and drills (应急演练) of enterprises, and §28 penalties (行政处罚)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import StoredFile, stored_path
from units.models import Enterprise, Township, Unit


class PlanKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("comprehensive emergency plan")
    SPECIAL = "special", _("special emergency plan")
    ONSITE = "onsite", _("on-site disposal plan")


# §24 每年至少组织一次综合应急预案演练或者专项应急预案演练
YEARLY_KINDS = (PlanKind.COMPREHENSIVE, PlanKind.SPECIAL)


class EmergencyPlan(models.Model):
    """One of an enterprise's emergency plans (§24: 综合应急预案, 专项应急预案, 现场处置方案)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="emergency_plans", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    title = models.CharField(_("title"), max_length=100)
    approved_on = models.DateField(_("approved or filed on"))
    revised_on = models.DateField(_("last revised on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["kind", "approved_on", "pk"]
        constraints = [models.CheckConstraint(name="emergency_plan_kind_valid", condition=Q(kind__in=PlanKind.values))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"


class Drill(models.Model):
    """A drill an enterprise held, with its evaluation (§24: 对预案演练效果 … 进行分析评估)."""

    class Source(models.TextChoices):
        FORM = "form", _("form")
        IMPORT = "import", _("sheet import")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="drills", verbose_name=_("enterprise")
    )
    plan = models.ForeignKey(
        EmergencyPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="drills", verbose_name=_("plan")
    )
    kind = models.CharField(_("plan kind drilled"), max_length=20, choices=PlanKind.choices)
    held_on = models.DateField(_("held on"))
    scenario = models.CharField(_("scenario"), max_length=200)
    participants = models.PositiveIntegerField(
        _("participants"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    evaluation = models.TextField(_("evaluation result"), max_length=2000)
    improvements = models.TextField(_("improvements"), max_length=2000, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="drill_kind_valid", condition=Q(kind__in=PlanKind.values)),
            models.CheckConstraint(name="drill_participants_positive", condition=Q(participants__gte=1)),
        ]
        indexes = [models.Index(fields=["enterprise", "kind", "held_on"], name="drill_enterprise_idx")]

    def __str__(self) -> str:
        return f"{self.held_on} · {self.scenario}"

    def get_absolute_url(self) -> str:
        return reverse("readiness:drill_detail", args=[self.pk])


def drill_file_path(instance: DrillFile, filename: str) -> str:
    return stored_path("drills", instance.token, instance.extension)


class DrillFile(StoredFile):
    """A photo or document of a drill; served only to users who see the drill."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="files", verbose_name=_("drill"))
    file = models.FileField(_("file"), upload_to=drill_file_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("drill file")
        verbose_name_plural = _("drill files")
        ordering = ["uploaded_at", "pk"]


class DrillKeyUnit(models.Model):
    """The office's mark that an enterprise is one of §24's half-yearly units where its own fields do not say so
    (e.g. a 危险物品 warehouse or transport business whose sector is not 危化品)."""

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.CASCADE, related_name="drill_key_unit", verbose_name=_("enterprise")
    )
    reason = models.CharField(_("reason"), max_length=200)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("half-yearly drill unit mark")
        verbose_name_plural = _("half-yearly drill unit marks")

    def __str__(self) -> str:
        return str(self.enterprise_id)


class PenaltyKind(models.TextChoices):
    SUSPEND = "suspend", _("suspension for rectification")  # 停产整顿
    CLOSE = "close", _("closure and ban")  # 关闭取缔
    FINE = "fine", _("fine")  # 罚款
    JOINT = "joint", _("joint disciplinary action")  # 联合惩戒
    DOUBLE = "double", _("double penalty (unit and responsible person)")  # 一案双罚


MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0.01"))]}


class Penalty(models.Model):
    """A penalty decided by a unit holding enforcement power (§28). 一案双罚 punishes the unit and its responsible
    person: both fines are recorded, with the person's name."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="penalties", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PenaltyKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="penalties", verbose_name=_("deciding unit"))
    document_number = models.CharField(_("decision document number"), max_length=60)
    decided_on = models.DateField(_("decided on"))
    amount = models.DecimalField(_("fine on the unit (yuan)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    person_name = models.CharField(_("responsible person punished"), max_length=30, blank=True)
    person_amount = models.DecimalField(
        _("fine on the responsible person (yuan)"),
        null=True,
        blank=True,
        **MONEY,  # type: ignore[arg-type]
    )
    facts = models.TextField(_("facts and grounds"), max_length=2000, blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("hazard")
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspection"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # A correction: the office voids a penalty recorded in error (who, when, why); the record stays.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="penalty_kind_valid", condition=Q(kind__in=PenaltyKind.values)),
            models.CheckConstraint(
                name="penalty_fine_has_amount",
                condition=~Q(kind__in=[PenaltyKind.FINE, PenaltyKind.DOUBLE]) | Q(amount__isnull=False),
            ),
            models.CheckConstraint(
                name="penalty_double_has_person",
                condition=~Q(kind=PenaltyKind.DOUBLE) | (Q(person_amount__isnull=False) & ~Q(person_name="")),
            ),
            models.CheckConstraint(
                name="penalty_void_has_who_and_why",
                condition=Q(voided_at__isnull=True) | (Q(voided_by__isnull=False) & ~Q(void_reason="")),
            ),
        ]
        indexes = [models.Index(fields=["unit", "decided_on"], name="penalty_unit_idx")]

    def __str__(self) -> str:
        return f"{self.document_number} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("readiness:penalty_detail", args=[self.pk])

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None
