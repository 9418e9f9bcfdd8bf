"""The hazard register (重大事故隐患数据库, §6, §15–§18) and its workflow, as data (SPEC S2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import local_today
from core.files import StoredFile, stored_path
from units.models import Enterprise, Sector, Township, Unit, Village


class Status(models.TextChoices):
    REPORTED = "reported", _("reported")
    CONFIRMED = "confirmed", _("registered")
    RECTIFYING = "rectifying", _("rectifying")
    PENDING_ACCEPTANCE = "pending_acceptance", _("pending acceptance")
    VERIFIED = "verified", _("verified")
    CLOSED = "closed", _("closed")
    DISMISSED = "dismissed", _("dismissed")


OPEN_STATUSES = (Status.REPORTED, Status.CONFIRMED, Status.RECTIFYING, Status.PENDING_ACCEPTANCE)
# A deadline runs from rectification until acceptance is granted.
DEADLINE_STATUSES = (Status.CONFIRMED, Status.RECTIFYING, Status.PENDING_ACCEPTANCE)
RECTIFIED_STATUSES = (Status.VERIFIED, Status.CLOSED)
# What an enterprise contact sees of its hazards: registered and notified onwards (§18).
ENTERPRISE_VISIBLE_STATUSES = (
    Status.CONFIRMED,
    Status.RECTIFYING,
    Status.PENDING_ACCEPTANCE,
    Status.VERIFIED,
    Status.CLOSED,
)


class Level(models.TextChoices):
    GENERAL = "general", _("general hazard")
    MAJOR = "major", _("major hazard")


class HazardType(models.TextChoices):
    """The plan's special-treatment areas (§7–§14)."""

    FIRE = "fire", _("fire")
    GAS = "gas", _("LPG / gas")
    HAZCHEM = "hazchem", _("hazardous chemicals")
    ROAD = "road", _("road traffic")
    CONSTRUCTION = "construction", _("construction")
    INDUSTRY = "industry", _("industry and trade")
    FIREWORKS = "fireworks", _("fireworks")
    OTHER = "other", _("other")


class Channel(models.TextChoices):
    """Where the hazard was found (§18: every channel is gathered in one database)."""

    SELF_REPORT = "self_report", _("enterprise self-report")
    SUPERVISION = "supervision", _("supervision inspection")
    DEPARTMENT = "department", _("department inspection")
    ENFORCEMENT = "enforcement", _("law-enforcement inspection")
    PUBLIC = "public", _("public report verified")
    ASSIGNED = "assigned", _("assigned from above")


class Role(models.TextChoices):
    """Who may take a step: computed per user and hazard by hazards.access (hazard_roles)."""

    REPORTER = "reporter", _("reporter")  # village officer or enterprise contact in scope
    HANDLER = "handler", _("lead department")  # office, or staff of the hazard's lead/participating unit
    VERIFIER = "verifier", _("verifier")  # unit with supervision duties for the sector, else the office
    OFFICE = "office", _("township safety office")


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[str, ...]
    target: str
    roles: frozenset[str]
    label: str | Promise
    needs_note: bool = False


# The workflow, in one table (排查 → 整改 → 验收 → 销号, §6, §17).
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "confirm", (Status.REPORTED,), Status.CONFIRMED, frozenset({Role.HANDLER, Role.OFFICE}), _("Register")
        ),
        Transition(
            "dismiss",
            (Status.REPORTED,),
            Status.DISMISSED,
            frozenset({Role.HANDLER, Role.OFFICE}),
            _("Dismiss (not a hazard)"),
            needs_note=True,
        ),
        Transition(
            "start_rectification",
            (Status.CONFIRMED,),
            Status.RECTIFYING,
            frozenset({Role.HANDLER, Role.OFFICE}),
            _("Start rectification"),
        ),
        Transition(
            "request_acceptance",
            (Status.RECTIFYING,),
            Status.PENDING_ACCEPTANCE,
            frozenset({Role.REPORTER, Role.HANDLER, Role.OFFICE}),
            _("Request acceptance"),
        ),
        Transition(
            "verify",
            (Status.PENDING_ACCEPTANCE,),
            Status.VERIFIED,
            frozenset({Role.VERIFIER}),
            _("Accept (verified)"),
        ),
        Transition(
            "refuse_acceptance",
            (Status.PENDING_ACCEPTANCE,),
            Status.RECTIFYING,
            frozenset({Role.VERIFIER}),
            _("Refuse acceptance"),
            needs_note=True,
        ),
        Transition("close", (Status.VERIFIED,), Status.CLOSED, frozenset({Role.OFFICE}), _("Close (销号)")),
    ]
}


