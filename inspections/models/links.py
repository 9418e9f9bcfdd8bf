"""Which hazard was found in which inspection. The link lives here, on the inspections side: the hazard register
(a lower layer) knows nothing of inspections (liuwei_safety/layers.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hazards.models import Hazard

from .inspection import Inspection


class InspectionHazard(models.Model):
    """A hazard found in an inspection: a failed checklist item (§1 督导 findings) or 立查立改 on the spot."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="hazard_links", verbose_name=_("inspection")
    )
    hazard = models.OneToOneField(
        Hazard, on_delete=models.CASCADE, related_name="inspection_link", verbose_name=_("hazard")
    )

    class Meta:
        verbose_name = _("hazard found in an inspection")
        verbose_name_plural = _("hazards found in inspections")

    def __str__(self) -> str:
        return f"{self.inspection_id} → {self.hazard_id}"
