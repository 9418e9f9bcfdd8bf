"""The default reward tiers for every township that has none, and in the demo township one reward of the demo
reports: proposed by the confidential-report officer, approved by the office (idempotent; the office edits tiers)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from core.errors import WorkflowError
from reports import rewards
from reports.models import VALID_STATUSES, Report, Reward
from units.models import Township, User


class Command(BaseCommand):
    help = "Create the default reward tiers (一般事故隐患, 重大事故隐患) for townships without any; a demo reward."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        created = sum(rewards.ensure_default_tiers(township) for township in Township.objects.order_by("pk"))
        self.stdout.write(f"reward tiers created: {created}")
        self._demo_reward()

    def _demo_reward(self) -> None:
        office = User.objects.filter(username="office").first()
        custodian = User.objects.filter(username="custodian").first()
        if office is None or custodian is None:
            return
        demo = Report.objects.filter(content__startswith="（演示）", status__in=VALID_STATUSES).order_by("pk")
        if Reward.objects.filter(report__in=demo).exists():
            return
        for report in demo.select_related("hazard"):
            if rewards.blocker(report) is not None:
                continue
            tier = rewards.tiers_for(report).first()
            if tier is None:
                return
            try:
                rewards.propose(actor=custodian, report_id=report.pk, tier=tier)
                rewards.approve(actor=office, report_id=report.pk)
            except WorkflowError as exc:
                self.stdout.write(f"no demo reward: {exc.message}")
            else:
                self.stdout.write(f"demo reward for {report.number}")
            return