def stock_q(prefix: str = "") -> Q:
    """存量 (§17/§18): found before the cutoff of the hazard's own township (Township.stock_cutoff), so that a figure
    over several townships counts each hazard by its township's date."""
    return Q(**{f"{prefix}found_on__lt": F(f"{prefix}township__stock_cutoff")})


def increment_q(prefix: str = "") -> Q:
    """增量: found on or after its township's cutoff."""
    return Q(**{f"{prefix}found_on__gte": F(f"{prefix}township__stock_cutoff")})


class HazardQuerySet(models.QuerySet["Hazard"]):
    def open(self) -> HazardQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: dt.date | None = None) -> HazardQuerySet:
        today = today or local_today()
        return self.filter(status__in=DEADLINE_STATUSES, deadline__lt=today)

    def confirmation_overdue(self, now: dt.datetime | None = None) -> HazardQuerySet:
        """Reports nobody registered or dismissed within their township's time limit (Township.confirmation_days)."""
        now = now or timezone.now()
        limits = Township.objects.values_list("pk", "confirmation_days")
        q = Q(pk__in=[])
        for township_id, days in limits:
            q |= Q(township_id=township_id, created_at__lt=now - dt.timedelta(days=days))
        return self.filter(q, status=Status.REPORTED)

    def major(self) -> HazardQuerySet:
        return self.filter(level=Level.MAJOR)

    def stock(self) -> HazardQuerySet:
        return self.filter(stock_q())

    def increment(self) -> HazardQuerySet:
        return self.filter(increment_q())


