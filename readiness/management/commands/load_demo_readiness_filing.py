"""Demo work plans and monthly reports (idempotent): the initial round of 三(一) (deadline 2024-03-10) with some
plans filed, one returned and one approved, and last month's zero reports of some villages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from core.dates import local_midnight, local_today
from core.files import check_upload
from readiness import filing_selectors as sel
from readiness.models.filing import (
    FilingRound,
    MonthlyReport,
    MonthlyReportEvent,
    WorkPlan,
    WorkPlanEvent,
    WorkPlanFile,
)
from units.models import Role, Township, Unit, User, Village

PDF = b"%PDF-1.4\n% demo work plan (invented)\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TITLE = "治本攻坚三年行动工作计划（2024—2026年）"


class Command(BaseCommand):
    help = "Load demo work plans and monthly reports (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        for township in Township.objects.filter(is_active=True).order_by("pk"):
            office = User.objects.filter(assignments__role=Role.OFFICE, assignments__township=township).first()
            if office is None:
                continue
            round, created = FilingRound.objects.get_or_create(
                township=township, title=TITLE,
                defaults={"deadline": dt.date(2024, 3, 10), "created_by": office},
            )  # fmt: skip
            if created:
                self._plans(round, office)
            self._existing_since_2024(township)
            self._reports(township, office)
        self.stdout.write("demo work plans and monthly reports loaded")

    def _plans(self, round: FilingRound, office: User) -> None:
        """Every other filer filed; the first is approved, the second returned with comments."""
        for n, target in enumerate(sel.round_filers(round)[::2]):
            state = [WorkPlan.State.APPROVED, WorkPlan.State.RETURNED][n] if n < 2 else WorkPlan.State.SUBMITTED
            plan = WorkPlan.objects.create(round=round, state=state, **target.fields())
            event = WorkPlanEvent.objects.create(plan=plan, action="file", to_state="submitted", actor=office)
            WorkPlanFile(event=event).store(check_upload(SimpleUploadedFile("plan.pdf", PDF)))
            if state != WorkPlan.State.SUBMITTED:
                note = "请补充各季度工作安排和责任人。" if state == WorkPlan.State.RETURNED else ""
                action = "approve" if state == WorkPlan.State.APPROVED else "return"
                WorkPlanEvent.objects.create(
                    plan=plan, action=action, from_state="submitted", to_state=state, actor=office, note=note
                )

    def _existing_since_2024(self, township: Township) -> None:
        """The demo's villages and units stand for ones that existed when the plan began: their creation records
        (which decide the months they must report on, filing_selectors.Reporters) are dated back to 2024 if later."""
        since = local_midnight(dt.date(2024, 1, 1))
        for model in (Village, Unit):
            model.history.filter(  # type: ignore[attr-defined]
                township_id=township.pk, history_type="+", history_date__gt=since
            ).update(history_date=since)

    def _reports(self, township: Township, office: User) -> None:
        """Two months ago everyone reported zero; last month the first half of the villages and units did."""
        today = local_today()
        last = sel.report_month(today)
        before = sel.previous_month(last)
        targets = sel.reporters(township.pk)
        for month, chosen in ((before, targets), (last, targets[: len(targets) // 2])):
            for target in chosen:
                report, made = MonthlyReport.objects.get_or_create(
                    month=month, **target.fields(),
                    defaults={"township": township, "hazards_found": 0, "reported_by": office},
                )  # fmt: skip
                if made:
                    MonthlyReportEvent.objects.create(
                        report=report, action=MonthlyReportEvent.Action.SEND, hazards_found=0, actor=office,
                        created_at=report.reported_at,
                    )  # fmt: skip
