"""Attendee lists and certificate rosters as sheets (through the one import pipeline), and the coverage export.

The columns are the sheets people keep (a data format, so literal Chinese)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import (
    CellError,
    Column,
    ImportResult,
    ReportWriter,
    RowError,
    SheetImport,
    SheetRow,
    SheetSpec,
    name_key,
    template_workbook,
)
from hazards.ledger_import.read import parse_ledger_date
from units.models import Enterprise, User

from . import training_services as services
from .models import Certificate, TrainingSession
from .models.training import AttendeeRole, OperationType
from .training_coverage import PLAN_SENTENCES, GroupCoverage

MAX_ROWS = 1000
ATTENDEE_TEMPLATE = "培训人员导入模板.xlsx"
CERTIFICATE_TEMPLATE = "特种作业操作证导入模板.xlsx"

ROLE_NAMES: dict[str, str] = {
    "主要负责人": AttendeeRole.PRINCIPAL,
    "负责人": AttendeeRole.PRINCIPAL,
    "安全管理人员": AttendeeRole.SAFETY_MANAGER,
    "安全员": AttendeeRole.SAFETY_MANAGER,
    "特种作业人员": AttendeeRole.SPECIAL_WORKER,
    "消防安全责任人": AttendeeRole.FIRE_OFFICER,
}
ROLE_LABELS = {
    AttendeeRole.PRINCIPAL: "主要负责人",
    AttendeeRole.SAFETY_MANAGER: "安全管理人员",
    AttendeeRole.SPECIAL_WORKER: "特种作业人员",
    AttendeeRole.FIRE_OFFICER: "消防安全责任人",
}
OPERATION_NAMES: dict[str, str] = {
    "电工作业": OperationType.ELECTRICAL,
    "电工": OperationType.ELECTRICAL,
    "焊接与热切割作业": OperationType.WELDING,
    "焊工": OperationType.WELDING,
    "电焊": OperationType.WELDING,
    "高处作业": OperationType.HEIGHT,
    "登高": OperationType.HEIGHT,
    "制冷与空调作业": OperationType.REFRIGERATION,
    "危险化学品安全作业": OperationType.HAZCHEM,
    "烟花爆竹安全作业": OperationType.FIREWORKS,
    "冶金(有色)生产安全作业": OperationType.METALLURGY,
    "其他": OperationType.OTHER,
}


def parse_role(text: str) -> str:
    value = ROLE_NAMES.get(name_key(text))
    if value is None:
        raise CellError(_("Enter one of %(names)s.") % {"names": "、".join(ROLE_LABELS.values())})
    return value


def parse_operation(text: str) -> str:
    value = OPERATION_NAMES.get(name_key(text))
    if value is None:
        names = "、".join(k for k, v in OPERATION_NAMES.items() if k.endswith("作业") or k == "其他")
        raise CellError(_("Enter one of %(names)s.") % {"names": names})
    return value


def _date(text: str) -> dt.date | None:
    return parse_ledger_date(text)


_ENTERPRISE = Column(
    "enterprise", "单位名称", aliases=("企业名称", "单位"), required=True, width=30, example="示例：某某商贸有限公司"
)
_CREDIT = Column(
    "credit_code",
    "统一社会信用代码",
    aliases=("信用代码",),
    width=22,
    number_format="@",
    note="选填；填写时按代码识别单位。",
)
_NAME = Column("name", "姓名", required=True, width=12, example="张三")

ATTENDEE_SHEET = SheetSpec(
    columns=(
        Column("number", "序号", width=6, numbering=True),
        _NAME,
        _ENTERPRISE,
        _CREDIT,
        Column(
            "role",
            "身份",
            aliases=("人员类别", "类别"),
            required=True,
            width=16,
            parse=parse_role,
            choices=tuple(ROLE_LABELS.values()),
            note="必填：" + "、".join(ROLE_LABELS.values()) + "。",
            example="主要负责人",
        ),
    ),
    max_rows=MAX_ROWS,
    too_many_rows=gettext_lazy("The file has more than %(max)d attendees."),
    no_rows=gettext_lazy("The file contains no attendees below the header row."),
    sheet_name="参训人员",
)

CERTIFICATE_SHEET = SheetSpec(
    columns=(
        Column("number_col", "序号", width=6, numbering=True),
        Column("holder", "姓名", aliases=("持证人",), required=True, width=12, example="李四"),
        _ENTERPRISE,
        _CREDIT,
        Column(
            "operation",
            "作业类别",
            aliases=("操作项目", "作业类型"),
            required=True,
            width=22,
            parse=parse_operation,
            example="电工作业",
            note="必填，如电工作业、焊接与热切割作业、高处作业。",
        ),
        Column(
            "number",
            "证书编号",
            aliases=("证号",),
            required=True,
            width=22,
            number_format="@",
            example="T340000000000000000",
        ),
        Column(
            "issued_on",
            "初领日期",
            aliases=("发证日期", "领证日期"),
            required=True,
            parse=_date,
            example="2023-05-10",
            number_format="yyyy-mm-dd",
        ),
        Column(
            "expires_on",
            "有效期至",
            aliases=("有效期", "到期日期"),
            required=True,
            parse=_date,
            example="2029-05-09",
            number_format="yyyy-mm-dd",
        ),
        Column(
            "last_review_on",
            "最近复审日期",
            aliases=("复审日期",),
            parse=_date,
            number_format="yyyy-mm-dd",
            note="选填；未复审过的留空。",
        ),
    ),
    max_rows=MAX_ROWS,
    too_many_rows=gettext_lazy("The file has more than %(max)d certificates."),
    no_rows=gettext_lazy("The file contains no certificates below the header row."),
    sheet_name="特种作业操作证",
)

_LIMITS = {"name": 30, "holder": 30, "number": 30}


class _EnterpriseRows:
    """Finds a row's enterprise among those the importer may name: by credit code, else by a unique name."""

    def __init__(self, enterprises: list[Enterprise]) -> None:
        self.by_code = {e.credit_code: e for e in enterprises if e.credit_code}
        self.by_name: dict[str, list[Enterprise]] = {}
        for enterprise in enterprises:
            self.by_name.setdefault(name_key(enterprise.name), []).append(enterprise)

    def find(self, spec: SheetSpec, row: SheetRow) -> tuple[Enterprise | None, list[RowError]]:
        code = row.get("credit_code").upper()
        if code:
            found = self.by_code.get(code)
            if found is None:
                return None, [spec.error(row.number, "credit_code", _("No enterprise of yours has this credit code."))]
            return found, []
        matches = self.by_name.get(name_key(row.get("enterprise")), [])
        if len(matches) == 1:
            return matches[0], []
        if matches:
            message = _("Several enterprises have this name; enter the credit code.")
        else:
            message = _("There is no enterprise “%(value)s” among yours.") % {"value": row.get("enterprise")}
        return None, [spec.error(row.number, "enterprise", message)]


