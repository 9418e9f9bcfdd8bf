"""The plan as tracked work (SPEC S9): its actions and measures, the tasks they break into, the quarterly progress
reports on each task, and the plan's dated, countable targets with their figures.

A plan is one township's document (a later year's plan or another township's loads the same way, `load_plan`). A
task belongs to one village or one unit; the unit or village reports each quarter, the office reviews.
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


class Plan(models.Model):
    """One township's implementation plan (实施方案), e.g. its three-year plan 2024–2026."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    key = models.CharField(_("key"), max_length=50, editable=False)
    title = models.CharField(_("title"), max_length=200)
    document = models.CharField(_("document number"), max_length=50, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-starts_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["township", "key"], name="plan_unique_key")]

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    """One of the plan's actions (行动), (一)…(八)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1), MaxValueValidator(99)])
    title = models.CharField(_("title"), max_length=100)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_action_unique_number")]

    def __str__(self) -> str:
        return f"({CHINESE_NUMERALS.get(self.number, self.number)}){self.title}"

    @property
    def numeral(self) -> str:
        return str(CHINESE_NUMERALS.get(self.number, self.number))


CHINESE_NUMERALS = dict(enumerate("一二三四五六七八九十", start=1))


class Measure(models.Model):
    """A numbered measure (§1–§32) with the plan's own words, its lead unit and participating units.

    `named_lead` and `named_participants` keep how the plan names the units ("安委会办公室", "住建部门"); the office
    assigns the township's units (`lead_unit`, `participating_units`). A measure with no lead unit is unassigned."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plan"))
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="measures", verbose_name=_("action"))
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1), MaxValueValidator(999)])
    heading = models.CharField(_("heading"), max_length=100, blank=True)
    text = models.TextField(_("text of the plan"), max_length=5000)
    named_lead = models.CharField(_("lead as the plan names it"), max_length=100, blank=True)
    named_participants = models.CharField(_("participants as the plan names them"), max_length=200, blank=True)
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lead unit")
    )
    participating_units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("participating units")
    )
    history = HistoricalRecords(m2m_fields=[participating_units])

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_measure_unique_number")]

    def __str__(self) -> str:
        return f"§{self.number} {self.short_title}"

    def get_absolute_url(self) -> str:
        return reverse("plan:measure", args=[self.pk])

    @property
    def short_title(self) -> str:
        """The plan's heading; the measures without one (§15 on) by their opening words."""
        if self.heading:
            return self.heading
        return self.text[:24] + ("…" if len(self.text) > 24 else "")


