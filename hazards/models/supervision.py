"""Listing supervision (挂牌督办), escalation, refusal to rectify and rectification notices (§7, §16–§18)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.models import County, CountyDepartment, Enterprise, Township, Unit, Village

from .hazard import DEADLINE_STATUSES, Hazard, Level

# A listing's required date (整改完成时限) is "near" this many days ahead: the home page's queue warns of it.
DUE_SOON_DAYS = 15


def listing_due_q(due: str, today: dt.date) -> Q:
    """Active listings of hazards still under rectification whose required date is near ("soon": from today up to
    DUE_SOON_DAYS ahead) or gone ("past")."""
    q = Q(delisted_on__isnull=True, hazard__status__in=DEADLINE_STATUSES)
    if due == "past":
        return q & Q(required_by__lt=today)
    return q & Q(required_by__gte=today, required_by__lte=today + dt.timedelta(days=DUE_SOON_DAYS))


class ListingLevel(models.TextChoices):
    TOWNSHIP = "township", _("township")
    COUNTY = "county", _("county")
    CITY = "city", _("city")
    PROVINCE = "province", _("province")


class Production(models.TextChoices):
    """Production at the hazard while it is rectified, as the listing notice orders it."""

    STOPPED = "stopped", _("stops during rectification (停产停业整改)")
    SAFEGUARDED = "safeguarded", _("continues with safeguards")


class Listing(models.Model):
    """挂牌督办 of a major hazard (§17); delisting (摘牌) only after closure (销号), and from county level up only on
    the listing authority's recorded acceptance. The yearly typical fire list (§7) is TypicalFireHazard, not a listing.

    Who lists, accepts and delists follows from who made the listing (`listed_by_county`):

    * township level — the township office lists and delists: its own decision, no acceptance to record;
    * listed by the county (`listed_by_county` set, always at county level) — the county emergency management
      bureau (县应急管理局) lists it in the system, records its own acceptance and delists it; the township sees it
      and rectifies, but cannot delist it alone;
    * county level without `listed_by_county` — recorded by the township office from the county's paper, before
      the county acted in the system (or for a township outside any county in it) — and city and province
      listings: the office records the listing authority's acceptance, with its document, and delists.
    """

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="listings", verbose_name=_("hazard"))
    level = models.CharField(_("listing level"), max_length=10, choices=ListingLevel.choices)
    document_number = models.CharField(_("document number (文号)"), max_length=100)
    supervising_leader = models.CharField(_("supervising leader"), max_length=50)
    supervising_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("supervising unit")
    )
    listed_on = models.DateField(_("listed on"))
    required_by = models.DateField(_("required completion date"))
    note = models.TextField(_("note"), blank=True)
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The county whose bureau made the listing in the system: then the county, not the township, accepts and delists.
    listed_by_county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("listed by the county"),
    )
    # On the county's own listing, the county department that supervises the rectification (县住建局 …).
    supervising_department = models.ForeignKey(
        CountyDepartment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervising county department"),
    )
    delisted_on = models.DateField(_("delisted on"), null=True, blank=True)
    delisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # §17: a listing at county level or above is delisted on the listing authority's acceptance, recorded here.
    acceptance_authority = models.CharField(_("accepted by (listing authority)"), max_length=100, blank=True)
    acceptance_document = models.CharField(_("acceptance document number"), max_length=100, blank=True)
    acceptance_date = models.DateField(_("accepted on"), null=True, blank=True)
    acceptance_token = models.CharField(max_length=32, blank=True, editable=False)
    acceptance_extension = models.CharField(max_length=8, blank=True, editable=False)
    acceptance_file = models.FileField(
        _("acceptance document"), upload_to="listings/%Y/%m/", blank=True, max_length=200
    )
    # -- the 挂牌督办通知 as issued: a snapshot at listing time, so that every reprint reads the same ----------------
    # The listing authority: the township's 安委会, the county bureau, or the authority named on the county's, city's
    # or province's document; the township safety office accepts and delists a township listing and decides the
    # extensions of a major hazard (hazards.access).
    authority_name = models.CharField(_("listing authority"), max_length=100, blank=True)
    office_name = models.CharField(_("township safety office"), max_length=100, blank=True)
    enterprise_name = models.CharField(_("responsible enterprise"), max_length=100, blank=True)
    principal_name = models.CharField(_("principal"), max_length=30, blank=True)
    principal_phone = models.CharField(_("principal's phone"), max_length=20, blank=True)
    territorial_unit = models.CharField(_("territorial responsible unit (属地)"), max_length=100, blank=True)
    territorial_person = models.CharField(_("territorial responsible person"), max_length=30, blank=True)
    territorial_phone = models.CharField(_("territorial responsible person's phone"), max_length=20, blank=True)
    supervising_unit_name = models.CharField(_("supervising unit"), max_length=100, blank=True)
    supervising_contact = models.CharField(_("supervising contact person"), max_length=30, blank=True)
    supervising_phone = models.CharField(_("supervising contact's phone"), max_length=20, blank=True)
    # Blank on listings made before the notice recorded it.
    production = models.CharField(
        _("production during rectification"), max_length=12, choices=Production.choices, blank=True
    )
    safeguards = models.TextField(_("safeguards while production continues"), blank=True)
    copy_to = models.CharField(_("copy to (抄送)"), max_length=300, blank=True)
    hazard_number = models.CharField(_("hazard number"), max_length=40, blank=True)
    hazard_title = models.CharField(_("hazard"), max_length=200, blank=True)
    hazard_location = models.CharField(_("location"), max_length=300, blank=True)
    hazard_description = models.TextField(_("description"), blank=True)
    hazard_basis = models.CharField(_("judgement standard (判定依据)"), max_length=610, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["-listed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"], condition=Q(delisted_on__isnull=True), name="one_active_listing_per_hazard"
            ),
            models.CheckConstraint(
                name="listing_level_valid", condition=Q(level__in=["township", "county", "city", "province"])
            ),
            models.CheckConstraint(
                name="listing_by_county_at_county_level", condition=Q(listed_by_county__isnull=True) | Q(level="county")
            ),
            models.CheckConstraint(
                name="listing_department_on_county_listing",
                condition=Q(supervising_department__isnull=True) | Q(listed_by_county__isnull=False),
            ),
            models.CheckConstraint(
                name="listing_production_valid", condition=Q(production__in=["", "stopped", "safeguarded"])
            ),
            models.CheckConstraint(
                name="listing_safeguards_named", condition=~Q(production="safeguarded", safeguards="")
            ),
        ]
        indexes = [models.Index(fields=["delisted_on", "required_by"], name="listing_active_idx")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.document_number}"

    @property
    def is_active(self) -> bool:
        return self.delisted_on is None

    @property
    def needs_acceptance(self) -> bool:
        """County, city and province listings are delisted on the listing authority's acceptance (§17)."""
        return self.level != ListingLevel.TOWNSHIP

    @property
    def is_the_countys(self) -> bool:
        """Made by the county bureau in the system: the county accepts and delists it, the township cannot."""
        return self.listed_by_county_id is not None

    @property
    def county_bureau(self) -> str:
        """The county bureau that made the listing, as documents name it (e.g. 泗县应急管理局); '' if none."""
        if self.listed_by_county is None:
            return ""
        return gettext("%(county)s emergency management bureau") % {"county": self.listed_by_county.name}

    @property
    def is_township_level(self) -> bool:
        return self.level == ListingLevel.TOWNSHIP

    @property
    def production_stops(self) -> bool:
        return self.production == Production.STOPPED

    @property
    def supervising_authority(self) -> str:
        """Who supervises the rectification: the unit or county department named, else the county bureau that
        listed it; '' for a township listing without a unit."""
        if self.supervising_unit is not None:
            return self.supervising_unit.name
        if self.supervising_department is not None:
            return self.supervising_department.name
        return self.county_bureau