def _required(spec: SheetSpec, row: SheetRow) -> list[RowError]:
    errors = [
        spec.error(row.number, c.key, _("This cell must not be empty.")) for c in spec.required if not row.get(c.key)
    ]
    for key, limit in _LIMITS.items():
        if len(row.get(key)) > limit:
            message = _("At most %(n)d characters, this cell has %(m)d.") % {"n": limit, "m": len(row.get(key))}
            errors.append(spec.error(row.number, key, message))
    return errors


class AttendeeImport(SheetImport[services.NewAttendee, ImportResult]):
    spec = ATTENDEE_SHEET

    def __init__(self, *, actor: User, session: TrainingSession, enterprises: list[Enterprise]) -> None:
        self.actor, self.session = actor, session
        self.enterprises = _EnterpriseRows(enterprises)

    def new_result(self) -> ImportResult:
        return ImportResult()

    def plan(self, row: SheetRow) -> tuple[services.NewAttendee | None, list[RowError]]:
        values, errors = self.spec.convert(row)
        errors += _required(self.spec, row)
        enterprise, problems = (
            self.enterprises.find(self.spec, row) if row.get("enterprise") or row.get("credit_code") else (None, [])
        )
        errors += problems
        if errors or enterprise is None:
            return None, errors
        return services.NewAttendee(enterprise=enterprise, name=values["name"], role=values["role"]), []

    def count(self, plans: list[services.NewAttendee], result: ImportResult) -> None:
        result.created = len(plans)

    def write(self, plans: list[services.NewAttendee], result: ImportResult) -> None:
        result.created, result.unchanged = services.attendees_add(actor=self.actor, session=self.session, people=plans)


