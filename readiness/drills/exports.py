"""Drill due dates, penalties and 零处罚 units as Excel sheets (core.spreadsheets.ReportWriter)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from core.dates import local_today
from core.spreadsheets import Column, ReportWriter, filler_line
from units.models import Enterprise, Township, User
from units.offices import filler_unit_name

from ..models import Penalty
from .due import DrillStatus
from .zero_penalty import UnitCounts

# Sheets people hand on are a data format: literal Chinese headers.
DRILL_COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", width=6),
    Column("enterprise", "单位名称", width=30),
    Column("village", "所属村", width=10),
    Column("sector", "行业领域", width=14),
    Column("key_unit", "每半年演练单位", width=10),
    Column("state", "状态", width=10),
    Column("obligations", "应演练事项", width=50),
    Column("due_on", "应完成日期", width=12),
    Column("last", "最近演练日期", width=12),
)


def _writer(sheet: str, title: str, township: Township, filler: User, columns: Sequence[Column]) -> ReportWriter:
    line = filler_line(filler_unit_name(filler, township), filler.display_name, local_today())
    return ReportWriter(sheet_name=sheet, title=title, line=line, columns=columns)


def drills_workbook(rows: Iterable[tuple[Enterprise, DrillStatus]], *, township: Township, filler: User) -> bytes:
    writer = _writer("应急演练", f"{township.name}企业应急演练应到期情况", township, filler, DRILL_COLUMNS)
    for number, (enterprise, status) in enumerate(rows, start=1):
        writer.append(
            {
                "number": number,
                "enterprise": enterprise.name,
                "village": enterprise.village.name if enterprise.village else "",
                "sector": enterprise.primary_sector.name if enterprise.primary_sector else "",
                "key_unit": "是" if status.is_key_unit else "否",
                "state": status.state_label,
                "obligations": "；".join(f"{o.label}（{o.state_label}）" for o in status.obligations),
                "due_on": status.due_on,
                "last": status.last_drill_on,
            }
        )
    return writer.to_bytes()


PENALTY_COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", width=6),
    Column("enterprise", "被处罚单位", width=30),
    Column("kind", "处罚种类", width=16),
    Column("unit", "决定机关", width=14),
    Column("document_number", "处罚决定书文号", width=22),
    Column("decided_on", "决定日期", width=12),
    Column("amount", "对单位罚款（元）", width=14, number_format="#,##0.00"),
    Column("person_name", "被处罚责任人", width=12),
    Column("person_amount", "对责任人罚款（元）", width=14, number_format="#,##0.00"),
)


def penalties_workbook(penalties: Iterable[Penalty], *, township: Township, filler: User) -> bytes:
    writer = _writer("行政处罚", f"{township.name}安全生产行政处罚记录", township, filler, PENALTY_COLUMNS)
    for number, p in enumerate(penalties, start=1):
        writer.append(
            {
                "number": number,
                "enterprise": p.enterprise.name,
                "kind": p.get_kind_display(),
                "unit": p.unit.name,
                "document_number": p.document_number,
                "decided_on": p.decided_on,
                "amount": p.amount,
                "person_name": p.person_name,
                "person_amount": p.person_amount,
            }
        )
    return writer.to_bytes()


ZERO_COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", width=6),
    Column("township", "乡镇", width=12),
    Column("unit", "执法单位", width=16),
    Column("inspections", "执法检查次数", width=12),
    Column("penalties", "行政处罚次数", width=12),
    Column("zero", "零处罚", width=10),
)


def zero_penalty_workbook(
    rows: Iterable[UnitCounts], *, start: dt.date, end: dt.date, township: Township, filler: User
) -> bytes:
    title = f"执法检查与行政处罚情况（{start:%Y-%m-%d}至{end:%Y-%m-%d}）"
    writer = _writer("零处罚", title, township, filler, ZERO_COLUMNS)
    for number, row in enumerate(rows, start=1):
        values: dict[str, Any] = {
            "number": number,
            "township": row.unit.township.name,
            "unit": row.unit.name,
            "inspections": row.inspections,
            "penalties": row.penalties,
            "zero": "是" if row.zero_penalty else "",
        }
        writer.append(values)
    return writer.to_bytes()