class Hazard(models.Model):
    """事故隐患: one row of the township's hazard ledger."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("township"))
    # 隐患编号 (某某隐〔2026〕0001): given at registration (hazards.numbering), unique per township; a report not yet
    # registered and a dismissed one have none. The ledger's row number (序号) is something else.
    number = models.CharField(_("hazard number"), max_length=40, blank=True, default="")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("enterprise or place"),
    )
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("village"))
    # The hazard's own sector: a fire hazard in a factory is 消防 → 派出所, not the factory's sector.
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("sector"))
    # Recorded, not derived on read: a later routing change must not rewrite who was responsible.
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="hazards", verbose_name=_("lead unit")
    )
    hazard_type = models.CharField(_("hazard type"), max_length=20, choices=HazardType.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.GENERAL)
    # What a failed checklist item suggested (§6): lowering it needs a reason from the office or the lead unit.
    suggested_level = models.CharField(_("suggested level"), max_length=10, choices=Level.choices, blank=True)
    # §7 / GB 35181: 重大火灾隐患 is judged by the fire-rescue authority and makes the hazard major.
    is_major_fire = models.BooleanField(_("major fire hazard"), default=False)
    fire_judged_by = models.CharField(_("judged by (fire-rescue authority)"), max_length=100, blank=True)
    fire_judgement_document = models.CharField(_("judgement document number"), max_length=100, blank=True)
    fire_judged_on = models.DateField(_("judged on"), null=True, blank=True)
    channel = models.CharField(_("source channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)

    found_on = models.DateField(_("found on"))
    found_by = models.CharField(_("found by"), max_length=100, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_hazards",
        verbose_name=_("reported by"),
    )
    basis = models.CharField(_("judgement standard (判定依据)"), max_length=300, blank=True)
    clause = models.CharField(_("clause (条款)"), max_length=300, blank=True)

    # 整改"五落实" / 五到位
    measures = models.TextField(_("rectification measures"), blank=True)
    responsible_person = models.CharField(_("person responsible for rectification"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=20, blank=True)
    funds = models.DecimalField(_("funds (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    contingency_plan = models.TextField(_("contingency plan"), blank=True)
    funds_spent = models.DecimalField(
        _("funds actually spent (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Kept with each decided extension so the ledger and the dashboard show how far deadlines moved.
    extension_count = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    extension_days = models.PositiveIntegerField(_("days added by extensions"), default=0)

    # The county ledger's columns beside the 五落实, edited by whoever may edit those (HazardRights.check_edit).
    production_stopped = models.BooleanField(_("production stopped for rectification (停产停业整改)"), default=False)
    progress_note = models.TextField(_("progress, and the reason when not completed"), blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    # The acceptance as it was given (hazard_verify): the unit's and the person's names then, the local date. Kept
    # apart from the closing (销号) date, and not rewritten when a unit or a person is renamed later.
    accepted_by_unit = models.CharField(_("acceptance unit"), max_length=100, blank=True)
    accepted_by_person = models.CharField(_("acceptance person"), max_length=100, blank=True)
    accepted_on = models.DateField(_("acceptance date"), null=True, blank=True)

    is_fixed_on_the_spot = models.BooleanField(_("fixed on the spot (立查立改)"), default=False)
    is_imported = models.BooleanField(_("imported from a ledger"), default=False)
    confirmed_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The day of the acceptance request that then passed: rectification completed, for the on-time rate (S2).
    # The office's closing date does not count against the village or unit.
    completed_on = models.DateField(_("rectification completed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="hazard_status_valid", condition=Q(status__in=Status.values)),
            models.CheckConstraint(name="hazard_level_valid", condition=Q(level__in=Level.values)),
            models.CheckConstraint(name="hazard_channel_valid", condition=Q(channel__in=Channel.values)),
            models.CheckConstraint(name="hazard_type_valid", condition=Q(hazard_type__in=HazardType.values)),
            # §7 / GB 35181: a 重大火灾隐患 is a major hazard (counted, listed, rectified with its 五落实 as one).
            models.CheckConstraint(
                name="hazard_major_fire_is_major", condition=Q(is_major_fire=False) | Q(level="major")
            ),
            # Numbered per township (the year is part of the number); unnumbered rows are many.
            models.UniqueConstraint(
                fields=["township", "number"], condition=~Q(number=""), name="hazard_number_unique_per_township"
            ),
            # A rectifying hazard always has a deadline.
            models.CheckConstraint(
                name="hazard_rectifying_has_deadline",
                condition=~Q(status__in=["rectifying", "pending_acceptance"]) | Q(deadline__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["township", "status", "level"], name="hazard_town_status_idx"),
            models.Index(fields=["village", "status"], name="hazard_village_status_idx"),
            models.Index(fields=["sector", "status"], name="hazard_sector_status_idx"),
            models.Index(fields=["lead_unit", "status"], name="hazard_unit_status_idx"),
            models.Index(fields=["enterprise", "status"], name="hazard_enterprise_status_idx"),
            models.Index(fields=["status", "deadline"], name="hazard_status_deadline_idx"),
            # The overdue list and page read open hazards in deadline order: this index hands them over sorted.
            models.Index(
                fields=["deadline", "id"],
                condition=Q(status__in=["confirmed", "rectifying", "pending_acceptance"]),
                name="hazard_open_deadline_idx",
            ),
            models.Index(fields=["found_on", "id"], name="hazard_found_idx"),
            models.Index(fields=["channel", "status"], name="hazard_channel_idx"),
            # The dashboard (dashboard/stats.py) answers each figure from one of these by an index-only scan: the
            # columns the scoping rule (hazards.access) reads are included, and the id that COUNT("id") reads, so
            # no row of the table is visited.
            # Open hazards by village, sector, lead unit, channel and level (also overdue, stock, oldest found).
            models.Index(
                fields=["village", "sector", "lead_unit", "channel", "level"],
                include=["id", "township", "reported_by", "status", "found_on", "deadline"],
                condition=Q(status__in=["reported", "confirmed", "rectifying", "pending_acceptance"]),
                name="hazard_open_cover_idx",
            ),
            # Found in a period: 整改率, on-time rate and the monthly trend.
            models.Index(
                fields=["found_on"],
                include=[
                    *("id", "township", "village", "sector", "lead_unit", "reported_by"),
                    *("status", "level", "completed_on", "deadline"),
                ],
                name="hazard_found_cover_idx",
            ),
            # New (增量) major hazards per year.
            models.Index(
                fields=["found_on"],
                include=["id", "township", "village", "sector", "lead_unit", "reported_by", "status"],
                condition=Q(level="major"),
                name="hazard_major_found_idx",
            ),
            # Closed (销号) in a period, by the local date of closed_at.
            models.Index(
                fields=["closed_at"],
                include=["id", "township", "village", "sector", "lead_unit", "reported_by"],
                condition=Q(status="closed"),
                name="hazard_closed_cover_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("hazards:detail", args=[self.pk])

    @property
    def named(self) -> str:
        """How staff name the hazard: its number, then its title (a report not yet registered has no number)."""
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def numbered_title(self) -> str:
        """The hazard as messages name it: its number, then its title (a report not yet registered: the title)."""
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def is_major(self) -> bool:
        return self.level == Level.MAJOR

    @property
    def confirmation_due_at(self) -> dt.datetime | None:
        """When a report must be registered or dismissed by (None once it has been)."""
        if self.status != Status.REPORTED or self.created_at is None:
            return None
        return self.created_at + dt.timedelta(days=self.township.confirmation_days)

    @property
    def is_stock(self) -> bool:
        return self.found_on < self.township.stock_cutoff

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def days_overdue(self, today: dt.date | None = None) -> int:
        if self.status not in DEADLINE_STATUSES or self.deadline is None:
            return 0
        return max(0, ((today or local_today()) - self.deadline).days)

    def missing_five(self) -> list[str]:
        """The 五落实 items not yet recorded (a major hazard cannot enter rectification without them)."""
        missing = []
        if not self.measures.strip():
            missing.append(str(_("measures")))
        if not self.responsible_person.strip():
            missing.append(str(_("responsible person")))
        if self.funds is None:
            missing.append(str(_("funds")))
        if self.deadline is None:
            missing.append(str(_("deadline")))
        if not self.contingency_plan.strip():
            missing.append(str(_("contingency plan")))
        return missing


class HazardEvent(models.Model):
    """One step in a hazard's life: who, when, from, to, why; evidence hangs off it."""

    class Capacity(models.TextChoices):
        OWN = "", _("in own right")
        # The party whose turn it is has no account (most small enterprises): recorded from the paper evidence.
        ON_BEHALF = "on_behalf", _("recorded on behalf of the party, from paper evidence")
        # §17 审核把关: the office may always verify where no unit can.
        LAST_RESORT = "last_resort", _("as verifier of last resort")

    class Action(models.TextChoices):
        REPORTED = "reported", _("reported")
        FIXED_ON_THE_SPOT = "fixed_on_the_spot", _("found and fixed on the spot")
        IMPORTED = "imported", _("imported")
        CONFIRM = "confirm", _("registered")
        DISMISS = "dismiss", _("dismissed")
        START_RECTIFICATION = "start_rectification", _("rectification started")
        REQUEST_ACCEPTANCE = "request_acceptance", _("acceptance requested")
        VERIFY = "verify", _("accepted")
        REFUSE_ACCEPTANCE = "refuse_acceptance", _("acceptance refused")
        CLOSE = "close", _("closed")
        EVIDENCE = "evidence", _("evidence added")
        EXTENSION_REQUESTED = "extension_requested", _("deadline extension requested")
        EXTENSION_DECIDED = "extension_decided", _("deadline extension decided")
        NOTICE_ISSUED = "notice_issued", _("rectification notice issued")
        NOTICE_SERVED = "notice_served", _("notice served")
        NOTICE_VOIDED = "notice_voided", _("notice voided")
        LISTED = "listed", _("listed for supervision")
        DELISTED = "delisted", _("delisted")
        ESCALATED = "escalated", _("escalated")
        REFUSAL = "refusal", _("refusal to rectify recorded")
        TYPICAL_FIRE_ADDED = "typical_fire_added", _("put on the yearly list of typical fire hazards")
        TYPICAL_FIRE_REMOVED = "typical_fire_removed", _("taken off the yearly list of typical fire hazards")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events", verbose_name=_("hazard"))
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    capacity = models.CharField(_("capacity"), max_length=12, choices=Capacity.choices, blank=True, default="")
    on_behalf_of = models.CharField(_("on behalf of"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["hazard", "created_at"], name="hazard_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.hazard_id}"


def evidence_path(instance: Evidence, filename: str) -> str:
    return stored_path("evidence", instance.token, instance.extension)


class Evidence(StoredFile):
    """A photo or PDF of the problem, the rectification or the review; served only to users in scope."""

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("problem")
        RECTIFICATION = "rectification", _("rectification")
        REVIEW = "review", _("review")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("hazard"))
    event = models.ForeignKey(
        HazardEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence", verbose_name=_("step")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("uploaded by")
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="evidence_kind_valid", condition=Q(kind__in=["problem", "rectification", "review"])
            )
        ]


class DeadlineExtension(models.Model):
    """A deadline changes only through a recorded request and decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("hazard"))
    old_deadline = models.DateField(_("current deadline"))
    new_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-requested_at"]
        constraints = [
            # At most one open request per hazard.
            models.UniqueConstraint(
                fields=["hazard"], condition=Q(decision="pending"), name="one_pending_extension_per_hazard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id}: {self.old_deadline} → {self.new_deadline}"
