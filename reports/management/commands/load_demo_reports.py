"""A few public reports in the demo township, in every state (idempotent: nothing is added once any exists)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from core.dates import local_today
from hazards.models import Hazard
from reports import services
from reports.models import Report
from units.models import Role, Sector, Township, User, Village


class Command(BaseCommand):
    help = "Add a few demo public reports (received, checking, verified, merged, dismissed and replied)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        office = User.objects.filter(username="office").first()
        township = (
            Township.objects.filter(pk__in=office.assignments.filter(role=Role.OFFICE).values("township_id")).first()
            if office
            else None
        )
        if office is None or township is None:
            self.stdout.write("No demo office: run load_demo_data first.")
            return
        if Report.objects.filter(township=township).exists():
            self.stdout.write("Demo reports exist already.")
            return
        villages = list(Village.objects.filter(township=township, is_active=True).order_by("code")[:4])
        sector = Sector.objects.filter(township=township, is_active=True).order_by("pk").first()
        identity = services.Identity("（演示）举报人", "13800000000", "")
        items = [
            ("村东废品收购站堆放大量液化气钢瓶，旁边住人。", "村东收购站", "某废品收购站"),
            ("小作坊晚上加工烟花，门窗用铁皮封死。", "街北第三户", ""),
            ("饭店后厨液化气瓶放在灶台下，没有报警器。", "集镇中心路", "某饭店"),
            ("自建房一楼开超市二楼住人，楼梯堆满货物。", "学校对面", ""),
            ("工地塔吊夜间作业无人看护。", "镇区新建小区", "某建筑公司"),
        ]
        reports = []
        for n, (content, place, enterprise_name) in enumerate(items):
            fields = {"village": villages[n % len(villages)], "place": place, "enterprise_name": enterprise_name}
            report, _code = services.submit_web_report(
                township=township, fields={**fields, "content": "（演示）" + content}, identity=identity
            )
            reports.append(report)
        services.start_check(actor=office, report_id=reports[1].pk)
        if sector is not None:
            services.verify(
                actor=office,
                report_id=reports[2].pk,
                hazard_fields={
                    "title": "（演示）饭店液化气瓶无报警器",
                    "description": reports[2].content,
                    "location": reports[2].place,
                    "village": reports[2].village,
                    "enterprise": None,
                    "sector": sector,
                    "hazard_type": "gas",
                    "level": "general",
                    "found_on": local_today(),
                },
            )
        hazard = Hazard.objects.filter(township=township).exclude(status="dismissed").order_by("pk").first()
        if hazard is not None:
            services.merge(actor=office, report_id=reports[3].pk, hazard_id=hazard.pk, note="该隐患已在整改中。")
        services.dismiss(actor=office, report_id=reports[4].pk, reason="经现场核查，塔吊夜间有专人值守，未查实。")
        services.reply(actor=office, report_id=reports[4].pk, text="感谢您的监督，欢迎继续反映安全隐患。")
        self.stdout.write(f"{len(reports)} demo reports added.")
