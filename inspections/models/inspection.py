"""Inspections: who inspected what, when, with which checklist, item by item, and who signed (SPEC S3)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import StoredFile, stored_path
from hazards.models import Channel, Hazard
from units.models import Enterprise, Sector, SupervisionGroup, Township, Unit, User, Village

from .checklists import ChecklistItem, ChecklistVersion
from .workflow import Transition, table


class Kind(models.TextChoices):
    SUPERVISION = "supervision", _("supervision inspection (督导检查)")
    SPECIAL = "special", _("special campaign (专项检查)")
    HOLIDAY = "holiday", _("holiday / major-event check")
    FIRE_KNOCK = "fire_knock", _("fire-safety door-knocking (敲门行动)")
    GRID_PATROL = "grid_patrol", _("grid patrol (网格巡查)")
    UNANNOUNCED = "unannounced", _("unannounced visit (四不两直)")
    RANDOM = "random", _("double-random check (双随机)")
    SELF = "self", _("enterprise self-inspection (企业自查)")


# The hazard channel a finding gets by default; the inspector may change it (§18's channels).
DEFAULT_CHANNEL = {
    Kind.SUPERVISION: Channel.SUPERVISION,
    Kind.SPECIAL: Channel.DEPARTMENT,
    Kind.HOLIDAY: Channel.DEPARTMENT,
    Kind.FIRE_KNOCK: Channel.DEPARTMENT,
    Kind.GRID_PATROL: Channel.DEPARTMENT,
    Kind.UNANNOUNCED: Channel.ENFORCEMENT,
    Kind.RANDOM: Channel.ENFORCEMENT,
    Kind.SELF: Channel.SELF_REPORT,
}
# §28 四不两直: the target is told nothing in advance — no reminder, no visible plan.
UNANNOUNCED_KINDS = (Kind.UNANNOUNCED,)
# §28 执法检查: an inspection of an enterprise by a unit holding enforcement power can be a law-enforcement
# inspection whatever its method (双随机, 四不两直, 明查暗访, 专项, a holiday check). These kinds never are: the
# enterprise's own self-inspection (§4), the supervision of a village's or unit's work (§1), the grid patrol of
# places (§13) and the fire-safety door-knocking campaign (§31, publicity).
NON_ENFORCEMENT_KINDS = (Kind.SELF, Kind.SUPERVISION, Kind.GRID_PATROL, Kind.FIRE_KNOCK)


class Inspector(models.Model):
    """The inspector pool (§30): township staff, experts, technical inspectors, social supervisors, providers."""

    class Pool(models.TextChoices):
        STAFF = "staff", _("township staff")
        EXPERT = "expert", _("expert")
        TECHNICAL = "technical", _("technical inspector")
        SOCIAL = "social", _("social supervisor")
        CONTRACTOR = "contractor", _("contracted service provider")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    name = models.CharField(_("name"), max_length=50)
    pool = models.CharField(_("pool"), max_length=12, choices=Pool.choices, default=Pool.STAFF)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspector_profiles",
        verbose_name=_("account"),
    )
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    speciality = models.CharField(_("speciality"), max_length=100, blank=True)
    # §28/§30: the administrative law-enforcement credential (执法证). A draw team needs two holders; social
    # supervisors and contracted experts may only accompany them.
    credential_number = models.CharField(_("enforcement credential number (执法证号)"), max_length=50, blank=True)
    credential_expires_on = models.DateField(_("credential valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["pool", "name"]

    def __str__(self) -> str:
        return self.name

    def holds_credential(self, on: dt.date) -> bool:
        """A credential number is recorded and has not expired by that day."""
        return bool(self.credential_number.strip()) and (
            self.credential_expires_on is None or self.credential_expires_on >= on
        )


class PlaceAtRisk(models.Model):
    """§13: rented houses, idle factories, abandoned yards and markets, registered one by one per village."""

    class PlaceKind(models.TextChoices):
        RENTED_HOUSE = "rented_house", _("rented house")
        IDLE_FACTORY = "idle_factory", _("idle factory")
        ABANDONED_YARD = "abandoned_yard", _("abandoned yard")
        MARKET = "market", _("market")
        OTHER = "other", _("other")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="places_at_risk", verbose_name=_("village")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind.choices)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    grid = models.CharField(_("grid (网格)"), max_length=50, blank=True)
    keeper_name = models.CharField(_("owner or keeper"), max_length=30, blank=True)
    keeper_phone = models.CharField(_("phone"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("place at risk")
        verbose_name_plural = _("places at risk")
        ordering = ["village", "kind", "name"]
        indexes = [models.Index(fields=["village", "is_active"], name="place_village_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:place_detail", args=[self.pk])


class Status(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    SUBMITTED = "submitted", _("submitted")
    CANCELLED = "cancelled", _("cancelled")


# Answers, photos and findings are recorded while the inspection is open.
EDITABLE_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)


class InspectionRole(models.TextChoices):
    """Who may take a step on an inspection: computed per user and inspection by access.inspection_roles."""

    RECORDER = "recorder", _("recorder")  # fills the inspection in and submits it (access.may_log_inspection)
    AUTHOR = "author", _("author")  # planned it
    OFFICE = "office", _("township safety office")


# The life of an inspection, in one table: planned → in progress (the first answer or photo) → submitted; the
# office or whoever planned it may call off a visit that has not been submitted, with the reason.
INSPECTION_TRANSITIONS: dict[str, Transition] = table(
    Transition(
        "start", (Status.PLANNED,), Status.IN_PROGRESS, frozenset({InspectionRole.RECORDER}), _("Start recording")
    ),
    Transition("submit", EDITABLE_STATUSES, Status.SUBMITTED, frozenset({InspectionRole.RECORDER}), _("Submit")),
    Transition(
        "cancel",
        EDITABLE_STATUSES,
        Status.CANCELLED,
        frozenset({InspectionRole.OFFICE, InspectionRole.AUTHOR}),
        _("Cancel the inspection"),
        needs_note=True,
        confirm=True,
    ),
)


class InspectionQuerySet(models.QuerySet["Inspection"]):
    def law_enforcement(self) -> InspectionQuerySet:
        """§28 执法检查 of enterprises — the share of 双随机 and the 零处罚 view count these."""
        return self.filter(is_law_enforcement=True, enterprise__isnull=False)


class Inspection(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("hazard channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    done_on = models.DateField(_("inspected on"), null=True, blank=True)
    # What was inspected: an enterprise, a place at risk, a village's or unit's work, or a place in a village.
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("enterprise"),
    )
    place = models.ForeignKey(
        PlaceAtRisk,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("place at risk"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name=_("unit")
    )
    # Always set when the target lies in a village: it decides who sees the inspection.
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name=_("village")
    )
    place_text = models.CharField(_("place"), max_length=200, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name=_("sector")
    )
    checklist = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("checklist"),
    )
    inspectors = models.ManyToManyField(Inspector, blank=True, related_name="inspections", verbose_name=_("inspectors"))
    group = models.ForeignKey(
        SupervisionGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("supervision group"),
    )
    draw = models.ForeignKey(
        "inspections.RandomDraw", on_delete=models.PROTECT, null=True, blank=True, related_name="inspections"
    )
    # The unit that carries the inspection out (not the unit inspected, which is `unit`).
    inspecting_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections_carried_out",
        verbose_name=_("inspecting unit"),
    )
    # §28 执法检查: only by a unit holding enforcement power, of an enterprise (checked in the service and below).
    is_law_enforcement = models.BooleanField(_("law-enforcement inspection (执法检查)"), default=False)
    conclusion = models.TextField(_("conclusion"), blank=True)
    no_findings = models.BooleanField(_("no hazard found (本次未发现隐患)"), default=False)
    signer_name = models.CharField(_("responsible person of the inspected party"), max_length=30, blank=True)
    signature = models.FileField(_("signature"), upload_to="signatures/%Y/%m/", blank=True, max_length=200)
    # §1 / SPEC S3: a supervision group's visit is also signed by the group's leader.
    leader_signer_name = models.CharField(_("group leader who signs"), max_length=50, blank=True)
    leader_signature = models.FileField(
        _("signature of the group leader"), upload_to="signatures/%Y/%m/", blank=True, max_length=200
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["signature", "leader_signature"])

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-done_on", "-planned_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="inspection_status_valid", condition=Q(status__in=Status.values)),
            models.CheckConstraint(name="inspection_kind_valid", condition=Q(kind__in=Kind.values)),
            models.CheckConstraint(
                name="inspection_has_target",
                condition=Q(enterprise__isnull=False)
                | Q(place__isnull=False)
                | Q(unit__isnull=False)
                | Q(village__isnull=False),
            ),
            models.CheckConstraint(
                name="inspection_enforcement_of_enterprise",
                condition=Q(is_law_enforcement=False)
                | (
                    Q(enterprise__isnull=False, inspecting_unit__isnull=False)
                    & ~Q(kind__in=[str(k) for k in NON_ENFORCEMENT_KINDS])
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["township", "kind", "status"], name="inspection_kind_idx"),
            models.Index(fields=["enterprise", "kind", "done_on"], name="inspection_enterprise_idx"),
            models.Index(fields=["village", "done_on"], name="inspection_village_idx"),
            models.Index(fields=["unit", "done_on"], name="inspection_unit_idx"),
            models.Index(fields=["planned_on"], name="inspection_planned_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.target_label}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.pk])

    @property
    def target_label(self) -> str:
        if self.enterprise_id:
            return self.enterprise.name  # type: ignore[union-attr]
        if self.place_id:
            return self.place.name  # type: ignore[union-attr]
        if self.unit_id:
            return self.unit.name  # type: ignore[union-attr]
        return f"{self.village}{(' · ' + self.place_text) if self.place_text else ''}"

    @property
    def is_unannounced(self) -> bool:
        return self.kind in UNANNOUNCED_KINDS

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class InspectionEvent(models.Model):
    """One step in an inspection's life: who, when, from, to, why."""

    class Action(models.TextChoices):
        # The state an inspection was in when its timeline began to be kept (nothing earlier is invented).
        BEFORE_EVENTS = "before_events", _("recorded before the timeline was kept")
        PLANNED = "planned", _("planned")
        START = "start", _("recording started")
        SUBMIT = "submit", _("submitted")
        CANCEL = "cancel", _("cancelled")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="events", verbose_name=_("inspection")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)
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
        verbose_name = _("inspection event")
        verbose_name_plural = _("inspection events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["inspection", "created_at"], name="inspection_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.inspection_id}"


def inspection_photo_path(instance: InspectionPhoto, filename: str) -> str:
    return stored_path("inspections", instance.token, instance.extension)


class InspectionAnswer(models.Model):
    class Result(models.TextChoices):
        PASS = "pass", _("compliant (合格)")
        FAIL = "fail", _("non-compliant (不合格)")
        NOT_APPLICABLE = "na", _("not applicable (不适用)")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers")
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    hazard = models.ForeignKey(
        Hazard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_answers",
        verbose_name=_("hazard"),
    )
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)
    # The browser's clock when the answer was given (offline answers arrive later).
    client_time = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["item__order"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.result}"


class InspectionPhoto(StoredFile):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    file = models.FileField(upload_to=inspection_photo_path, max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["uploaded_at", "pk"]
