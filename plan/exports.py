"""The whole progress of the plan as one workbook for the county (SPEC S9): measures with their status, the tasks
with their quarterly reports, the targets with their figures. Column names are a data format, so literal Chinese."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from core.dates import quarter_label
from core.spreadsheets import Column, ReportWriter, filler_line
from units.models import Township, User
from units.offices import filler_unit_name

from .models import Measure, Plan, ProgressReport, Task
from .progress import MeasureStatus, TaskProgress, measure_status, task_progress
from .targets import target_rows

MEASURE_COLUMNS: tuple[Column, ...] = (
    Column("action", "行动", width=26),
    Column("number", "措施序号", width=8),
    Column("title", "措施", width=30),
    Column("lead", "牵头单位", width=14),
    Column("participants", "配合单位", width=20),
    Column("tasks", "任务数", width=8),
    Column("done", "已完成", width=8),
    Column("late", "滞后", width=8),
    Column("status", "状态", width=10),
)
TASK_COLUMNS: tuple[Column, ...] = (
    Column("measure", "措施序号", width=8),
    Column("task", "任务", width=30),
    Column("responsible", "责任村/单位", width=14),
    Column("starts_on", "开始日期", width=12),
    Column("deadline", "完成时限", width=12),
    Column("state", "状态", width=10),
    Column("late", "是否滞后", width=10),
    Column("missing", "未报季度", width=18),
    Column("reports", "季度进展", width=60),
)
TARGET_COLUMNS: tuple[Column, ...] = (
    Column("name", "目标", width=30),
    Column("measure", "措施序号", width=8),
    Column("deadline", "时限", width=12),
    Column("goal", "目标值", width=10),
    Column("figure", "当前值", width=10),
    Column("unit", "单位", width=6),
    Column("as_of", "截至", width=12),
    Column("source", "来源", width=30),
    Column("status", "状态", width=10),
)


def _report_line(report: ProgressReport) -> str:
    line = f"{quarter_label(report.year, report.quarter)}（{report.get_state_display()}）：{report.work_done}"
    return f"{line}；{report.figures}" if report.figures else line


def plan_workbook(plan: Plan, *, township: Township, filler: User, today: dt.date) -> bytes:
    line = filler_line(filler_unit_name(filler, township), filler.display_name, today)
    tasks = (
        Task.objects.filter(measure__plan=plan)
        .select_related("measure", "village", "unit")
        .order_by("measure__number", "deadline", "pk")
    )
    progress = task_progress(tasks, today)
    by_measure: dict[int, list[TaskProgress]] = defaultdict(list)
    for row in progress:
        by_measure[row.task.measure_id].append(row)
    reports: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in ProgressReport.objects.filter(task__measure__plan=plan).order_by("year", "quarter", "pk"):
        reports[report.task_id].append(report)

    writer = ReportWriter(
        sheet_name="措施", title=f"{plan.title}进展（措施）", line=line, columns=MEASURE_COLUMNS, frozen_columns=3
    )
    measures = (
        Measure.objects.filter(plan=plan).select_related("action", "lead_unit").prefetch_related("participating_units")
    )
    for measure in measures.order_by("number"):
        rows = by_measure.get(measure.pk, [])
        writer.append({
            "action": str(measure.action),
            "number": measure.number,
            "title": measure.short_title,
            "lead": measure.lead_unit.name if measure.lead_unit else "未分配",
            "participants": "、".join(u.name for u in measure.participating_units.all()),
            "tasks": len(rows),
            "done": sum(1 for r in rows if r.task.state == Task.State.DONE),
            "late": sum(1 for r in rows if r.is_late),
            "status": str(MeasureStatus(measure_status(rows)).label),
        })  # fmt: skip
    task_sheet = writer.add_sheet(
        sheet_name="任务", title=f"{plan.title}进展（任务）", line=line, columns=TASK_COLUMNS, frozen_columns=2
    )
    for row in progress:
        task = row.task
        task_sheet.append({
            "measure": task.measure.number,
            "task": task.title,
            "responsible": str(task.responsible),
            "starts_on": task.starts_on,
            "deadline": task.deadline,
            "state": task.get_state_display(),
            "late": "是" if row.is_late else "否",
            "missing": "、".join(quarter_label(*q) for q in row.missing),
            "reports": "\n".join(_report_line(r) for r in reports.get(task.pk, [])),
        })  # fmt: skip
    target_sheet = writer.add_sheet(
        sheet_name="目标", title=f"{plan.title}进展（目标）", line=line, columns=TARGET_COLUMNS, frozen_columns=1
    )
    for t in target_rows(plan.targets.select_related("plan", "measure"), today):
        target_sheet.append({
            "name": t.target.name,
            "measure": t.target.measure.number if t.target.measure else "",
            "deadline": t.target.deadline,
            "goal": float(t.target.goal),
            "figure": float(t.figure.value) if t.figure.value is not None else "",
            "unit": t.target.unit_label,
            "as_of": t.figure.as_of,
            "source": f"{t.figure.source} {t.figure.detail}".strip(),
            "status": t.status_label,
        })  # fmt: skip
    return writer.to_bytes()