class Task(models.Model):
    """A piece of a measure for one village or one unit, with a deadline; reported on every quarter until done."""

    class State(models.TextChoices):
        ACTIVE = "active", _("in progress")
        DONE = "done", _("done")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("measure"))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("what is to be done"), max_length=2000, blank=True)
    starts_on = models.DateField(_("starts on"))
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                name="plan_task_one_target",
                condition=Q(village__isnull=False, unit__isnull=True) | Q(village__isnull=True, unit__isnull=False),
            ),
            models.CheckConstraint(name="plan_task_state_valid", condition=Q(state__in=["active", "done"])),
            models.CheckConstraint(name="plan_task_dates", condition=Q(deadline__gte=models.F("starts_on"))),
        ]
        indexes = [
            models.Index(fields=["township", "state", "deadline"], name="plan_task_state_idx"),
            models.Index(fields=["village", "state"], name="plan_task_village_idx"),
            models.Index(fields=["unit", "state"], name="plan_task_unit_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan:task", args=[self.pk])

    @property
    def responsible(self) -> Village | Unit:
        return self.village or self.unit  # type: ignore[return-value]


class ProgressReport(models.Model):
    """A quarterly progress report on a task (季度进展): what was done, the figures, attachments; the office accepts
    it or returns it with comments, and the village or unit sends it again."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for review")
        RETURNED = "returned", _("returned")
        ACCEPTED = "accepted", _("accepted")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports", verbose_name=_("plan task"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    work_done = models.TextField(_("what was done"), max_length=5000)
    figures = models.CharField(_("figures"), max_length=500, blank=True)
    is_final = models.BooleanField(_("the task is complete"), default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    review_note = models.TextField(_("review comments"), max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-year", "-quarter", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "year", "quarter"], name="plan_report_one_per_quarter"),
            models.CheckConstraint(
                name="plan_report_state_valid", condition=Q(state__in=["submitted", "returned", "accepted"])
            ),
            models.CheckConstraint(name="plan_report_quarter_valid", condition=Q(quarter__gte=1, quarter__lte=4)),
        ]
        indexes = [models.Index(fields=["state", "task"], name="plan_report_state_idx")]

    def __str__(self) -> str:
        return f"{self.task} · {self.year}Q{self.quarter}"

    def get_absolute_url(self) -> str:
        return reverse("plan:report", args=[self.pk])


class ReportRole(models.TextChoices):
    """Who may take a step on a report: computed per user by access.report_roles."""

    RESPONSIBLE = "responsible", _("responsible village or unit")
    REVIEWER = "reviewer", _("reviewer")  # the township's office


_S = ProgressReport.State
# The review, in one table: the office accepts or returns with comments; the village or unit sends it again.
REPORT_TRANSITIONS: dict[str, Transition] = table(
    Transition("accept", (_S.SUBMITTED,), _S.ACCEPTED, frozenset({ReportRole.REVIEWER}), _("accept"), confirm=True),
    Transition("return", (_S.SUBMITTED,), _S.RETURNED, frozenset({ReportRole.REVIEWER}), _("return"), needs_note=True),
    Transition("resubmit", (_S.RETURNED,), _S.SUBMITTED, frozenset({ReportRole.RESPONSIBLE}), _("send again")),
)


class ReportEvent(models.Model):
    """One step in a report's life: who, when, from, to, what was said."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submitted")
        ACCEPT = "accept", _("accepted")
        RETURN = "return", _("returned")
        RESUBMIT = "resubmit", _("sent again")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=10, choices=ProgressReport.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=ProgressReport.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress report event")
        verbose_name_plural = _("progress report events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.report_id}"


def attachment_path(instance: ReportAttachment, filename: str) -> str:
    return stored_path("plan", instance.token, instance.extension)


class ReportAttachment(StoredFile):
    """A photo or PDF attached to a progress report; served only to who may see the report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(ReportEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]


class Target(models.Model):
    """A dated, countable target of the plan (e.g. §20 变型拖拉机 retired by end-2025). Its figure is computed from the
    system's records (`source`, a key of plan.targets.SOURCES) or typed by the office (TargetEntry, history kept)."""

    class Kind(models.TextChoices):
        UP_TO = "up_to", _("reach at least the goal")
        DOWN_TO = "down_to", _("come down to the goal")
        IN_PLACE = "in_place", _("rules in place")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("plan"))
    key = models.CharField(_("key"), max_length=50, editable=False)
    measure = models.ForeignKey(
        Measure, on_delete=models.SET_NULL, null=True, blank=True, related_name="targets", verbose_name=_("measure")
    )
    name = models.CharField(_("target"), max_length=100)
    text = models.CharField(_("the plan's words"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    goal = models.DecimalField(_("goal"), max_digits=12, decimal_places=2)
    unit_label = models.CharField(_("unit of the figure"), max_length=10, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    source = models.CharField(_("computed from"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="plan_target_unique_key"),
            models.CheckConstraint(
                name="plan_target_kind_valid", condition=Q(kind__in=["up_to", "down_to", "in_place"])
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plan:target", args=[self.pk])

    @property
    def is_computed(self) -> bool:
        return bool(self.source)


class TargetEntry(models.Model):
    """A figure the office typed for a target, as of a day, with where it comes from; every entry is kept."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="entries", verbose_name=_("target"))
    value = models.DecimalField(_("figure"), max_digits=12, decimal_places=2)
    as_of = models.DateField(_("as of"))
    source_note = models.CharField(_("source"), max_length=300)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("target figure")
        verbose_name_plural = _("target figures")
        ordering = ["-as_of", "-entered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.target} = {self.value} ({self.as_of})"


# -- the scoreboard (赛马, plan 四(五)) ------------------------------------------------------------------------------


class ScoreWeights(models.Model):
    """The weight of each scoreboard indicator in one township (an office setting). One row per township; every
    change is kept by simple_history (who, when, old → new: plan.scoreboard_views.weight_changes)."""

    township = models.OneToOneField(Township, on_delete=models.CASCADE, related_name="+", verbose_name=_("township"))
    on_time_rate = models.PositiveSmallIntegerField(_("on-time rectification rate"), default=20)
    overdue_major = models.PositiveSmallIntegerField(_("overdue major hazards"), default=15)
    supervision = models.PositiveSmallIntegerField(_("supervision visits completed"), default=10)
    self_inspection = models.PositiveSmallIntegerField(_("self-inspections completed"), default=10)
    drill_coverage = models.PositiveSmallIntegerField(_("drill coverage"), default=10)
    training_coverage = models.PositiveSmallIntegerField(_("training coverage"), default=10)
    monthly_on_time = models.PositiveSmallIntegerField(_("monthly reports on time"), default=10)
    plan_on_time = models.PositiveSmallIntegerField(_("plan tasks on time"), default=10)
    escalations = models.PositiveSmallIntegerField(_("escalations received"), default=5)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoreboard weights")
        verbose_name_plural = _("scoreboard weights")

    def __str__(self) -> str:
        return f"{self.township_id}"


class FrozenBoard(models.Model):
    """A closed quarter's scoreboard as it stood when frozen: the weights, every row's figures, score and rank
    (JSON written by plan.scoreboard.Board.as_data). A past quarter's page reads it and nothing else."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    data = models.JSONField()
    frozen_at = models.DateTimeField(_("frozen at"), default=timezone.now)

    class Meta:
        verbose_name = _("frozen scoreboard")
        verbose_name_plural = _("frozen scoreboards")
        ordering = ["-year", "-quarter", "township"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "quarter"], name="plan_frozen_board_unique"),
            models.CheckConstraint(name="plan_frozen_board_quarter", condition=Q(quarter__gte=1, quarter__lte=4)),
        ]

    def __str__(self) -> str:
        return f"{self.township_id} {self.year}Q{self.quarter}"
