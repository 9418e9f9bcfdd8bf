"""Enterprise import from Excel: the county's roster format in, enterprises created or updated, all or nothing.

Every row goes through `EnterpriseForm`, so the credit-code rules, required fields and the
duplicate check are exactly those of the web form. Column headers are the county's Chinese
column names (a data format, not UI text), so they are literal strings here.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .credit_code import make_credit_code, normalise_credit_code
from .excel import MissingHeadersError, cell_text, header_index, header_key, safe_cell
from .forms import EnterpriseForm
from .models import Enterprise, Sector, Township, User, Village

ENTERPRISE_COLUMNS: list[tuple[str, str]] = [
    ("name", "企业名称*"),
    ("credit_code", "统一社会信用代码"),
    ("village", "所属村*"),
    ("primary_sector", "主行业领域*"),
    ("other_sectors", "其他行业领域"),
    ("address", "地址"),
    ("principal_name", "主要负责人"),
    ("principal_phone", "主要负责人电话"),
    ("controller_name", "实际控制人"),
    ("controller_phone", "实际控制人电话"),
    ("safety_manager_name", "安全管理人员"),
    ("safety_manager_phone", "安全管理人员电话"),
    ("fire_officer_name", "消防安全责任人"),
    ("fire_officer_phone", "消防安全责任人电话"),
    ("is_above_scale", "规模以上(是/否)"),
    ("is_dust_explosion", "粉尘涉爆(是/否)"),
    ("is_confined_space", "有限空间(是/否)"),
    ("is_lpg_business", "液化气经营(是/否)"),
    ("is_lpg_user", "餐饮用气(是/否)"),
    ("is_crowded_place", "人员密集场所(是/否)"),
    ("is_three_in_one", "三合一场所(是/否)"),
    ("is_self_built_house", "经营性自建房(是/否)"),
    ("standardisation_grade", "标准化等级(一级/二级/三级/小微)"),
    ("is_benchmark", "标杆企业(是/否)"),
]
# Other names the same columns go by in rosters kept before the template existed.
HEADER_ALIASES: list[tuple[str, str]] = [
    ("name", "单位名称"),
    ("name", "场所名称"),
    ("credit_code", "社会信用代码"),
    ("credit_code", "信用代码"),
    ("village", "所在村"),
    ("village", "村(社区)"),
    ("primary_sector", "行业领域"),
    ("address", "经营地址"),
    ("address", "生产经营地址"),
]
COLUMN_HEADERS = dict(ENTERPRISE_COLUMNS)
REQUIRED_COLUMNS = ("name", "village", "primary_sector")
BOOLEAN_FIELDS = frozenset(f for f, header in ENTERPRISE_COLUMNS if header.endswith("(是/否)"))
PHONE_FIELDS = frozenset(f for f, _header in ENTERPRISE_COLUMNS if f.endswith("_phone"))
# The columns are the web form's fields, in the form's order.
FORM_FIELDS = [f for f, _header in ENTERPRISE_COLUMNS]

TEMPLATE_TITLE = "企业（场所）信息导入模板"
DATA_SHEET = "企业（场所）信息"
NOTES_SHEET = "填写说明"
TEMPLATE_FILENAME = "企业（场所）信息导入模板.xlsx"
EXAMPLE_PREFIX = "示例"

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# A 5 MB zip can unpack to gigabytes of XML; real rosters stay far below this.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
HEADER_SCAN = 10
MAX_ERRORS = 200

_TRUE = frozenset({"是", "Y", "YES", "1", "√", "✓", "✔", "TRUE", "有"})
_FALSE = frozenset({"", "否", "N", "NO", "0", "×", "✗", "FALSE", "无"})
_GRADES = {
    "": "",
    "无": "",
    "未定级": "",
    "一级": Enterprise.Grade.ONE,
    "1": Enterprise.Grade.ONE,
    "1级": Enterprise.Grade.ONE,
    "二级": Enterprise.Grade.TWO,
    "2": Enterprise.Grade.TWO,
    "2级": Enterprise.Grade.TWO,
    "三级": Enterprise.Grade.THREE,
    "3": Enterprise.Grade.THREE,
    "3级": Enterprise.Grade.THREE,
    "小微": Enterprise.Grade.SMALL,
    "小微企业": Enterprise.Grade.SMALL,
}
# Lines under the table such as "填报人：张三  审核人：李四" or "合计：35家". 注 only with what
# follows a note ("注：", "注1"), so that a place named 注塑厂 is never mistaken for one.
FOOTER_LINE = re.compile(r"^(填报|填表|制表|审核|合计|总计|备注|说明|注\s*[:：\d、.])")
# 、 separates sectors but also occurs inside "商贸服务(含餐饮业、住宿业)": split outside brackets only.
# Line breaks within a cell reach here as spaces (see cell_text).
_SECTOR_SEPARATORS = frozenset("、,，;； ")
_OPEN, _CLOSE = frozenset("(（[【"), frozenset(")）]】")


# -- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # the Excel row number the user sees; 0 for a problem with the whole file
    column: str  # the column header, "" when the problem is not one cell's
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0  # matched an existing enterprise whose data were already the same

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole cannot be imported; `message` tells the user why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class HeaderNotFoundError(ImportFileError):
    pass


def column_label(field_name: str) -> str:
    """The header as people name the column in an error report: without the required-star."""
    return COLUMN_HEADERS.get(field_name, "").rstrip("*")


# -- reading the workbook ---------------------------------------------------------------------------


@dataclass
class SheetRow:
    number: int
    cells: dict[str, str]  # field -> text, for the columns the file has


def read_upload(file: IO[bytes]) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)d MB. Please split it into smaller files.") % {"mb": MAX_BYTES // 2**20}
        )
    return data


def check_xlsx_archive(data: bytes) -> None:
    not_xlsx = _(
        "This is not an Excel .xlsx file. If it is an old .xls file or a WPS file, open it and save it as"
        " “Excel workbook (*.xlsx)”, then upload it again."
    )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError(not_xlsx) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_("The workbook is too large to import. Please split it into smaller files."))


def read_workbook_rows(file: IO[bytes], sheet_rows: Callable[[Any], list[SheetRow]]) -> list[SheetRow]:
    """The data rows of the first sheet that has the expected header row (read by `sheet_rows`).

    Shared by every Excel import: size and zip-bomb checks first, formulas kept as their text, and any way a
    damaged workbook can fail turned into one clear message.
    """
    data = read_upload(file)
    check_xlsx_archive(data)
    unreadable = _(
        "The file could not be read as an Excel workbook; it may be damaged or protected by a password."
        " Please open it, save it again as .xlsx and upload it again."
    )
    try:
        # data_only=False: a formula comes back as its text and is never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl signals a broken file with many kinds of error
        raise ImportFileError(unreadable) from exc
    try:
        return _first_sheet_rows(workbook.worksheets, sheet_rows)
    except ImportFileError:
        raise
    except Exception as exc:  # the sheet XML is parsed lazily, so a broken one fails only here
        raise ImportFileError(unreadable) from exc
    finally:
        workbook.close()


def _first_sheet_rows(sheets: Sequence[Any], sheet_rows: Callable[[Any], list[SheetRow]]) -> list[SheetRow]:
    """The rows of the first sheet with the header row: people move the notes sheet to the front, too."""
    first_error: HeaderNotFoundError | None = None
    for sheet in sheets:
        try:
            return sheet_rows(sheet)
        except HeaderNotFoundError as exc:
            first_error = first_error or exc
    raise first_error or HeaderNotFoundError(_("The workbook contains no worksheet."))


def read_enterprise_rows(file: IO[bytes]) -> list[SheetRow]:
    """The data rows of the first sheet, below its header row, without blank, footer and example rows."""
    return read_workbook_rows(file, _sheet_rows)


def _sheet_rows(sheet: Any) -> list[SheetRow]:
    # Files written by some tools state wrong dimensions, which would cut rows off in read-only mode.
    sheet.reset_dimensions()
    values = sheet.iter_rows(values_only=True)
    head = list(islice(values, HEADER_SCAN))
    try:
        header_row, columns = header_index(
            head, [*ENTERPRISE_COLUMNS, *HEADER_ALIASES], HEADER_SCAN, required=REQUIRED_COLUMNS
        )
    except MissingHeadersError as exc:
        raise HeaderNotFoundError(
            _(
                "The header row was not found: the columns %(columns)s are missing."
                " Please download the import template and keep its header row."
            )
            % {"columns": "、".join(h.rstrip("*") for h in exc.missing)}
        ) from exc
    rows: list[SheetRow] = []
    for number, raw in enumerate(chain(head[header_row:], values), start=header_row + 1):
        row = _data_row(number, raw, columns)
        if row is None:
            continue
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)d enterprise rows. Please split it into smaller files.")
                % {"max": MAX_ROWS}
            )
    return rows


def _data_row(number: int, raw: Sequence[Any], columns: dict[str, int]) -> SheetRow | None:
    """The row's cells by field, or None for a row that holds no enterprise."""
    texts = [cell_text(v) for v in raw]
    filled = [t for t in texts if t]
    if not filled:
        return None
    cells = {f: texts[i] if i < len(texts) else "" for f, i in columns.items()}
    if not any(cells.values()):
        return None  # only columns we do not read are filled, such as a pre-numbered 序号 of an empty line
    if _is_footer(filled, cells) or cells["name"].startswith(EXAMPLE_PREFIX):
        return None
    # A header repeated further down (printed rosters repeat it on every page).
    if header_key(cells["name"]) == header_key(COLUMN_HEADERS["name"]):
        return None
    return SheetRow(number, cells)


