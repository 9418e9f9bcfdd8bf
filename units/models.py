"""Organisation: townships, villages, units, sectors, enterprises, people and their assignments (SPEC S1, S6)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.spreadsheets.text import name_key

from .credit_code import validate_credit_code


class ActiveQuerySet(models.QuerySet):
    def active(self):  # type: ignore[no-untyped-def]
        return self.filter(is_active=True)


class County(models.Model):
    """县. Its emergency bureau (县应急管理局) and departments read every township's records and list hazards."""

    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("division code"), max_length=12, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


def default_stock_cutoff() -> dt.date:
    """The installation's default 存量/增量 date; each township keeps its own from then on."""
    return dt.date.fromisoformat(settings.STOCK_CUTOFF_DATE)


class Township(models.Model):
    """镇. One deployment may serve several townships of a county; nothing assumes just one."""

    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="townships",
        verbose_name=_("county"),
    )
    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("division code"), max_length=12, unique=True)
    # §17/§18: hazards found before this date are stock (存量), from it on increment (增量). Townships started
    # their special campaigns on different dates.
    stock_cutoff = models.DateField(
        _("stock cutoff date (存量/增量)"),
        default=default_stock_cutoff,
        help_text=_("Hazards found before this date count as stock (存量), from this date on as increment (增量)."),
    )
    # Reports nobody confirms must not sit outside every clock (dynamic zeroing would look met): after this many
    # days an unconfirmed report is overdue for confirmation, reminded and counted.
    confirmation_days = models.PositiveSmallIntegerField(
        _("days to confirm a report"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A reported hazard not registered or dismissed within this many days is overdue for confirmation."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """村民委员会, identified by its 统计用区划代码."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="villages", verbose_name=_("township")
    )
    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("division code"), max_length=12, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="village_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:village_edit", args=[self.pk])


class DutyKind(models.TextChoices):
    """§3: the three kinds of unit, which decide who accepts rectification (§17 审核把关)."""

    SUPERVISION = "supervision", _("work-safety supervision duties (负有安全生产监督管理职责)")
    SECTOR = "sector", _("sector-management duties (负有行业领域管理职责)")
    OTHER = "other", _("other (支持保障)")


