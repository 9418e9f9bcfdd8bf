"""Drill records imported from a sheet (check-only and real) through core.spreadsheets: the office of the township
imports drills of its enterprises, found by credit code or by name."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import local_today
from core.errors import WorkflowError
from core.spreadsheets import (
    CellError,
    Column,
    ImportResult,
    RowError,
    SheetImport,
    SheetRow,
    SheetSpec,
    template_workbook,
)
from core.spreadsheets.views import SpreadsheetImportView, xlsx_response
from units.access import current_user, office_township
from units.models import Enterprise, Township, User

from ..models import Drill, PlanKind
from .services import drill_record

DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
KINDS = {"综合": PlanKind.COMPREHENSIVE, "专项": PlanKind.SPECIAL, "现场": PlanKind.ONSITE}


def parse_day(text: str) -> dt.date:
    match = DATE.match(text.strip())
    try:
        if match is None:
            raise ValueError(text)
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise CellError(_("Not a date: %(text)s (write it as 2025-06-30).") % {"text": text}) from exc


def parse_kind(text: str) -> str:
    for prefix, kind in KINDS.items():
        if text.strip().startswith(prefix):
            return kind
    raise CellError(_("Unknown plan kind: %(text)s (综合应急预案, 专项应急预案 or 现场处置方案).") % {"text": text})


def parse_participants(text: str) -> int:
    digits = text.strip().removesuffix("人")
    if not digits.isascii() or not digits.isdigit() or not 1 <= int(digits) <= 100000:
        raise CellError(_("Participants: a whole number from 1 to 100000."))
    return int(digits)


DRILL_SHEET = SheetSpec(
    columns=(
        Column("number", "序号", width=6, numbering=True),
        Column("credit_code", "统一社会信用代码", width=22, number_format="@", note="选填；有则按它找单位。"),
        Column("enterprise", "单位名称*", required=True, width=28, example="示例：某某加油站"),
        Column("held_on", "演练日期*", required=True, width=12, parse=parse_day, example="2025-06-20"),
        Column(
            "kind",
            "预案类别*",
            required=True,
            width=16,
            parse=parse_kind,
            choices=("综合应急预案", "专项应急预案", "现场处置方案"),
            example="现场处置方案",
        ),
        Column("scenario", "演练科目*", required=True, width=24, example="加油机着火初期处置"),
        Column("participants", "参演人数*", required=True, width=10, parse=parse_participants, example="12"),
        Column("evaluation", "评估结果*", required=True, width=30, example="人员疏散及时，处置得当"),
        Column("improvements", "改进措施", width=30, example="补充灭火毯"),
    ),
    max_rows=2000,
    too_many_rows=gettext_lazy("At most %(max)d drills per file."),
    no_rows=gettext_lazy("The file holds no drill."),
    sheet_name="应急演练记录",
)
LIMITS = {"scenario": 200, "evaluation": 2000, "improvements": 2000}


@dataclass
class DrillPlan:
    enterprise: Enterprise
    fields: dict[str, Any]


class DrillImport(SheetImport[DrillPlan, ImportResult]):
    spec = DRILL_SHEET

    def __init__(self, *, township: Township, actor: User) -> None:
        self.township = township
        self.actor = actor

    def new_result(self) -> ImportResult:
        return ImportResult()

    def prepare(self, rows: list[SheetRow]) -> None:
        enterprises = list(Enterprise.objects.filter(township=self.township, is_active=True))
        self.by_code = {e.credit_code: e for e in enterprises if e.credit_code}
        self.by_name: dict[str, list[Enterprise]] = {}
        for e in enterprises:
            self.by_name.setdefault(e.name, []).append(e)

    def _enterprise(self, row: SheetRow) -> Enterprise:
        code = row.get("credit_code").strip().upper()
        if code:
            if code not in self.by_code:
                raise CellError(_("No enterprise of the township has this credit code."), "credit_code")
            return self.by_code[code]
        found = self.by_name.get(row.get("enterprise").strip(), [])
        if len(found) != 1:
            message = (
                _("No enterprise of the township has this name.")
                if not found
                else _("Several enterprises have this name: give the credit code.")
            )
            raise CellError(message, "enterprise")
        return found[0]

    def plan(self, row: SheetRow) -> tuple[DrillPlan | None, list[RowError]]:
        values, errors = self.spec.convert(row)
        try:
            enterprise = self._enterprise(row)
        except CellError as exc:
            errors.append(self.spec.error(row.number, exc.field, exc.message))
            return None, errors
        for key, limit in LIMITS.items():
            if len(values.get(key, "")) > limit:
                errors.append(self.spec.error(row.number, key, _("At most %(n)d characters.") % {"n": limit}))
        held_on = values.get("held_on")
        if isinstance(held_on, dt.date) and (held_on > local_today() or held_on.year < 2000):
            errors.append(self.spec.error(row.number, "held_on", _("The drill date must lie between 2000 and today.")))
        if errors:
            return None, errors
        fields = {k: values.get(k, "") for k in ("held_on", "kind", "scenario", "participants", "evaluation")}
        fields["improvements"] = values.get("improvements", "")
        return DrillPlan(enterprise, fields), []

    def count(self, plans: list[DrillPlan], result: ImportResult) -> None:
        result.created = len(plans)

    def write(self, plans: list[DrillPlan], result: ImportResult) -> None:
        for plan in plans:
            try:
                drill_record(
                    enterprise=plan.enterprise, actor=self.actor, fields=plan.fields, source=Drill.Source.IMPORT
                )
            except WorkflowError as exc:
                raise ImportAbortedError(exc.message) from exc


class ImportAbortedError(Exception):
    pass


class DrillImportView(SpreadsheetImportView):
    template_name = "readiness/drills/drill_import.html"
    spec = DRILL_SHEET

    def target(self) -> Township:
        return office_township(self.request)

    def run_import(self, target: Township, form: forms.Form, *, dry_run: bool) -> ImportResult:
        runner = DrillImport(township=target, actor=current_user(self.request))
        try:
            return runner.run(form.cleaned_data["file"], dry_run=dry_run)
        except ImportAbortedError as exc:
            raise WorkflowError(str(exc)) from exc

    def checked_message(self, result: ImportResult) -> str:
        return _("The file is valid: %(n)d drills would be recorded. Nothing has been saved yet.") % {
            "n": result.created
        }

    def done_message(self, result: ImportResult) -> str:
        return _("Import finished: %(n)d drills recorded.") % {"n": result.created}

    def done_url(self, target: Township) -> str:
        return reverse("readiness:drill_list")

    def page_context(self, target: Township) -> dict[str, Any]:
        return {"township": target}


@login_required
def drill_import_template(request: HttpRequest) -> HttpResponse:
    office_township(request)
    content = template_workbook(DRILL_SHEET, title="应急演练记录", example=DRILL_SHEET.example_row())
    return xlsx_response(content, "应急演练记录导入模板.xlsx")
