"""Work plans (三(一): 工作计划 filed for 审核备案) and monthly reports, zero reports included (月报, 零报告).

A filing round is what the office asks for: a title, who must file (the township's villages and/or units) and the
deadline. Each village or unit files its plan (a document) once per round; the office approves it (备案) or
returns it with comments, and the village or unit files again. Every step is an event row.

A monthly report is a village's or unit's confirmation of what it found in a month — the number of hazards, or
nothing at all (零报告). Who must report, and by which day of the following month, is the township's setting.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import StoredFile, stored_path
from inspections.models.workflow import Transition, table
from units.models import Township, Unit, Village

ONE_TARGET = Q(village__isnull=False, unit__isnull=True) | Q(village__isnull=True, unit__isnull=False)


class FilingSettings(models.Model):
    """The township's rules for monthly reports: who reports and by which day of the following month."""

    class Units(models.TextChoices):
        DUTIES = "duties", _("units with supervision or sector-management duties")
        ALL = "all", _("every unit")
        NONE = "none", _("no unit")

    township = models.OneToOneField(
        Township, on_delete=models.CASCADE, related_name="filing_settings", verbose_name=_("township")
    )
    villages_report = models.BooleanField(_("villages report monthly"), default=True)
    units_report = models.CharField(
        _("units that report monthly"), max_length=10, choices=Units.choices, default=Units.DUTIES
    )
    due_day = models.PositiveSmallIntegerField(
        _("due day of the following month"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("A month's report is due by this day of the following month (1–28)."),
    )
    # Past months are judged by the settings in force at their end (filing_selectors.Reporters).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monthly report settings")
        verbose_name_plural = _("monthly report settings")
        constraints = [
            models.CheckConstraint(name="filing_settings_due_day", condition=Q(due_day__gte=1, due_day__lte=28)),
            models.CheckConstraint(
                name="filing_settings_units", condition=Q(units_report__in=["duties", "all", "none"])
            ),
        ]

    def __str__(self) -> str:
        return str(self.township)


class FilingRound(models.Model):
    """A call for work plans (三(一)): who must file, by when."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    title = models.CharField(_("title"), max_length=100)
    deadline = models.DateField(_("deadline"))
    for_villages = models.BooleanField(_("villages file"), default=True)
    for_units = models.BooleanField(_("units file"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("work-plan filing round")
        verbose_name_plural = _("work-plan filing rounds")
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "title"], name="filing_round_unique_title"),
            models.CheckConstraint(name="filing_round_someone", condition=Q(for_villages=True) | Q(for_units=True)),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("readiness:filing_round", args=[self.pk])


class PlanRole(models.TextChoices):
    """Who may take a step on a work plan (filing_access.plan_roles)."""

    FILER = "filer", _("the village or unit that files")
    REVIEWER = "reviewer", _("the township office")


class WorkPlan(models.Model):
    """One village's or unit's work plan in a round, with its latest state."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("filed, awaiting review")
        RETURNED = "returned", _("returned for changes")
        APPROVED = "approved", _("approved and filed (备案)")

    round = models.ForeignKey(FilingRound, on_delete=models.PROTECT, related_name="plans", verbose_name=_("round"))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    filed_at = models.DateTimeField(_("first filed"), default=timezone.now)
    updated_at = models.DateTimeField(_("last step"), default=timezone.now)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["round", "pk"]
        constraints = [
            models.CheckConstraint(name="work_plan_one_target", condition=ONE_TARGET),
            models.CheckConstraint(
                name="work_plan_state", condition=Q(state__in=["submitted", "returned", "approved"])
            ),
            models.UniqueConstraint(fields=["round", "village"], name="work_plan_unique_village"),
            models.UniqueConstraint(fields=["round", "unit"], name="work_plan_unique_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("readiness:work_plan", args=[self.pk])

    @property
    def target(self) -> Village | Unit:
        return self.village or self.unit  # type: ignore[return-value]


_S = WorkPlan.State
# 审核备案 in one table: the village or unit files again after a return; the office approves or returns.
PLAN_TRANSITIONS: dict[str, Transition] = table(
    Transition("refile", (_S.RETURNED,), _S.SUBMITTED, frozenset({PlanRole.FILER}), _("file again")),
    Transition("approve", (_S.SUBMITTED,), _S.APPROVED, frozenset({PlanRole.REVIEWER}), _("approve"), confirm=True),
    Transition(
        "return",
        (_S.SUBMITTED,),
        _S.RETURNED,
        frozenset({PlanRole.REVIEWER}),
        _("return with comments"),
        needs_note=True,
    ),
)


def _plan_file_path(instance: WorkPlanFile, filename: str) -> str:
    return stored_path("work_plans", instance.token, instance.extension)


class WorkPlanEvent(models.Model):
    """One step of a work plan: filed, returned (with comments), filed again, approved."""

    class Action(models.TextChoices):
        FILE = "file", _("filed")
        REFILE = "refile", _("filed again")
        APPROVE = "approve", _("approved")
        RETURN = "return", _("returned with comments")

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="events", verbose_name=_("work plan"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=10, choices=WorkPlan.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=WorkPlan.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("work plan event")
        verbose_name_plural = _("work plan events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.plan_id}"


class WorkPlanFile(StoredFile):
    """The document filed with a step (PDF or photos of the pages)."""

    event = models.ForeignKey(WorkPlanEvent, on_delete=models.PROTECT, related_name="files", verbose_name=_("step"))
    file = models.FileField(upload_to=_plan_file_path, max_length=200)

    class Meta:
        verbose_name = _("work plan document")
        verbose_name_plural = _("work plan documents")
        ordering = ["pk"]


class MonthlyReport(models.Model):
    """A village's or unit's monthly report: how many hazards it found in the month; none is a zero report (零报告)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    hazards_found = models.PositiveIntegerField(
        _("hazards found"), validators=[MaxValueValidator(9999)], help_text=_("0 is a zero report (零报告).")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "pk"]
        constraints = [
            models.CheckConstraint(name="monthly_report_one_target", condition=ONE_TARGET),
            models.CheckConstraint(name="monthly_report_first_day", condition=Q(month__day=1)),
            models.CheckConstraint(name="monthly_report_count", condition=Q(hazards_found__lte=9999)),
            models.UniqueConstraint(fields=["month", "village"], name="monthly_report_unique_village"),
            models.UniqueConstraint(fields=["month", "unit"], name="monthly_report_unique_unit"),
        ]
        indexes = [models.Index(fields=["township", "month"], name="monthly_report_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.village or self.unit}"

    @property
    def is_zero(self) -> bool:
        return self.hazards_found == 0


class MonthlyReportEvent(models.Model):
    """One step of a monthly report: sent, or corrected by its village or unit within the due period (the count it
    gave at each step, so the office sees what changed)."""

    class Action(models.TextChoices):
        SEND = "send", _("sent")
        CORRECT = "correct", _("corrected")

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("monthly report")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    hazards_found = models.PositiveIntegerField(_("hazards found"), validators=[MaxValueValidator(9999)])
    note = models.CharField(_("note"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly report event")
        verbose_name_plural = _("monthly report events")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(name="monthly_report_event_action", condition=Q(action__in=["send", "correct"])),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.report_id}"
