"""Checklist templates from the major-hazard judgement standards and inspection guides (§6, §7, SPEC S3).

Templates are versioned: an inspection keeps the version it was done with, so later edits never change history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hazards.models import HazardType, Level
from units.models import Sector, Township


class ChecklistTemplate(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    name = models.CharField(_("name"), max_length=100)
    # Empty: a general checklist for every sector.
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="checklists", verbose_name=_("sector")
    )
    description = models.TextField(_("description"), blank=True)
    ref_key = models.CharField(max_length=50, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="checklist_unique_name"),
            models.UniqueConstraint(
                fields=["township", "ref_key"], condition=~Q(ref_key=""), name="checklist_unique_ref_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:checklist_detail", args=[self.pk])

    def current_version(self) -> ChecklistVersion | None:
        return self.versions.filter(published_at__isnull=False).order_by("-number").first()


class ChecklistVersion(models.Model):
    """A frozen set of items. Drafts are edited; publishing freezes them and makes them current."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="checklist_version_unique")]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class ChecklistItem(models.Model):
    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("order"))
    text = models.TextField(_("item"))
    standard = models.CharField(_("source standard (判定依据)"), max_length=200)
    clause = models.CharField(_("clause"), max_length=100, blank=True)
    # Failing it is a major hazard under that standard (suggested level of the hazard it opens).
    is_major = models.BooleanField(_("major hazard if failed"), default=False)
    # The item paraphrases a text we could not quote: someone must check it against the standard.
    needs_check = models.BooleanField(_("to be checked (待核实)"), default=False)
    # The item's own sector (a fire item in a factory checklist → 消防); empty: the checklist's, else the target's.
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sector")
    )
    hazard_type = models.CharField(
        _("hazard type"), max_length=20, choices=HazardType.choices, default=HazardType.OTHER
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["version", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="checklist_item_order_unique")]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def suggested_level(self) -> str:
        return Level.MAJOR if self.is_major else Level.GENERAL