def _is_footer(filled: list[str], cells: dict[str, str]) -> bool:
    if not FOOTER_LINE.match(filled[0]):
        return False
    return len(filled) < 2 or not (cells["village"] or cells["primary_sector"])


# -- names to rows of the township ------------------------------------------------------------------


def _name_key(text: str) -> str:
    # Full-width brackets and stray spaces differ between what was typed and what is stored.
    return "".join(unicodedata.normalize("NFKC", text).split())


_COMMITTEE_SUFFIXES = (("村民委员会", "村"), ("村委会", "村"), ("居民委员会", ""), ("居委会", ""))


def _village_key(text: str) -> str:
    key = _name_key(text)
    for suffix, replacement in _COMMITTEE_SUFFIXES:
        if key.endswith(suffix):
            return key.removesuffix(suffix) + replacement
    return key


class Names:
    """Village and sector names of one township, as the roster writes them, to primary keys."""

    def __init__(self, township: Township) -> None:
        self.township = township
        villages = list(Village.objects.filter(township=township, is_active=True).values_list("name", "pk"))
        self.villages = {_name_key(name): pk for name, pk in villages}
        for name, pk in villages:
            # "刘圩" for 刘圩村, unless another village is called just that.
            self.villages.setdefault(_name_key(name).removesuffix("村"), pk)
        sectors = Sector.objects.filter(township=township, is_active=True).values_list("name", "pk")
        self.sectors = {_name_key(name): pk for name, pk in sectors}

    def village(self, text: str) -> int | None:
        key = _village_key(text)
        return self.villages.get(key, self.villages.get(key.removesuffix("村")))

    def sector(self, text: str) -> int | None:
        return self.sectors.get(_name_key(text))