class Unit(models.Model):
    """镇直单位 / 部门 / 站所. Its §3 duty kind decides whether it verifies the hazards of its sectors."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("office")
        STATION = "station", _("station")
        SCHOOL = "school", _("school")
        HOSPITAL = "hospital", _("hospital")
        POLICE = "police", _("police")
        OTHER = "other", _("other")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="units", verbose_name=_("township"))
    name = models.CharField(_("name"), max_length=50)
    # Stable key of a reference-data row, so loading reference data again finds it after the office renames it.
    ref_key = models.CharField(_("reference key"), max_length=50, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    duty_kind = models.CharField(
        _("kind of duty (§3)"),
        max_length=12,
        choices=DutyKind.choices,
        default=DutyKind.OTHER,
        help_text=_(
            "Supervision: verifies general and major hazards of its sectors. Sector management: verifies general "
            "hazards of its sectors. Other: the office verifies in its place."
        ),
    )
    # §28: only an inspection by a unit holding administrative enforcement power can be a law-enforcement inspection.
    has_enforcement_power = models.BooleanField(
        _("holds administrative enforcement power (执法权)"),
        default=False,
        help_text=_("Its inspections of enterprises can be law-enforcement inspections (执法检查)."),
    )
    is_safety_office = models.BooleanField(
        _("is the township safety office"),
        default=False,
        help_text=_("The office (安委办/应急办) verifies where no unit does and closes hazards."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(name="unit_duty_kind_valid", condition=Q(duty_kind__in=DutyKind.values)),
            models.UniqueConstraint(fields=["township", "name"], name="unit_unique_name"),
            models.UniqueConstraint(
                fields=["township", "ref_key"], condition=~Q(ref_key=""), name="unit_unique_ref_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:unit_edit", args=[self.pk])

    @property
    def has_supervision_duty(self) -> bool:
        return self.duty_kind == DutyKind.SUPERVISION


class Sector(models.Model):
    """行业领域 with its one lead unit (牵头部门) and participating units (配合部门), 四(二) "三管三必须"."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="sectors", verbose_name=_("township"))
    name = models.CharField(_("name"), max_length=50)
    # Stable key of a reference-data row, so loading reference data again finds it after the office renames it.
    ref_key = models.CharField(_("reference key"), max_length=50, blank=True, editable=False)
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_sectors",
        verbose_name=_("lead unit"),
        help_text=_("牵头部门; hazards, inspections and enterprises of this sector are routed to it."),
    )
    participating_units = models.ManyToManyField(
        Unit, blank=True, related_name="participating_sectors", verbose_name=_("participating units")
    )
    # §22 高危行业. LPG is high-risk only for businesses: see Enterprise.is_lpg_business.
    is_high_risk = models.BooleanField(_("high-risk sector"), default=False)
    # Rosters and ledgers write names their own way ("商贸服务" for "商贸服务(含餐饮业、住宿业)"); the office keeps
    # the spellings it meets here, so imports match them instead of refusing the row.
    aliases = models.TextField(
        _("other names"),
        blank=True,
        default="",
        help_text=_("Other names this sector has in rosters and ledgers, one per line. Imports accept them."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[participating_units])

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="sector_unique_name"),
            models.UniqueConstraint(
                fields=["township", "ref_key"], condition=~Q(ref_key=""), name="sector_unique_ref_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:sector_edit", args=[self.pk])

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def active(self) -> EnterpriseQuerySet:
        return self.filter(is_active=True)

    def high_risk(self) -> EnterpriseQuerySet:
        """§22: 危化品, 烟花爆竹, LPG businesses, 建筑施工, 道路运输, and dust-explosion enterprises."""
        return self.filter(self.high_risk_q()).distinct()

    @staticmethod
    def high_risk_q(prefix: str = "") -> Q:
        return (
            Q(**{f"{prefix}primary_sector__is_high_risk": True})
            | Q(**{f"{prefix}other_sectors__is_high_risk": True})
            | Q(**{f"{prefix}is_dust_explosion": True})
            | Q(**{f"{prefix}is_lpg_business": True})
        )


