"""The monthly report as a document: the whole table (title, 填报单位, columns with their headers, rows, total, notes)
as plain JSON — what a filing stores (FiledMonthlyReport.document) and what every page and workbook of the monthly
report is drawn from, live or filed, so a filed month is shown and exported exactly as it was filed.

Values are stored as the page shows them: counts as integers, rates and 万元 as decimal strings ("66.7", "2.15"),
a rate with nothing to divide by as null.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.spreadsheets import Column, ReportWriter

from .models import FiledMonthlyReport
from .monthly import FORM_VERSION, NOTES_XLSX, figure_columns, sheet_column
from .reports import AnyTable

Document = dict[str, Any]
FILING_COLUMN = {"key": "filing", "header": "报送情况", "group": "报送情况", "period": "", "kind": "text", "width": 16}


def _encoded(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _decoded(value: Any, kind: str) -> Any:
    if value is None or kind in ("count", "text"):
        return value
    return Decimal(str(value))


def document_of(
    table: AnyTable, *, filler_unit: str, columns: Sequence[dict[str, Any]] | None = None, notes: Sequence[str] = ()
) -> Document:
    """The table as a document in the current form (dashboard.monthly.FORM_VERSION)."""
    columns = list(columns or figure_columns())
    keys = [column["key"] for column in columns]

    def values(row_values: dict[str, Any]) -> dict[str, Any]:
        return {key: _encoded(row_values.get(key)) for key in keys}

    return {
        "form_version": FORM_VERSION,
        "title": table.title,
        "first_header": table.first_header,
        "filler_unit": filler_unit,
        "month": f"{table.start:%Y-%m}",
        "columns": columns,
        "rows": [{"key": row.key, "label": row.label, "values": values(row.values)} for row in table.rows],
        "total": {"label": table.total.label, "values": values(table.total.values)},
        "notes": list(notes or NOTES_XLSX),
    }


def decoded_values(document: Document, values: dict[str, Any]) -> dict[str, Any]:
    """A row's stored values as numbers again (Decimal rates and 万元), e.g. for the county's sums."""
    return {c["key"]: _decoded(values.get(c["key"]), c["kind"]) for c in document["columns"]}


def figures_equal(one: Document, other: Document) -> bool:
    """Whether two documents hold the same figures (title, filler and notes aside)."""
    return not differences(one, other)


# -- differences -------------------------------------------------------------------------------------------------


def _rows_by_key(document: Document) -> dict[str, dict[str, Any]]:
    rows = {f"row:{row['key']}": row for row in document["rows"]}
    rows["total"] = document["total"]
    return rows


def differences(was: Document, now: Document) -> list[dict[str, Any]]:
    """Cell by cell (row, column, was, now): every cell of either table whose value differs, rows in the new
    table's order (then rows only the old one had), columns in the form's order."""
    old_rows, new_rows = _rows_by_key(was), _rows_by_key(now)
    columns = {c["key"]: c for c in was["columns"]} | {c["key"]: c for c in now["columns"]}
    changes = []
    for row_key in [*new_rows, *(k for k in old_rows if k not in new_rows)]:
        old, new = old_rows.get(row_key), new_rows.get(row_key)
        label = (new or old or {}).get("label", "")
        for key, column in columns.items():
            before = old["values"].get(key) if old else None
            after = new["values"].get(key) if new else None
            if before != after:
                changes.append({"row": label, "column": column["header"], "was": before, "now": after})
    return changes


# -- the page ----------------------------------------------------------------------------------------------------


def header_rows(document: Document) -> list[list[dict[str, Any]]]:
    """The two header rows of the page: each figure's name over its 本月 and 累计 columns; a column without a period
    (an older form, the county's filing status) spans both rows."""
    top: list[dict[str, Any]] = []
    bottom: list[dict[str, Any]] = []
    for column in document["columns"]:
        group, period = column.get("group") or column["header"], column.get("period") or ""
        if not period:
            top.append({"text": column["header"], "colspan": 1, "rowspan": 2})
        elif top and top[-1]["text"] == group and top[-1]["rowspan"] == 1:
            top[-1]["colspan"] += 1
            bottom.append({"text": period})
        else:
            top.append({"text": group, "colspan": 1, "rowspan": 1})
            bottom.append({"text": period})
    return [top, bottom]


def document_lines(document: Document, links: dict[Any, str] | None = None) -> list[dict[str, Any]]:
    """The rows and the total for the template: each cell with its value and kind (rate, money, count, text)."""
    kinds = [(c["key"], c["kind"]) for c in document["columns"]]
    return [
        {
            "key": row["key"],
            "label": row["label"],
            "url": (links or {}).get(row["key"], ""),
            "is_total": row["key"] is None,
            "cells": [{"value": row["values"].get(key), "kind": kind} for key, kind in kinds],
        }
        for row in [*document["rows"], {**document["total"], "key": None}]
    ]


# -- Excel -------------------------------------------------------------------------------------------------------


def filing_line(filing: FiledMonthlyReport) -> str:
    """The line under a filed report's title: 填报单位, 报送人, 报送时间 (to the minute, Asia/Shanghai) and version."""
    at = timezone.localtime(filing.filed_at)
    when = f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"
    unit = filing.document.get("filler_unit", "")
    version = f"第{filing.version}版" + ("（更正）" if filing.is_correction else "")
    return f"填报单位：{unit}    报送人：{filing.filed_by.display_name}    报送时间：{when}    版本：{version}"


def document_workbook(document: Document, *, line: str, filing: FiledMonthlyReport | None = None) -> bytes:
    """The county's sheet of the document: title, the filler's (or the filing's) line, headers, rows, 合计, the
    definitions; for a correction its reason, and the differences on a second sheet."""
    spec = [sheet_column(c) if c["kind"] != "text" else Column(c["key"], c["header"], width=c["width"])
            for c in document["columns"]]  # fmt: skip
    writer = ReportWriter(
        sheet_name="月报表",
        title=document["title"],
        line=line,
        columns=[Column("number", "序号", width=6), Column("label", document["first_header"], width=18), *spec],
        frozen_columns=2,
    )
    for number, row in enumerate(document["rows"], start=1):
        writer.append({"number": number, "label": row["label"], **decoded_values(document, row["values"])})
    total = document["total"]
    writer.append_total({"number": "", "label": total["label"], **decoded_values(document, total["values"])})
    writer.append_note("注：" + "".join(document["notes"]))
    if filing is not None and filing.is_correction:
        writer.append_note(f"更正原因：{filing.reason}")
        _differences_sheet(writer, document, filing)
    return writer.to_bytes()


def _differences_sheet(writer: ReportWriter, document: Document, filing: FiledMonthlyReport) -> None:
    sheet = writer.add_sheet(
        sheet_name="更正差异",
        title=f"{document['title']}更正情况（第{filing.version}版）",
        line=f"更正原因：{filing.reason}",
        columns=[
            Column("number", "序号", width=6),
            Column("row", document["first_header"], width=18),
            Column("column", "栏目", width=36),
            Column("was", "原报数", width=12),
            Column("now", "更正后", width=12),
        ],
    )
    for number, change in enumerate(filing.differences, start=1):
        sheet.append({"number": number, **change})
