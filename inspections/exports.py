"""The inspection record as an Excel sheet in the county's format (SPEC S8)."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from openpyxl import Workbook

from core.dates import local_today
from units.excel import filler_line, report_cells, write_report_head

from .models import Inspection

# (header, width): the county's column names are a data format, so literal Chinese.
COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("检查类型", 16),
    ("检查对象", 28),
    ("所属村", 10),
    ("行业领域", 14),
    ("计划日期", 12),
    ("检查日期", 12),
    ("状态", 10),
    ("不合格项", 10),
    ("发现隐患", 10),
    ("检查结论", 40),
    ("被检查单位负责人", 14),
]


def _row(number: int, inspection: Any) -> list[Any]:
    return [
        number,
        inspection.get_kind_display(),
        inspection.target_label,
        inspection.village.name if inspection.village else "",
        inspection.sector.name if inspection.sector else "",
        inspection.planned_on,
        inspection.done_on,
        inspection.get_status_display(),
        getattr(inspection, "n_fail", None),
        getattr(inspection, "n_hazards", None),
        inspection.conclusion,
        inspection.signer_name,
    ]


def inspections_workbook(inspections: Iterable[Inspection], *, filler: str, township_name: str = "") -> bytes:
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("检查记录")
    today = local_today()
    write_report_head(ws, f"{township_name}安全生产检查记录", filler_line(township_name, filler, today), COLUMNS)
    for number, inspection in enumerate(inspections, start=1):
        ws.append(report_cells(ws, _row(number, inspection)))
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