class Enterprise(models.Model):
    """生产经营单位 / 场所 (SPEC S1)."""

    class Grade(models.TextChoices):
        NONE = "", _("not graded")
        ONE = "1", _("grade 1")
        TWO = "2", _("grade 2")
        THREE = "3", _("grade 3")
        SMALL = "small", _("small and micro")

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("township")
    )
    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("18 characters; may be left empty for small places and self-built houses."),
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("village")
    )
    primary_sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="primary_enterprises", verbose_name=_("primary sector")
    )
    other_sectors = models.ManyToManyField(
        Sector, blank=True, related_name="secondary_enterprises", verbose_name=_("further sectors")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    # The enterprise's own number (联系电话) beside its people's: rosters often carry both.
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)

    principal_name = models.CharField(_("principal"), max_length=30, blank=True)
    principal_phone = models.CharField(_("principal's phone"), max_length=20, blank=True)
    controller_name = models.CharField(_("actual controller"), max_length=30, blank=True)
    controller_phone = models.CharField(_("actual controller's phone"), max_length=20, blank=True)
    safety_manager_name = models.CharField(_("safety manager"), max_length=30, blank=True)
    safety_manager_phone = models.CharField(_("safety manager's phone"), max_length=20, blank=True)
    fire_officer_name = models.CharField(_("fire-safety responsible person"), max_length=30, blank=True)
    fire_officer_phone = models.CharField(_("fire-safety responsible person's phone"), max_length=20, blank=True)

    is_above_scale = models.BooleanField(_("above designated size"), default=False)
    is_dust_explosion = models.BooleanField(_("dust explosion hazard"), default=False)
    is_confined_space = models.BooleanField(_("confined space work"), default=False)
    is_lpg_business = models.BooleanField(_("LPG business or filling"), default=False)
    is_lpg_user = models.BooleanField(_("LPG user (catering)"), default=False)
    is_crowded_place = models.BooleanField(_("crowded place"), default=False)
    is_three_in_one = models.BooleanField(_("three-in-one place"), default=False)
    is_self_built_house = models.BooleanField(_("self-built commercial house"), default=False)
    standardisation_grade = models.CharField(
        _("standardisation grade"), max_length=10, choices=Grade.choices, blank=True, default=""
    )
    is_benchmark = models.BooleanField(_("standardisation benchmark"), default=False)
    # A township unit that runs this place (a school → 中心校, the health centre → 卫生院) never accepts the
    # rectification of its own hazards (§17: no one verifies their own work).
    operated_by = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operated_places",
        verbose_name=_("operated by unit"),
        help_text=_("Only for places a township unit runs itself, such as a school or the health centre."),
    )

    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[other_sectors])

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["village", "is_active"], name="enterprise_village_idx"),
            models.Index(fields=["primary_sector", "is_active"], name="enterprise_sector_idx"),
            models.Index(fields=["name"], name="enterprise_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if self.village_id and not self.township_id:
            self.township_id = self.village.township_id
        if self.credit_code == "":
            self.credit_code = None
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("units:enterprise_detail", args=[self.pk])

    @property
    def is_high_risk(self) -> bool:
        if self.is_dust_explosion or self.is_lpg_business or self.primary_sector.is_high_risk:
            return True
        return any(s.is_high_risk for s in self.other_sectors.all())


class User(AbstractUser):
    """A person with an account. What they may see comes from their assignments, not from this row."""

    full_name = models.CharField(_("full name"), max_length=30, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email_notifications = models.BooleanField(_("receive reminders by e-mail"), default=True)
    # Set when the office gives a temporary password: until the person chooses their own, every page sends them to
    # the password change page (units.middleware.MustChangePasswordMiddleware).
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    OFFICE = "office", _("township safety office")
    DEPARTMENT = "department", _("lead-department staff")
    VILLAGE = "village", _("village officer")
    ENTERPRISE = "enterprise", _("enterprise contact")
    LEADERSHIP = "leadership", _("leadership")
    ADMIN = "admin", _("system administrator")
    COUNTY = "county", _("county emergency management bureau")
    COUNTY_DEPARTMENT = "county_department", _("county department")
    # 举报保密员 (§27): sees who reported what (the identity of public reporters) in its township, nothing else.
    REPORT_CUSTODIAN = "report_custodian", _("confidential-report officer")


# Roles held in one township (they name it); the county's roles name a county instead and act in no township.
TOWNSHIP_ROLES = (
    Role.OFFICE,
    Role.DEPARTMENT,
    Role.VILLAGE,
    Role.ENTERPRISE,
    Role.LEADERSHIP,
    Role.ADMIN,
    Role.REPORT_CUSTODIAN,
)
COUNTY_ROLES = (Role.COUNTY, Role.COUNTY_DEPARTMENT)
# Roles that read and never write what a township writes.
READING_ROLES = frozenset({Role.LEADERSHIP, Role.COUNTY, Role.COUNTY_DEPARTMENT})


class CountyDepartment(models.Model):
    """A county department by sector (县住建局, 县交通运输局 …): reads the records of its sectors in every township.

    Each township names its sectors its own way, so the department lists the names (and other names) it oversees;
    a township's sector counts when its name or one of its other names is among them.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="departments", verbose_name=_("county"))
    name = models.CharField(_("name"), max_length=50)
    sector_names = models.TextField(
        _("sectors overseen"),
        help_text=_("The names of the sectors this department oversees, one per line, as the townships write them."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("county department")
        verbose_name_plural = _("county departments")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="county_department_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def sector_keys(self) -> frozenset[str]:
        return frozenset(key for line in self.sector_names.splitlines() if (key := name_key(line)))

    def oversees(self, sector: Sector) -> bool:
        return any(name_key(name) in self.sector_keys for name in [sector.name, *sector.alias_list])


class Assignment(models.Model):
    """One role a person holds. A person may hold several (包村/包保, §1, §2)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # Township roles name their township; the county's roles name the county (or the county department) instead.
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("township")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments", verbose_name=_("county")
    )
    county_department = models.ForeignKey(
        CountyDepartment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("county department"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments", verbose_name=_("unit")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments", verbose_name=_("village")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("enterprise"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(name="assignment_role_valid", condition=Q(role__in=[r.value for r in Role])),
            # Each role names exactly the object that bounds it.
            models.CheckConstraint(
                name="assignment_role_target",
                condition=(
                    Q(county__isnull=True, county_department__isnull=True, township__isnull=False)
                    & (
                        Q(role="department", unit__isnull=False, village__isnull=True, enterprise__isnull=True)
                        | Q(role="village", unit__isnull=True, village__isnull=False, enterprise__isnull=True)
                        | Q(role="enterprise", unit__isnull=True, village__isnull=True, enterprise__isnull=False)
                        | Q(
                            role__in=["office", "leadership", "admin", "report_custodian"],
                            village__isnull=True,
                            enterprise__isnull=True,
                        )
                    )
                )
                | Q(
                    role="county",
                    county__isnull=False,
                    county_department__isnull=True,
                    township__isnull=True,
                    unit__isnull=True,
                    village__isnull=True,
                    enterprise__isnull=True,
                )
                | Q(
                    role="county_department",
                    county__isnull=True,
                    county_department__isnull=False,
                    township__isnull=True,
                    unit__isnull=True,
                    village__isnull=True,
                    enterprise__isnull=True,
                ),
                violation_error_message=_(
                    "A township role names its township (and the unit, village or enterprise it covers); the county "
                    "bureau's role names the county; a county department's role names the department."
                ),
            ),
        ]

    def __str__(self) -> str:
        target = self.unit or self.village or self.enterprise or self.township or self.county_department or self.county
        return f"{self.get_role_display()} · {target}"


class SupervisionGroup(models.Model):
    """安全生产专项督导组 (§1): led by a leading cadre, with the discipline office among its members."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="supervision_groups", verbose_name=_("township")
    )
    name = models.CharField(_("name"), max_length=50)
    leader = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="led_groups", verbose_name=_("group leader")
    )
    members = models.ManyToManyField(User, blank=True, related_name="supervision_groups", verbose_name=_("members"))
    villages = models.ManyToManyField(
        Village, blank=True, related_name="supervision_groups", verbose_name=_("villages covered")
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="supervision_groups", verbose_name=_("units covered"))
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[members, villages, units])

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision group")
        verbose_name_plural = _("supervision groups")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="group_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:group_detail", args=[self.pk])


class AccountEvent(models.Model):
    """Who did what to a person's account and when: created, a role given or taken, deactivated, password reset.

    Role changes are also in the assignment's own history; this row keeps the account's story in one list.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("account created")
        ROLE_GIVEN = "role_given", _("role given")
        ROLE_TAKEN = "role_taken", _("role taken away")
        DEACTIVATED = "deactivated", _("account deactivated")
        REACTIVATED = "reactivated", _("account reactivated")
        PASSWORD_RESET = "password_reset", _("temporary password set")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_events", verbose_name=_("user"))
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by"))
    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("role")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="account_event_action_valid",
                condition=Q(
                    action__in=["created", "role_given", "role_taken", "deactivated", "reactivated", "password_reset"]
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.user}"
