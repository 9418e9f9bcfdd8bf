"""Obligations and plans: quarterly supervision visits (§1), handed-over work problems (交办单), referrals to the
discipline office, and double-random draws (§28)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models import SupervisionGroup, Township, Unit, Village

from .inspection import Inspection, Status
from .workflow import Transition, table


class SupervisionVisit(models.Model):
    """One planned visit of a supervision group to one village or unit in one quarter (§1: once a quarter each)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        SupervisionGroup, on_delete=models.PROTECT, related_name="visits", verbose_name=_("group")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="visits", verbose_name=_("village")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="visits", verbose_name=_("unit")
    )
    inspection = models.OneToOneField(
        Inspection, on_delete=models.SET_NULL, null=True, blank=True, related_name="visit", verbose_name=_("inspection")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        ordering = ["-year", "-quarter", "group", "pk"]
        constraints = [
            models.CheckConstraint(name="visit_quarter_valid", condition=Q(quarter__gte=1, quarter__lte=4)),
            models.CheckConstraint(
                name="visit_one_target",
                condition=Q(village__isnull=False, unit__isnull=True) | Q(village__isnull=True, unit__isnull=False),
            ),
            models.UniqueConstraint(fields=["group", "year", "quarter", "village"], name="visit_unique_village"),
            models.UniqueConstraint(fields=["group", "year", "quarter", "unit"], name="visit_unique_unit"),
        ]
        indexes = [models.Index(fields=["township", "year", "quarter"], name="visit_quarter_idx")]

    def __str__(self) -> str:
        return f"{self.group} {self.year}Q{self.quarter} {self.village or self.unit}"

    @property
    def target(self) -> Village | Unit:
        return self.village or self.unit  # type: ignore[return-value]

    @property
    def is_done(self) -> bool:
        return self.inspection_id is not None and self.inspection.status == Status.SUBMITTED  # type: ignore[union-attr]


class WorkProblem(models.Model):
    """交办单: a work problem a supervision visit hands over, with a deadline and a required reply.

    §1 限期交办, 跟踪问效: followed up until the reply is accepted."""

    class State(models.TextChoices):
        OPEN = "open", _("handed over")
        REPLIED = "replied", _("replied")
        ACCEPTED = "accepted", _("accepted")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="problems", verbose_name=_("supervision inspection")
    )
    description = models.TextField(_("problem"))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="problems", verbose_name=_("village")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="problems", verbose_name=_("unit")
    )
    deadline = models.DateField(_("deadline"))
    required_reply = models.TextField(_("reply required"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    review_note = models.TextField(_("follow-up note"), blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handed-over problem")
        verbose_name_plural = _("handed-over problems")
        ordering = ["state", "deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                name="problem_one_target",
                condition=Q(village__isnull=False, unit__isnull=True) | Q(village__isnull=True, unit__isnull=False),
            ),
            models.CheckConstraint(name="problem_state_valid", condition=Q(state__in=["open", "replied", "accepted"])),
        ]
        indexes = [models.Index(fields=["township", "state", "deadline"], name="problem_state_idx")]

    def __str__(self) -> str:
        return self.description[:40]

    def get_absolute_url(self) -> str:
        return reverse("inspections:problem_detail", args=[self.pk])


class ProblemRole(models.TextChoices):
    """Who may take a step on a handed-over problem: computed per user and problem by access.problem_roles."""

    RESPONSIBLE = "responsible", _("responsible village or unit")  # its village officers or unit staff
    REVIEWER = "reviewer", _("reviewer")  # the office or the supervision group, never the party supervised (§1)


_State = WorkProblem.State
# 限期交办, 跟踪问效 (§1), in one table: the village or unit replies; the office or the group accepts the reply or
# returns it with what is still missing.
PROBLEM_TRANSITIONS: dict[str, Transition] = table(
    Transition(
        "reply", (_State.OPEN,), _State.REPLIED, frozenset({ProblemRole.RESPONSIBLE}), _("reply"), needs_note=True
    ),
    Transition(
        "accept", (_State.REPLIED,), _State.ACCEPTED, frozenset({ProblemRole.REVIEWER}), _("accept"), confirm=True
    ),
    Transition(
        "return",
        (_State.REPLIED,),
        _State.OPEN,
        frozenset({ProblemRole.REVIEWER}),
        _("return for follow-up"),
        needs_note=True,
    ),
)


class WorkProblemEvent(models.Model):
    """One step in a handed-over problem's life: who, when, from, to, what was said."""

    class Action(models.TextChoices):
        # The state a problem was in when its timeline began to be kept (nothing earlier is invented).
        BEFORE_EVENTS = "before_events", _("recorded before the timeline was kept")
        HANDED_OVER = "handed_over", _("handed over")
        REPLY = "reply", _("replied")
        ACCEPT = "accept", _("accepted")
        RETURN = "return", _("returned for follow-up")

    problem = models.ForeignKey(
        WorkProblem, on_delete=models.CASCADE, related_name="events", verbose_name=_("handed-over problem")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=WorkProblem.State.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=WorkProblem.State.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("handed-over problem event")
        verbose_name_plural = _("handed-over problem events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["problem", "created_at"], name="problem_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.problem_id}"


class DisciplineReferral(models.Model):
    """§1: a cadre found "不担当、不作为" is handed to the discipline office (镇纪委) for checking."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="referrals")
    cadre_name = models.CharField(_("cadre"), max_length=30)
    cadre_position = models.CharField(_("position"), max_length=100, blank=True)
    facts = models.TextField(_("what was found"))
    referred_on = models.DateField(_("referred on"))
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referral to the discipline office")
        verbose_name_plural = _("referrals to the discipline office")
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return self.cadre_name


class RandomDraw(models.Model):
    """双随机 (§28): N targets and teams of K inspectors drawn from two pools; the seed reproduces the draw."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    seed = models.CharField(_("seed"), max_length=64)
    target_filters = models.JSONField(_("target pool filters"), default=dict)
    target_pool = models.JSONField(_("target pool"), default=list)  # [enterprise id, …] as drawn from
    inspector_pool = models.JSONField(_("inspector pool"), default=list)  # [inspector id, …]
    target_count = models.PositiveIntegerField(_("number of targets"))
    team_size = models.PositiveSmallIntegerField(_("inspectors per team"))
    result = models.JSONField(_("result"), default=list)  # [{"target": id, "inspectors": [id, …]}, …]
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    # The unit that carries the drawn inspections out: with enforcement power they are 执法检查 (§28).
    inspecting_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("inspecting unit")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("random draw")
        verbose_name_plural = _("random draws")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:draw_detail", args=[self.pk])


class RandomShareTarget(models.Model):
    """The share of the year's law-enforcement inspections of enterprises that should come from double-random draws
    (default 70%; §28, see inspections.draws.random_share)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    percent = models.PositiveSmallIntegerField(_("target share (%)"), default=70)

    class Meta:
        verbose_name = _("random-draw target")
        verbose_name_plural = _("random-draw targets")
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="random_target_unique"),
            models.CheckConstraint(name="random_target_percent", condition=Q(percent__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.percent}%"
