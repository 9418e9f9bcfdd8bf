"""Accidents (事故, for the "双下降" goal, SPEC S5) and the monthly statistics snapshots that are never rewritten."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models import Enterprise, Township, Village

from .stats import rate


class AccidentKind(models.TextChoices):
    """生产安全事故 categories as the county's accident statistics group them."""

    FIRE = "fire", _("fire")
    ROAD = "road", _("road traffic")
    CONSTRUCTION = "construction", _("construction")
    INDUSTRY = "industry", _("industry and trade")
    HAZCHEM = "hazchem", _("hazardous chemicals")
    GAS = "gas", _("gas / LPG")
    FIREWORKS = "fireworks", _("fireworks")
    SPECIAL_EQUIPMENT = "special_equipment", _("special equipment")
    AGRICULTURE = "agriculture", _("agricultural machinery")
    DROWNING = "drowning", _("drowning")
    OTHER = "other", _("other")


class AccidentLevel(models.TextChoices):
    """事故等级 of 《生产安全事故报告和调查处理条例》(国务院令第493号) 第三条."""

    GENERAL = "general", _("general accident (一般事故)")
    LARGER = "larger", _("larger accident (较大事故)")
    MAJOR = "major", _("major accident (重大事故)")
    EXTRAORDINARY = "extraordinary", _("extraordinarily serious accident (特别重大事故)")


# 第三条: (level, deaths, serious injuries, direct loss in 万元) from which an accident is of that level at least —
# "以上包括本数，所称的以下不包括本数", so each figure is a lower bound that counts (30 deaths is 特别重大, 29 重大).
LEVEL_THRESHOLDS: tuple[tuple[str, int, int, Decimal], ...] = (
    (AccidentLevel.EXTRAORDINARY, 30, 100, Decimal("10000")),  # 1亿元
    (AccidentLevel.MAJOR, 10, 50, Decimal("5000")),
    (AccidentLevel.LARGER, 3, 10, Decimal("1000")),
)
# The register's bound on the direct loss: 100亿元 (an accident of a township cannot exceed it by a factor of 100
# over the highest level's threshold; a larger number is a typing error, e.g. yuan typed as 万元).
MAX_DIRECT_LOSS = Decimal("1000000")


def accident_level(deaths: int, serious_injuries: int, direct_loss: Decimal) -> str:
    """The level the three figures give; the highest level any one of them reaches (第三条)."""
    for level, min_deaths, min_serious, min_loss in LEVEL_THRESHOLDS:
        if deaths >= min_deaths or serious_injuries >= min_serious or direct_loss >= min_loss:
            return level
    return AccidentLevel.GENERAL


class Accident(models.Model):
    """One accident of the township's register: the outcome goal is fewer accidents and deaths each year (二)."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="accidents", verbose_name=_("township")
    )
    occurred_on = models.DateField(_("date of the accident"))
    place = models.CharField(_("place"), max_length=200)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="accidents", verbose_name=_("village")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accidents",
        verbose_name=_("enterprise or place"),
    )
    kind = models.CharField(_("kind of accident"), max_length=20, choices=AccidentKind.choices)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    # 受伤: everybody injured, 重伤 included (what the register recorded before 重伤 was asked for separately).
    injuries = models.PositiveIntegerField(
        _("injured (受伤), in total"), default=0, help_text=_("Everybody injured, serious injuries included.")
    )
    serious_injuries = models.PositiveIntegerField(
        _("of which seriously injured (重伤)"),
        default=0,
        help_text=_("Including acute industrial poisoning (急性工业中毒)."),
    )
    direct_loss = models.DecimalField(
        _("direct economic loss (万元)"),
        max_digits=12,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_DIRECT_LOSS)],
    )
    counts_as_work_safety = models.BooleanField(
        _("counts as a work-safety accident (生产安全事故)"),
        default=True,
        help_text=_(
            "Untick for a drowning, a suicide, an illness or another death that is not a work-safety accident: it "
            "stays in the register but is not counted in the accident figures (双下降)."
        ),
    )
    # Derived from deaths, serious injuries and loss by dashboard.accidents on every save (第三条); stored so the
    # list can filter and sort by it.
    level = models.CharField(
        _("level of the accident"), max_length=20, choices=AccidentLevel.choices, default=AccidentLevel.GENERAL
    )
    source_document = models.CharField(
        _("source document"),
        max_length=200,
        blank=True,
        help_text=_("For example the number of the accident report or the investigation report."),
    )
    description = models.TextField(_("what happened"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="accident_kind_valid", condition=Q(kind__in=AccidentKind.values)),
            models.CheckConstraint(name="accident_loss_not_negative", condition=Q(direct_loss__gte=0)),
            models.CheckConstraint(name="accident_loss_bounded", condition=Q(direct_loss__lte=MAX_DIRECT_LOSS)),
            models.CheckConstraint(
                name="accident_serious_within_injured", condition=Q(serious_injuries__lte=models.F("injuries"))
            ),
            models.CheckConstraint(name="accident_level_valid", condition=Q(level__in=AccidentLevel.values)),
        ]
        indexes = [
            models.Index(fields=["township", "occurred_on"], name="accident_town_date_idx"),
            models.Index(fields=["village", "occurred_on"], name="accident_village_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on:%Y-%m-%d} {self.place}"

    def get_absolute_url(self) -> str:
        return reverse("dashboard:accident_detail", args=[self.pk])


# -- monthly snapshots ------------------------------------------------------------------------------------------


class SnapshotImmutableError(Exception):
    """A stored snapshot is what was true at a month's end: it is never changed or removed."""