class TypicalFireHazard(models.Model):
    """§7 一批典型火灾隐患: the township's yearly list; general and major fire hazards alike (not a listing)."""

    hazard = models.ForeignKey(
        Hazard, on_delete=models.PROTECT, related_name="typical_fire_entries", verbose_name=_("hazard")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("typical fire hazard")
        verbose_name_plural = _("typical fire hazards")
        ordering = ["-year", "pk"]
        constraints = [models.UniqueConstraint(fields=["hazard", "year"], name="typical_fire_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year} · {self.hazard_id}"


class Rung(models.TextChoices):
    """The escalation ladder for slow progress, in rising order (§18, 四(六))."""

    LETTER = "letter", _("letter (函告)")
    CIRCULAR = "circular", _("circular notice (通报)")
    INTERVIEW = "interview", _("interview (约谈)")
    EXPOSURE = "exposure", _("public exposure (曝光)")


RUNG_ORDER = [Rung.LETTER, Rung.CIRCULAR, Rung.INTERVIEW, Rung.EXPOSURE]


def next_rung(reached: str | None) -> str | None:
    if reached is None:
        return Rung.LETTER
    index = RUNG_ORDER.index(Rung(reached))
    return RUNG_ORDER[index + 1] if index + 1 < len(RUNG_ORDER) else None


def escalation_path(instance: Escalation, filename: str) -> str:
    return f"escalations/{timezone.now():%Y/%m}/{instance.token}{instance.extension}"


class Escalation(models.Model):
    """One rung taken against a hazard, an enterprise, a village or a unit."""

    class Target(models.TextChoices):
        HAZARD = "hazard", _("hazard")
        ENTERPRISE = "enterprise", _("enterprise")
        VILLAGE = "village", _("village")
        UNIT = "unit", _("unit")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    rung = models.CharField(_("measure"), max_length=10, choices=Rung.choices)
    target_kind = models.CharField(_("aimed at"), max_length=12, choices=Target.choices)
    hazard = models.ForeignKey(
        Hazard, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations", verbose_name=_("hazard")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("enterprise")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    taken_on = models.DateField(_("date"))
    document_number = models.CharField(_("document number (文号)"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    token = models.CharField(max_length=32, blank=True, editable=False)
    extension = models.CharField(max_length=8, blank=True, editable=False)
    attachment = models.FileField(_("attachment"), upload_to=escalation_path, blank=True, max_length=200)
    attachment_name = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-taken_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="escalation_one_target",
                condition=(
                    Q(
                        target_kind="hazard",
                        hazard__isnull=False,
                        enterprise__isnull=True,
                        village__isnull=True,
                        unit__isnull=True,
                    )
                    | Q(
                        target_kind="enterprise",
                        hazard__isnull=True,
                        enterprise__isnull=False,
                        village__isnull=True,
                        unit__isnull=True,
                    )
                    | Q(
                        target_kind="village",
                        hazard__isnull=True,
                        enterprise__isnull=True,
                        village__isnull=False,
                        unit__isnull=True,
                    )
                    | Q(
                        target_kind="unit",
                        hazard__isnull=True,
                        enterprise__isnull=True,
                        village__isnull=True,
                        unit__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rung_display()} {self.document_number}"

    @property
    def target(self) -> object:
        return self.hazard or self.enterprise or self.village or self.unit


class Refusal(models.Model):
    """拒不整改 (§16): the refusal, its referral (移送) to judicial organs and the 一案三查 record."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="refusals", verbose_name=_("hazard"))
    recorded_on = models.DateField(_("recorded on"))
    description = models.TextField(_("what was refused"))
    referred_to = models.CharField(_("referred to"), max_length=100, blank=True)
    referred_on = models.DateField(_("referred on"), null=True, blank=True)
    referral_number = models.CharField(_("referral document number"), max_length=100, blank=True)
    three_checks = models.TextField(
        _("one case, three checks (一案三查)"),
        blank=True,
        help_text=_(
            "Findings on the enterprise's main responsibility, the department's supervision"
            " and the locality's management."
        ),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("refusal to rectify")
        verbose_name_plural = _("refusals to rectify")
        ordering = ["-recorded_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.recorded_on}"


class ServiceManner(models.TextChoices):
    """How a notice reached the enterprise (送达方式), as the standard 送达回证 lists them."""

    DIRECT = "direct", _("direct service (直接送达)")
    LEFT = "left", _("service by leaving it (留置送达)")
    ENTRUSTED = "entrusted", _("entrusted service (委托送达)")
    POST = "post", _("service by post (邮寄送达)")


class Notice(models.Model):
    """隐患整改通知书 with its 送达回证 (§18: the principal and actual controller are notified).

    The notice is a snapshot: everything it prints is stored at issue, so a reprint after the hazard or the
    enterprise changed is the paper that was served. A change that matters needs a new notice that `replaces` the
    current one; an unserved notice can be voided (作废) so a corrected one can be issued. Numbers are never reused.
    """

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="notices", verbose_name=_("hazard"))
    # The issuing township (the hazard's): numbers run per township and year, and two townships whose short names
    # are alike may both issue a 第0001号.
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    number = models.CharField(_("notice number"), max_length=50)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # -- the snapshot: names and facts as they were on the day --------------------------------------------------
    principal_name = models.CharField(_("principal"), max_length=30, blank=True)
    controller_name = models.CharField(_("actual controller"), max_length=30, blank=True)
    township_name = models.CharField(_("township"), max_length=50, blank=True)
    issuer_name = models.CharField(_("issuing body"), max_length=100, blank=True)
    enterprise_name = models.CharField(_("enterprise"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    hazard_number = models.CharField(_("hazard number"), max_length=40, blank=True)
    hazard_title = models.CharField(_("hazard"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.GENERAL)
    inspected_on = models.DateField(_("inspection date"), null=True, blank=True)
    inspectors = models.CharField(_("inspectors"), max_length=100, blank=True)
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    clause = models.CharField(_("article"), max_length=300, blank=True)
    requirement = models.TextField(_("rectification requirement"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    review = models.CharField(_("review arrangement (复查)"), max_length=300, blank=True)
    # -- replacing and voiding -----------------------------------------------------------------------------------
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements",
        verbose_name=_("replaces notice"),
    )
    replace_reason = models.TextField(_("reason for the new notice"), blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    # -- 送达回证 -------------------------------------------------------------------------------------------------
    serving_unit = models.CharField(_("serving unit"), max_length=100, blank=True)
    served_to = models.CharField(_("person served"), max_length=50, blank=True)
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    served_place = models.CharField(_("place of service"), max_length=200, blank=True)
    service_manner = models.CharField(_("manner of service"), max_length=10, choices=ServiceManner.choices, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=50, blank=True)
    signer_relation = models.CharField(_("signer's relation to the person served"), max_length=50, blank=True)
    witness = models.CharField(_("witness"), max_length=50, blank=True)
    servers = models.CharField(_("served by (signatures)"), max_length=100, blank=True)
    service_remarks = models.TextField(_("remarks"), blank=True)
    served_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="notice_number_unique"),
            # A notice is replaced once: the chain of a hazard's notices never forks.
            models.UniqueConstraint(fields=["replaces"], name="notice_replaced_once"),
            models.CheckConstraint(
                name="notice_not_served_and_voided", condition=Q(served_at__isnull=True) | Q(voided_at__isnull=True)
            ),
            models.CheckConstraint(
                name="notice_service_manner_valid",
                condition=Q(service_manner__in=["", "direct", "left", "entrusted", "post"]),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_served(self) -> bool:
        return self.served_at is not None

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def is_major(self) -> bool:
        return self.level == Level.MAJOR


@dataclass(frozen=True)
class NoticeRow:
    """A notice in the hazard's list, with its state: current (waiting to be served), served, voided, replaced."""

    notice: Notice
    state: str
    replaced_by: Notice | None
    replaces: Notice | None


def notice_rows(notices: Iterable[Notice]) -> list[NoticeRow]:
    """The hazard's notices with the state of each, from the notices themselves (no further query)."""
    notices = list(notices)
    by_pk = {n.pk: n for n in notices}
    successor = {n.replaces_id: n for n in notices if n.replaces_id is not None}
    rows = []
    for notice in notices:
        replaced_by = successor.get(notice.pk)
        if notice.is_voided:
            state = "voided"
        elif replaced_by is not None:
            state = "replaced"
        elif notice.is_served:
            state = "served"
        else:
            state = "current"
        replaces = by_pk.get(notice.replaces_id) if notice.replaces_id is not None else None
        rows.append(NoticeRow(notice=notice, state=state, replaced_by=replaced_by, replaces=replaces))
    return rows