class CertificateImport(SheetImport[dict[str, Any], ImportResult]):
    """A roster of certificates: a number already recorded in the township is updated, a new one added."""

    spec = CERTIFICATE_SHEET

    def __init__(self, *, actor: User, township_id: int, enterprises: list[Enterprise]) -> None:
        self.actor, self.township_id = actor, township_id
        self.enterprises = _EnterpriseRows(enterprises)
        self.existing: dict[str, Certificate] = {}
        self.seen: set[str] = set()

    def new_result(self) -> ImportResult:
        return ImportResult()

    def prepare(self, rows: list[SheetRow]) -> None:
        numbers = [row.get("number") for row in rows]
        qs = Certificate.objects.select_for_update().filter(township_id=self.township_id, number__in=numbers)
        self.existing = {c.number: c for c in qs}

    def plan(self, row: SheetRow) -> tuple[dict[str, Any] | None, list[RowError]]:
        values, errors = self.spec.convert(row)
        errors += _required(self.spec, row)
        enterprise, problems = (
            self.enterprises.find(self.spec, row) if row.get("enterprise") or row.get("credit_code") else (None, [])
        )
        errors += problems
        number = row.get("number")
        if number in self.seen:
            errors.append(self.spec.error(row.number, "number", _("This certificate number is in the file twice.")))
        self.seen.add(number)
        issued, expires = values.get("issued_on"), values.get("expires_on")
        if issued and expires and expires <= issued:
            errors.append(self.spec.error(row.number, "expires_on", _("The expiry must be after the date of issue.")))
        review = values.get("last_review_on")
        if review and issued and expires and not issued <= review <= expires:
            message = _("The last review lies between the date of issue and the expiry.")
            errors.append(self.spec.error(row.number, "last_review_on", message))
        if errors or enterprise is None:
            return None, errors
        data = {
            "enterprise": enterprise,
            "holder": values["holder"],
            "operation": values["operation"],
            "number": number,
            "issued_on": issued,
            "expires_on": expires,
            "last_review_on": review,
        }
        return data, []

    def count(self, plans: list[dict[str, Any]], result: ImportResult) -> None:
        for data in plans:
            old = self.existing.get(data["number"])
            if old is None:
                result.created += 1
            elif all(getattr(old, key) == value for key, value in data.items()):
                result.unchanged += 1
            else:
                result.updated += 1

    def write(self, plans: list[dict[str, Any]], result: ImportResult) -> None:
        for data in plans:
            services.certificate_save(actor=self.actor, data=data, certificate=self.existing.get(data["number"]))


def attendee_template() -> bytes:
    return template_workbook(ATTENDEE_SHEET, example=ATTENDEE_SHEET.example_row(), general_notes=_ATTENDEE_NOTES)


def certificate_template() -> bytes:
    return template_workbook(
        CERTIFICATE_SHEET, example=CERTIFICATE_SHEET.example_row(), general_notes=_CERTIFICATE_NOTES
    )


_ATTENDEE_NOTES = (
    "1. 第1行为表头，请勿修改表头文字；从第2行起每行填写一名参训人员。",
    "2. “姓名”“单位名称”“身份”必填；有统一社会信用代码的填写代码，按代码识别单位。",
    "3. 身份填：" + "、".join(ROLE_LABELS.values()) + "。",
    "4. 只要有一行有误，整个文件都不会导入；以“示例”开头的行不会导入。",
)
_CERTIFICATE_NOTES = (
    "1. 第1行为表头，请勿修改表头文字；从第2行起每行填写一本特种作业操作证。",
    "2. 证书编号已登记的更新，未登记的新增。",
    "3. 日期写作 2024-03-05 或 2024.3.5；复审每三年一次，从初领或最近一次复审起算。",
    "4. 只要有一行有误，整个文件都不会导入；以“示例”开头的行不会导入。",
)


# -- the coverage export ----------------------------------------------------------------------------------------

_COVERAGE_COLUMNS = (
    Column("group", "培训重点", width=40),
    Column("village", "村", width=12),
    Column("enterprise", "未覆盖单位", width=34),
    Column("credit_code", "统一社会信用代码", width=22),
    Column("person", "应培训人员", width=14),
    Column("recorded", "登记姓名", width=12),
)
_SUMMARY_COLUMNS = (
    Column("group", "培训重点", width=40),
    Column("total", "单位数", width=10),
    Column("covered", "已覆盖", width=10),
    Column("rate", "覆盖率(%)", width=10, number_format="0.0"),
)


def coverage_export(*, township_name: str, year: int, groups: list[GroupCoverage]) -> bytes:
    writer = ReportWriter(
        sheet_name="覆盖情况",
        title=f"{township_name}{year}年重点行业领域培训覆盖情况",
        line=PLAN_SENTENCES[year],
        columns=_SUMMARY_COLUMNS,
    )
    for g in groups:
        writer.append({"group": str(g.group.label), "total": g.total, "covered": g.covered, "rate": g.rate})
    detail = writer.add_sheet(
        sheet_name="未覆盖单位",
        title=f"{township_name}{year}年培训未覆盖单位",
        line=PLAN_SENTENCES[year],
        columns=_COVERAGE_COLUMNS,
    )
    for g in groups:
        field = services.RECORD_FIELD.get(g.group.role)  # type: ignore[call-overload]
        for e in g.uncovered:
            detail.append(
                {
                    "group": str(g.group.label),
                    "village": e.village.name,
                    "enterprise": e.name,
                    "credit_code": e.credit_code or "",
                    "person": ROLE_LABELS[g.group.role],  # type: ignore[index]
                    "recorded": getattr(e, field, "") if field else "",
                }
            )
    return writer.to_bytes()