class Dimension(models.TextChoices):
    TOTAL = "total", _("township")
    VILLAGE = "village", _("village")
    SECTOR = "sector", _("sector")
    LEVEL = "level", _("level")


class MonthlySnapshotQuerySet(models.QuerySet["MonthlySnapshot"]):
    def update(self, **kwargs: Any) -> int:
        raise SnapshotImmutableError("Monthly snapshots are never edited.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise SnapshotImmutableError("Monthly snapshots are never deleted.")


# The month from which the snapshots carry 按期整改 with the definition of issue 9.5 (rectified by the last approved
# deadline ÷ rectified): the month the change shipped. Stored months are never recomputed, so earlier months keep
# only the old figure (closed by the deadline ÷ closed, 按销号日期) and are labelled so.
ON_TIME_NEW_DEFINITION_FROM = dt.date(2026, 12, 1)
# The month from which the snapshots carry the columns of the monthly report as filed (issue 13): the five 落实 apart,
# listings by level with their rectified, the funds spent. Earlier months keep their old form (these left empty).
FILED_FORM_FROM = dt.date(2026, 12, 1)
FILED_FORM_FIGURES = (
    "five_target",
    "five_funds",
    "five_staff",
    "five_time",
    "five_safety",
    "listed_province",
    "rectified_province",
    "listed_city",
    "rectified_city",
    "listed_county",
    "rectified_county",
)

# The figure columns, in the order the trend page shows them (definitions: dashboard.snapshots).
SNAPSHOT_FIGURES = (
    "found_in_month",
    "closed_in_month",
    "found",
    "found_major",
    "rectified",
    "closed",
    "closed_on_time",
    "rectified_on_time",
    "open",
    "open_major",
    "overdue",
    "overdue_major",
    "stock_open_major",
    "listed",
    "listed_county_plus",
    *FILED_FORM_FIGURES,
    "funds_spent",
)


class MonthlySnapshot(models.Model):
    """The figures of one group (the township, a village, a sector or a level) as they stood at a month's end.

    Written once by dashboard.snapshots.snapshot_month; save() of an existing row, delete() and queryset
    update()/delete() raise SnapshotImmutableError, and the admin is read-only.
    """

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("township")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    dimension = models.CharField(_("breakdown"), max_length=10, choices=Dimension.choices)
    # The village or sector id, or the level value; empty for the township's total.
    key = models.CharField(_("key"), max_length=32, blank=True)
    label = models.CharField(_("name"), max_length=100)

    # Flows within the month.
    found_in_month = models.PositiveIntegerField(_("found in the month"), default=0)
    closed_in_month = models.PositiveIntegerField(_("closed in the month"), default=0)
    # All hazards found up to the month's end, in the state they had at that moment.
    found = models.PositiveIntegerField(_("found (to date)"), default=0)
    found_major = models.PositiveIntegerField(_("major hazards found (to date)"), default=0)
    rectified = models.PositiveIntegerField(_("rectified"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    closed_on_time = models.PositiveIntegerField(_("closed on time"), default=0)
    # Empty for the months before ON_TIME_NEW_DEFINITION_FROM: they were stored with the old definition only.
    rectified_on_time = models.PositiveIntegerField(
        _("rectified by the deadline"),
        null=True,
        blank=True,
        help_text=_("Rectification completed by the last approved deadline; recorded from December 2026 on."),
    )
    open = models.PositiveIntegerField(_("open"), default=0)
    open_major = models.PositiveIntegerField(_("open major hazards"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    overdue_major = models.PositiveIntegerField(_("overdue major hazards"), default=0)
    stock_open_major = models.PositiveIntegerField(_("open major stock hazards"), default=0)
    listed = models.PositiveIntegerField(_("listed"), default=0)
    listed_county_plus = models.PositiveIntegerField(_("listed at county level or above"), default=0)
    # From FILED_FORM_FROM on (empty before): over the hazards found up to the month's end, as they stood then — the
    # major ones with each item of the five 落实 recorded; those ever listed at each level by then, and of them the
    # rectified ones; the funds actually spent (yuan).
    five_target = models.PositiveIntegerField(_("major hazards with target and task (目标任务)"), null=True, blank=True)
    five_funds = models.PositiveIntegerField(
        _("major hazards with funds and materials (经费物资)"), null=True, blank=True
    )
    five_staff = models.PositiveIntegerField(
        _("major hazards with organisation and staff (机构人员)"), null=True, blank=True
    )
    five_time = models.PositiveIntegerField(_("major hazards with time requirement (时间要求)"), null=True, blank=True)
    five_safety = models.PositiveIntegerField(
        _("major hazards with safety measures and contingency plan (安全措施应急预案)"), null=True, blank=True
    )
    listed_province = models.PositiveIntegerField(_("listed at province level"), null=True, blank=True)
    rectified_province = models.PositiveIntegerField(_("listed at province level, rectified"), null=True, blank=True)
    listed_city = models.PositiveIntegerField(_("listed at city level"), null=True, blank=True)
    rectified_city = models.PositiveIntegerField(_("listed at city level, rectified"), null=True, blank=True)
    listed_county = models.PositiveIntegerField(_("listed at county level"), null=True, blank=True)
    rectified_county = models.PositiveIntegerField(_("listed at county level, rectified"), null=True, blank=True)
    funds_spent = models.DecimalField(
        _("funds actually spent (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("stored at"), default=timezone.now)

    objects = MonthlySnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly snapshot")
        verbose_name_plural = _("monthly snapshots")
        ordering = ["month", "dimension", "label"]
        constraints = [
            models.UniqueConstraint(fields=["township", "month", "dimension", "key"], name="snapshot_unique_row"),
            models.CheckConstraint(
                name="snapshot_dimension_valid", condition=Q(dimension__in=["total", "village", "sector", "level"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.get_dimension_display()} · {self.label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise SnapshotImmutableError("Monthly snapshots are never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SnapshotImmutableError("Monthly snapshots are never deleted.")

    @property
    def rectification_rate(self) -> Decimal | None:
        return rate(self.rectified, self.found)

    @property
    def on_time_old_definition(self) -> bool:
        """Stored before 按期整改 was redefined (issue 9.5): the rate is closed by the deadline ÷ closed."""
        return self.rectified_on_time is None

    @property
    def on_time_rate(self) -> Decimal | None:
        if self.rectified_on_time is None:
            return rate(self.closed_on_time, self.closed)
        return rate(self.rectified_on_time, self.rectified)

    @property
    def in_old_form(self) -> bool:
        """Stored before the columns of the filed monthly report were added (issue 13): they are empty."""
        return self.five_target is None


# -- the monthly report as filed (issue 13) ---------------------------------------------------------------------


class FiledReportImmutableError(Exception):
    """A filed monthly report is what the office sent: a change is a new version (更正), never an edit."""


class FiledMonthlyReportQuerySet(models.QuerySet["FiledMonthlyReport"]):
    def update(self, **kwargs: Any) -> int:
        raise FiledReportImmutableError("A filed monthly report is never edited.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise FiledReportImmutableError("A filed monthly report is never deleted.")


class FiledMonthlyReport(models.Model):
    """One version of a township's monthly report as the office filed it (报送): the whole table as it was.

    Version 1 is the filing; each later version a correction (更正) with its reason and the differences from the
    version before (cell by cell). Written only by dashboard.filing; never edited or deleted. `document` holds the
    title, 填报单位, the columns (keys, headers, kinds), the rows and the total, and the notes; `form_version` the
    version of the form's columns (dashboard.monthly.FORM_VERSION), so an older filed month keeps its old form.
    """

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="filed_monthly_reports", verbose_name=_("township")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    version = models.PositiveSmallIntegerField(_("version"))
    form_version = models.PositiveSmallIntegerField(_("form version"))
    document = models.JSONField(_("table as filed"))
    differences = models.JSONField(_("differences from the version before"), default=list, blank=True)
    reason = models.TextField(_("reason for the correction"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)

    objects = FiledMonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("filed monthly report")
        verbose_name_plural = _("filed monthly reports")
        ordering = ["township", "-month", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["township", "month", "version"], name="filed_report_unique_version"),
            models.CheckConstraint(name="filed_report_version_positive", condition=Q(version__gte=1)),
            models.CheckConstraint(name="filed_report_correction_has_reason", condition=Q(version=1) | ~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.township} {self.month:%Y-%m} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise FiledReportImmutableError("A filed monthly report is never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise FiledReportImmutableError("A filed monthly report is never deleted.")

    @property
    def is_correction(self) -> bool:
        return self.version > 1
