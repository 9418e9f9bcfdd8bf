"""The inspection record as an Excel sheet in the county's format (SPEC S8)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.dates import local_today
from core.spreadsheets import Column, ReportWriter, filler_line
from units.models import Township, User
from units.offices import filler_unit_name

from .models import Inspection

# The county's column names are a data format, so literal Chinese.
COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", width=6),
    Column("kind", "检查类型", width=16),
    Column("target", "检查对象", width=28),
    Column("village", "所属村", width=10),
    Column("sector", "行业领域", width=14),
    Column("planned_on", "计划日期", width=12),
    Column("done_on", "检查日期", width=12),
    Column("status", "状态", width=10),
    Column("n_fail", "不合格项", width=10),
    Column("n_hazards", "发现隐患", width=10),
    Column("conclusion", "检查结论", width=40),
    Column("signer", "被检查单位负责人", width=14),
)


def _row(number: int, inspection: Any) -> dict[str, Any]:
    return {
        "number": number,
        "kind": inspection.get_kind_display(),
        "target": inspection.target_label,
        "village": inspection.village.name if inspection.village else "",
        "sector": inspection.sector.name if inspection.sector else "",
        "planned_on": inspection.planned_on,
        "done_on": inspection.done_on,
        "status": inspection.get_status_display(),
        "n_fail": getattr(inspection, "n_fail", None),
        "n_hazards": getattr(inspection, "n_hazards", None),
        "conclusion": inspection.conclusion,
        "signer": inspection.signer_name,
    }


def inspections_workbook(inspections: Iterable[Inspection], *, township: Township, filler: User) -> bytes:
    """The township's inspection record, filled in by the user's unit there."""
    writer = ReportWriter(
        sheet_name="检查记录",
        title=f"{township.name}安全生产检查记录",
        line=filler_line(filler_unit_name(filler, township), filler.display_name, local_today()),
        columns=COLUMNS,
    )
    for number, inspection in enumerate(inspections, start=1):
        writer.append(_row(number, inspection))
    return writer.to_bytes()
