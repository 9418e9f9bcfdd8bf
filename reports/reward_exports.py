"""The rewards as an Excel sheet (core.spreadsheets): report number, hazard, tier, amount, status, dates. No column
names the reporter, and none takes a value the reporter typed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from core.dates import local_today
from core.spreadsheets import Column, ReportWriter

from .reward_models import Reward

COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", width=6),
    Column("township", "乡镇", width=12),
    Column("report", "举报编号", width=12),
    Column("hazard", "隐患", width=36),
    Column("tier", "奖励档次", width=16),
    Column("amount", "金额（元）", width=12),
    Column("status", "状态", width=12),
    Column("proposed_on", "提出日期", width=12, number_format="yyyy-mm-dd"),
    Column("decided_on", "审批日期", width=12, number_format="yyyy-mm-dd"),
    Column("claimed_on", "申领日期", width=12, number_format="yyyy-mm-dd"),
    Column("paid_on", "发放日期", width=12, number_format="yyyy-mm-dd"),
    Column("method", "发放方式", width=14),
)


def _date(value: Any) -> Any:
    return timezone.localdate(value) if value else None


def _row(number: int, reward: Reward) -> dict[str, Any]:
    return {
        "number": number,
        "township": reward.township.name,
        "report": reward.report.number,
        "hazard": reward.hazard.named,
        "tier": reward.tier.name,
        "amount": reward.amount,
        "status": str(reward.get_status_display()),
        "proposed_on": _date(reward.proposed_at),
        "decided_on": _date(reward.decided_at),
        "claimed_on": _date(reward.claimed_at),
        "paid_on": reward.paid_on,
        "method": str(reward.get_payment_method_display()) if reward.payment_method else "",
    }


def rewards_workbook(rewards: Iterable[Reward]) -> bytes:
    writer = ReportWriter(
        sheet_name="举报奖励",
        title="群众举报奖励台账",
        line=f"导出日期：{local_today():%Y-%m-%d}",
        columns=COLUMNS,
    )
    total = 0
    for number, reward in enumerate(rewards, start=1):
        writer.append(_row(number, reward))
        total += reward.amount
    writer.append_total({"number": "合计", "amount": total})
    return writer.to_bytes()