def split_sectors(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        depth += (ch in _OPEN) - (ch in _CLOSE)
        if ch in _SECTOR_SEPARATORS and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


# -- cells to form values -----------------------------------------------------------------------------


class CellError(Exception):
    """A cell that cannot be used; `field` names its column when the caller does not know it."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def parse_bool(text: str) -> bool:
    value = text.strip().upper()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError(_("Enter 是 or 否 (or leave the cell empty), not “%(value)s”.") % {"value": text})


def parse_grade(text: str) -> str:
    grade = _GRADES.get(_name_key(text))
    if grade is None:
        raise CellError(
            _("Enter 一级, 二级, 三级 or 小微, or leave the cell empty; “%(value)s” is not a grade.") % {"value": text}
        )
    return str(grade)


def _village(text: str, names: Names) -> int | str:
    if not text:
        return ""  # the form reports the missing required value
    pk = names.village(text)
    if pk is None:
        raise CellError(
            _("There is no village “%(value)s” in %(township)s; the template lists the valid names.")
            % {"value": text, "township": names.township.name}
        )
    return pk


def _sector(text: str, names: Names) -> int | str:
    if not text:
        return ""
    pk = names.sector(text)
    if pk is None:
        raise CellError(
            _("There is no sector “%(value)s” in %(township)s; the template lists the valid names.")
            % {"value": text, "township": names.township.name}
        )
    return pk


def convert_cell(field_name: str, text: str, names: Names) -> Any:
    """One cell's text as the value the form expects for that field."""
    if field_name in BOOLEAN_FIELDS:
        return parse_bool(text)
    if field_name == "standardisation_grade":
        return parse_grade(text)
    if field_name == "village":
        return _village(text, names)
    if field_name == "primary_sector":
        return _sector(text, names)
    if field_name == "other_sectors":
        whole = names.sector(text)  # a sector whose own name contains a separator
        return [whole] if whole is not None else [_sector(part, names) for part in split_sectors(text)]
    return text


def _convert_row(row: SheetRow, names: Names) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for field_name, text in row.cells.items():
        try:
            values[field_name] = convert_cell(field_name, text, names)
        except CellError as exc:
            errors.append(RowError(row.number, column_label(field_name), exc.message))
    return values, errors


# -- rows to enterprises ------------------------------------------------------------------------------


class Existing:
    """The township's enterprises (active or not), by credit code and by name and village."""

    def __init__(self, township: Township) -> None:
        self.by_code: dict[str, Enterprise] = {}
        self.by_name: dict[tuple[str, int], list[Enterprise]] = {}
        for enterprise in Enterprise.objects.filter(township=township).prefetch_related("other_sectors"):
            if enterprise.credit_code:
                self.by_code[enterprise.credit_code] = enterprise
            self.by_name.setdefault((enterprise.name, enterprise.village_id), []).append(enterprise)

    def match(self, code: str, name: str, village: Any) -> Enterprise | None:
        """The enterprise a row describes: same credit code, else the only one of that name in that village."""
        if code and code in self.by_code:
            return self.by_code[code]
        candidates = self.by_name.get((name, village), []) if isinstance(village, int) else []
        if code:
            # A row with a code may complete an enterprise recorded without one, never replace another code.
            candidates = [e for e in candidates if not e.credit_code]
        if len(candidates) > 1:
            raise CellError(
                _(
                    "Several enterprises named “%(name)s” are registered in this village;"
                    " enter the credit code to say which one is meant."
                )
                % {"name": name},
                "name",
            )
        return candidates[0] if candidates else None


def _current_values(instance: Enterprise) -> dict[str, Any]:
    # Columns the file leaves out keep what is recorded instead of being emptied.
    data = model_to_dict(instance, fields=FORM_FIELDS)
    data["other_sectors"] = [s.pk for s in data.get("other_sectors") or []]
    data["credit_code"] = data.get("credit_code") or ""
    return data


@dataclass
class Plan:
    row: int
    form: EnterpriseForm
    created: bool


@dataclass
class Planner:
    """Validates the rows one by one and remembers what earlier rows of the same file claimed."""

    township: Township
    names: Names
    existing: Existing
    codes: dict[str, int] = field(default_factory=dict)
    targets: dict[int, int] = field(default_factory=dict)
    name_rows: dict[tuple[str, Any], tuple[int, bool]] = field(default_factory=dict)

    def plan(self, row: SheetRow) -> tuple[Plan | None, list[RowError]]:
        values, errors = _convert_row(row, self.names)
        code = normalise_credit_code(values.get("credit_code"))
        try:
            instance = self.existing.match(code, values.get("name", ""), values.get("village"))
            self._claim(row.number, code, values, instance)
        except CellError as exc:
            return None, [*errors, RowError(row.number, column_label(exc.field), exc.message)]
        form = self._bind(values, instance)
        # A cell already reported (an unknown village) would only be reported again as "required".
        reported = set(row.cells) - set(values)
        errors += [
            RowError(row.number, column_label(f), str(message))
            for f, messages in form.errors.items()
            if f not in reported
            for message in messages
        ]
        return (None if errors else Plan(row.number, form, instance is None)), errors

    def _claim(self, number: int, code: str, values: dict[str, Any], instance: Enterprise | None) -> None:
        """Two rows of one file must not describe the same enterprise."""
        if code and code in self.codes:
            raise CellError(
                _("The credit code %(code)s already appears in row %(row)d of this file.")
                % {"code": code, "row": self.codes[code]},
                "credit_code",
            )
        if instance is not None and instance.pk in self.targets:
            raise CellError(
                _("Row %(row)d of this file already describes the same enterprise.")
                % {"row": self.targets[instance.pk]},
                "name",
            )
        key = (values.get("name", ""), values.get("village"))
        earlier = self.name_rows.get(key)
        if earlier is not None and key[0] and not (code and earlier[1]):
            raise CellError(
                _(
                    "Row %(row)d of this file has the same name and village."
                    " Enter the credit codes if these are different enterprises."
                )
                % {"row": earlier[0]},
                "name",
            )
        if code:
            self.codes[code] = number
        if instance is not None:
            self.targets[instance.pk] = number
        self.name_rows.setdefault(key, (number, bool(code)))

    def _bind(self, values: dict[str, Any], instance: Enterprise | None) -> EnterpriseForm:
        data = _current_values(instance) if instance is not None else {}
        if instance is not None and not values.get("credit_code"):
            # A blank cell never erases a recorded credit code: it is how re-imports find the enterprise.
            values = {**values, "credit_code": data["credit_code"]}
        data.update(values)
        form = EnterpriseForm(data, instance=instance, township_id=self.township.pk)
        form.is_valid()
        return form


# -- the service --------------------------------------------------------------------------------------


def _plan_all(township: Township, rows: Iterable[SheetRow]) -> tuple[list[Plan], list[RowError]]:
    planner = Planner(township, Names(township), Existing(township))
    plans: list[Plan] = []
    errors: list[RowError] = []
    for row in rows:
        plan, row_errors = planner.plan(row)
        errors += row_errors
        if plan is not None:
            plans.append(plan)
        if len(errors) >= MAX_ERRORS:
            # A file wrong throughout (a shifted column) would otherwise list thousands of lines.
            more = _("Only the first %(n)d problems are listed; please correct them and upload the file again.")
            errors.append(RowError(0, "", more % {"n": len(errors)}))
            break
    return plans, errors


def _save(plan: Plan, township: Township, actor: User | None) -> bool:
    """Write one validated row; False when an existing enterprise had nothing to change."""
    form = plan.form
    if not plan.created and not form.has_changed():
        return False
    instance = form.instance
    if plan.created:
        instance.township_id = township.pk
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = _("Imported from Excel")  # type: ignore[attr-defined]
    form.save()
    return True


def _count(plans: list[Plan]) -> ImportResult:
    created = sum(1 for p in plans if p.created)
    changed = sum(1 for p in plans if not p.created and p.form.has_changed())
    return ImportResult(created=created, updated=changed, unchanged=len(plans) - created - changed)


def _run(township: Township, rows: list[SheetRow], actor: User | None, dry_run: bool) -> ImportResult:
    plans, errors = _plan_all(township, rows)
    if errors:
        return ImportResult(errors=errors)
    result = _count(plans)
    if not dry_run:
        for plan in plans:
            _save(plan, township, actor)
    return result


def enterprise_import(
    *, township: Township, file: IO[bytes], actor: User | None, dry_run: bool = False
) -> ImportResult:
    """Create and update the township's enterprises from an Excel roster; any error and nothing is written."""
    try:
        rows = read_enterprise_rows(file)
    except ImportFileError as exc:
        return ImportResult(errors=[RowError(0, "", exc.message)])
    if not rows:
        return ImportResult(errors=[RowError(0, "", _("The file contains no enterprise rows below the header row."))])
    try:
        # Validation runs inside the transaction too, so the checks and the writes see the same data.
        with transaction.atomic():
            return _run(township, rows, actor, dry_run)
    except IntegrityError:
        message = _("Another user changed the enterprises at the same time. Nothing was imported; please try again.")
        return ImportResult(errors=[RowError(0, "", message)])


# -- the template -------------------------------------------------------------------------------------

_WIDTHS = {"name": 32, "credit_code": 22, "address": 30, "other_sectors": 22, "primary_sector": 16, "village": 12}
_NOTES = {
    "name": "必填。营业执照或场所的名称。",
    "credit_code": "18位统一社会信用代码；无营业执照的小场所、自建房可不填。再次导入时按此代码更新已有企业。",
    "village": "必填。须为本镇的村（社区）名称，见右侧“可选的村”。",
    "primary_sector": "必填。须为右侧“可选的行业领域”之一，决定牵头部门。",
    "other_sectors": "选填，可填多个，用顿号“、”、逗号、分号或空格分隔；名称见右侧“可选的行业领域”。",
    "address": "生产经营地址。",
    "standardisation_grade": "一级、二级、三级、小微，未定级留空。",
}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _note(field_name: str, header: str) -> str:
    if field_name in _NOTES:
        return _NOTES[field_name]
    if field_name in BOOLEAN_FIELDS:
        return "填“是”或“否”，留空视为“否”。"
    if field_name in PHONE_FIELDS:
        return "手机或固定电话；建议将该列设为文本格式。"
    return "选填。"


def _example_row(township: Township, villages: list[str], sectors: list[str]) -> list[str]:
    example = {
        "name": f"{EXAMPLE_PREFIX}：某某建材有限公司（以“示例”开头的行不会导入）",
        "credit_code": make_credit_code("91341324MA2T5L8R1"),
        "village": villages[0] if villages else "某某村",
        "primary_sector": sectors[0] if sectors else "工贸",
        "other_sectors": "、".join(sectors[1:3]),
        "address": f"{township.name}某某路8号",
        "principal_name": "张三",
        "principal_phone": "13800000000",
        "safety_manager_name": "李四",
        "safety_manager_phone": "13900000000",
        "standardisation_grade": "小微",
    }
    return [example.get(f, "否" if f in BOOLEAN_FIELDS else "") for f, _h in ENTERPRISE_COLUMNS]


def _write_data_sheet(sheet: Worksheet, township: Township, villages: list[str], sectors: list[str]) -> None:
    last = get_column_letter(len(ENTERPRISE_COLUMNS))
    sheet.append([f"{township.name}{TEMPLATE_TITLE}"])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.row_dimensions[1].height = 28
    sheet.append([header for _f, header in ENTERPRISE_COLUMNS])
    sheet.append([safe_cell(v) for v in _example_row(township, villages, sectors)])
    for index, (field_name, _header) in enumerate(ENTERPRISE_COLUMNS, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=2, column=index)
        head.font = Font(bold=True, color="C00000" if field_name in REQUIRED_COLUMNS else "000000")
        head.fill = _HEADER_FILL
        head.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.cell(row=3, column=index).font = Font(italic=True, color="808080")
        sheet.column_dimensions[letter].width = _WIDTHS.get(field_name, 14)
        if field_name == "credit_code" or field_name in PHONE_FIELDS:
            # Text format keeps long numbers from turning into 1.38E+10 as they are typed.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.row_dimensions[2].height = 32
    sheet.freeze_panes = "B3"


def _validation(sheet: Worksheet, formula: str, fields: Iterable[str], *, strict: bool) -> None:
    """A drop-down list on the data rows of these columns; village and sector only warn, since names change."""
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    rule.errorStyle = "stop" if strict else "warning"
    rule.error = "请从下拉列表中选择，或参见“填写说明”工作表。"
    sheet.add_data_validation(rule)
    for index, (field_name, _header) in enumerate(ENTERPRISE_COLUMNS, start=1):
        if field_name in fields:
            column = get_column_letter(index)
            rule.add(f"{column}3:{column}{MAX_ROWS + 2}")


def _add_validations(sheet: Worksheet, villages: list[str], sectors: list[str]) -> None:
    _validation(sheet, '"是,否"', BOOLEAN_FIELDS, strict=True)
    _validation(sheet, '"一级,二级,三级,小微"', ["standardisation_grade"], strict=True)
    if villages:
        _validation(sheet, f"'{NOTES_SHEET}'!$E$2:$E${len(villages) + 1}", ["village"], strict=False)
    if sectors:
        _validation(sheet, f"'{NOTES_SHEET}'!$F$2:$F${len(sectors) + 1}", ["primary_sector"], strict=False)


_GENERAL_NOTES = (
    "1. 第1行为标题，第2行为表头，请勿修改表头文字；从第3行起每行填写一家企业（场所）。",
    "2. 带 * 的列必须填写；“是/否”列留空视为“否”。",
    "3. 有统一社会信用代码的企业，再次导入时按代码更新原有信息，不会重复登记；没有代码的，按“企业名称＋所属村”更新。",
    "4. 只要有一行有误，整个文件都不会导入；请按页面上列出的行号和列名修改后重新上传。",
    f"5. 每次最多导入 {MAX_ROWS} 行，文件不超过 {MAX_BYTES // 2**20} MB。",
)


def _write_notes_sheet(sheet: Worksheet, villages: list[str], sectors: list[str]) -> None:
    sheet.append(["列名", "是否必填", "填写说明", "", "可选的村", "可选的行业领域"])
    notes = [[h.rstrip("*"), "是" if f in REQUIRED_COLUMNS else "否", _note(f, h)] for f, h in ENTERPRISE_COLUMNS]
    for row in [*notes, [], *[[line] for line in _GENERAL_NOTES]]:
        sheet.append(row)
    for offset, name in enumerate(villages, start=2):
        sheet.cell(row=offset, column=5, value=safe_cell(name))
    for offset, name in enumerate(sectors, start=2):
        sheet.cell(row=offset, column=6, value=safe_cell(name))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for letter, width in zip("ABCDEF", (22, 10, 70, 3, 16, 26), strict=True):
        sheet.column_dimensions[letter].width = width


def build_enterprise_template(township: Township) -> bytes:
    """The .xlsx people fill in: a title row, the header row, one example row, and a sheet of notes."""
    villages = list(Village.objects.filter(township=township, is_active=True).values_list("name", flat=True))
    sectors = list(Sector.objects.filter(township=township, is_active=True).values_list("name", flat=True))
    workbook = Workbook()
    data_sheet = workbook.active
    assert isinstance(data_sheet, Worksheet)  # noqa: S101 - a new workbook always has one sheet
    data_sheet.title = DATA_SHEET
    _write_data_sheet(data_sheet, township, villages, sectors)
    _add_validations(data_sheet, villages, sectors)
    _write_notes_sheet(workbook.create_sheet(NOTES_SHEET), villages, sectors)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
