"""Demo training sessions and certificates (invented, idempotent, deterministic): two sessions of the current
plan year with attendees from the demo enterprises, and certificates with reviews due, overdue and far off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from core.dates import local_today
from readiness.models import Attendee, Certificate, TrainingSession
from readiness.training_services import matches_record
from units.models import Enterprise, Role, Township, Unit, User


class Command(BaseCommand):
    help = "Load demo training sessions, attendees and special-operation certificates (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        today = local_today()
        made = 0
        for township in Township.objects.filter(is_active=True).order_by("pk"):
            office = Unit.objects.filter(township=township, is_safety_office=True).first()
            actor = User.objects.filter(
                assignments__role=Role.OFFICE, assignments__township=township, is_active=True
            ).first()
            enterprises = list(Enterprise.objects.filter(township=township, is_active=True).order_by("pk")[:12])
            if office is None or actor is None or not enterprises:
                continue
            session, created = TrainingSession.objects.get_or_create(
                township=township,
                topic="【演示】重点行业领域主要负责人安全生产专题培训",
                defaults={
                    "held_on": today.replace(month=1, day=15),
                    "organiser": office,
                    "hours": Decimal("4.0"),
                    "created_by": actor,
                },
            )
            made += created
            for enterprise in enterprises[:6]:
                name = enterprise.principal_name or "演示负责人"
                Attendee.objects.get_or_create(
                    session=session,
                    enterprise=enterprise,
                    name=name,
                    role="principal",
                    defaults={"created_by": actor, "matches_record": matches_record(enterprise, name, "principal")},
                )
            for n, enterprise in enumerate(enterprises[:6]):
                issued = [
                    dt.date(2024, 2, 29),
                    today - dt.timedelta(days=3 * 365 - 40),
                    today - dt.timedelta(days=3 * 365 + 10),
                    dt.date(2025, 6, 1),
                ][n % 4]
                Certificate.objects.get_or_create(
                    township=township,
                    number=f"DEMO{township.code}{n:03d}",
                    defaults={
                        "enterprise": enterprise,
                        "holder": f"演示持证人{n + 1}",
                        "operation": ["electrical", "welding", "height", "refrigeration"][n % 4],
                        "issued_on": issued,
                        "expires_on": issued + dt.timedelta(days=6 * 365),
                        "created_by": actor,
                    },
                )
        self.stdout.write(f"demo training: {made} sessions added")
