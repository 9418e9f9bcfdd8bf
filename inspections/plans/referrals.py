"""Referrals to the discipline office (§1: a cadre found "不担当、不作为" is handed to 镇纪委 for checking)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import local_today
from core.errors import WorkflowError
from units.models import User

from ..access import may_refer
from ..models import DisciplineReferral, Inspection, Kind


@transaction.atomic
def referral_create(
    *,
    inspection: Inspection,
    actor: User,
    cadre_name: str,
    cadre_position: str,
    facts: str,
    referred_on: dt.date,
) -> DisciplineReferral:
    if inspection.kind != Kind.SUPERVISION:
        raise WorkflowError(_("A cadre is referred from a supervision inspection."))
    if not may_refer(actor, inspection):
        raise WorkflowError(_("Only the office or the group's leader refers a cadre to the discipline office."))
    if not cadre_name.strip() or not facts.strip():
        raise WorkflowError(_("Name the cadre and write down what was found."))
    if referred_on > local_today():
        raise WorkflowError(_("The referral date cannot be in the future."))
    return DisciplineReferral.objects.create(
        township_id=inspection.township_id,
        inspection=inspection,
        cadre_name=cadre_name.strip(),
        cadre_position=cadre_position.strip(),
        facts=facts.strip(),
        referred_on=referred_on,
        referred_by=actor,
    )
