"""Enterprise import from Excel: the county's roster format in, enterprises created or updated, all or nothing.

Every row goes through `EnterpriseForm`, so the credit-code rules, required fields and the
duplicate check are exactly those of the web form. Column headers are the county's Chinese
column names (a data format, not UI text), so they are literal strings here.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import IO, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .credit_code import normalise_credit_code
from .excel import MissingHeadersError, cell_text, header_index, header_key, name_key
from .forms import EnterpriseForm
from .models import Enterprise, Sector, Township, User, Village
from .phones import normalise_phone

ENTERPRISE_COLUMNS: list[tuple[str, str]] = [
    ("name", "企业名称*"),
    ("credit_code", "统一社会信用代码"),
    ("village", "所属村*"),
    ("primary_sector", "主行业领域*"),
    ("other_sectors", "其他行业领域"),
    ("address", "地址"),
    ("contact_phone", "联系电话"),
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
    ("contact_phone", "联系方式"),
    ("principal_name", "负责人"),
    ("principal_phone", "负责人电话"),
    ("principal_phone", "主要负责人联系电话"),
    ("principal_phone", "负责人联系电话"),
]
# Columns that only number the lines: read by nobody, and not worth a warning.
NUMBERING_HEADERS = frozenset({"序号", "编号", "序"})
COLUMN_HEADERS = dict(ENTERPRISE_COLUMNS)
REQUIRED_COLUMNS = ("name", "village", "primary_sector")
BOOLEAN_FIELDS = frozenset(f for f, header in ENTERPRISE_COLUMNS if header.endswith("(是/否)"))
PHONE_FIELDS = frozenset(f for f, _header in ENTERPRISE_COLUMNS if f.endswith("_phone"))
# The columns are the web form's fields, in the form's order.
FORM_FIELDS = [f for f, _header in ENTERPRISE_COLUMNS]
# Fields of the web form the roster has no column for: a re-import keeps what is recorded.
KEPT_FIELDS = [f for f in EnterpriseForm.Meta.fields if f not in COLUMN_HEADERS]

TEMPLATE_TITLE = "企业（场所）信息导入模板"
DATA_SHEET = "企业（场所）信息"
NOTES_SHEET = "填写说明"
TEMPLATE_FILENAME = "企业（场所）信息导入模板.xlsx"
EXAMPLE_PREFIX = "示例"

T = TypeVar("T")

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


@dataclass(frozen=True)
class IgnoredColumn:
    """A column of the file that is not imported, so the check result can say so instead of dropping it silently."""

    letter: str  # the Excel column letter, "M"
    header: str  # as the file writes it
    same_as: str = ""  # when another column of the file is read for the same field: that column's header


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0  # matched an existing enterprise whose data were already the same
    ignored_columns: list[IgnoredColumn] = field(default_factory=list)

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


@dataclass
class Roster:
    rows: list[SheetRow]
    ignored_columns: list[IgnoredColumn]


def ignored_columns(
    header: Sequence[Any], columns: dict[str, int], expected: Sequence[tuple[str, str]]
) -> list[IgnoredColumn]:
    """The header row's filled cells that no field is read from, numbering columns aside.

    `columns` are the fields found by `header_index` in this row, `expected` the (field, header) pairs it looked for.
    """
    fields = {header_key(header_text): field_name for field_name, header_text in expected}
    texts = [cell_text(value) for value in header]
    read = set(columns.values())
    ignored: list[IgnoredColumn] = []
    for index, text in enumerate(texts):
        if not text or index in read or header_key(text) in NUMBERING_HEADERS:
            continue
        # A second column for a field already read ("企业名称" and "单位名称"): only the first one is read.
        first = columns.get(fields.get(header_key(text), ""))
        same_as = texts[first] if first is not None else ""
        ignored.append(IgnoredColumn(get_column_letter(index + 1), text, same_as))
    return ignored


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


def read_workbook_rows(file: IO[bytes], sheet_rows: Callable[[Any], T]) -> T:
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


def _first_sheet_rows(sheets: Sequence[Any], sheet_rows: Callable[[Any], T]) -> T:
    """The rows of the first sheet with the header row: people move the notes sheet to the front, too."""
    first_error: HeaderNotFoundError | None = None
    for sheet in sheets:
        try:
            return sheet_rows(sheet)
        except HeaderNotFoundError as exc:
            first_error = first_error or exc
    raise first_error or HeaderNotFoundError(_("The workbook contains no worksheet."))


def read_enterprise_rows(file: IO[bytes]) -> Roster:
    """The data rows of the first sheet, below its header row, without blank, footer and example rows."""
    return read_workbook_rows(file, _sheet_rows)


def _roster_columns(columns: dict[str, int]) -> dict[str, int]:
    """联系电话 beside 主要负责人电话 is the enterprise's own number; alone, it is the principal's, as most rosters
    have only the one number and it is the principal who is notified (§18)."""
    if "contact_phone" in columns and "principal_phone" not in columns:
        columns = {**columns}
        columns["principal_phone"] = columns.pop("contact_phone")
    return columns


def _sheet_rows(sheet: Any) -> Roster:
    # Files written by some tools state wrong dimensions, which would cut rows off in read-only mode.
    sheet.reset_dimensions()
    values = sheet.iter_rows(values_only=True)
    head = list(islice(values, HEADER_SCAN))
    expected = [*ENTERPRISE_COLUMNS, *HEADER_ALIASES]
    try:
        header_row, columns = header_index(head, expected, HEADER_SCAN, required=REQUIRED_COLUMNS)
    except MissingHeadersError as exc:
        raise HeaderNotFoundError(
            _(
                "The header row was not found: the columns %(columns)s are missing."
                " Please download the import template and keep its header row."
            )
            % {"columns": "、".join(h.rstrip("*") for h in exc.missing)}
        ) from exc
    ignored = ignored_columns(head[header_row - 1], columns, expected)
    columns = _roster_columns(columns)
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
    return Roster(rows, ignored)


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


_COMMITTEE_SUFFIXES = (("村民委员会", "村"), ("村委会", "村"), ("居民委员会", ""), ("居委会", ""))


def _village_key(text: str) -> str:
    key = name_key(text)
    for suffix, replacement in _COMMITTEE_SUFFIXES:
        if key.endswith(suffix):
            return key.removesuffix(suffix) + replacement
    return key


class Names:
    """Village and sector names of one township, as the roster writes them, to primary keys."""

    def __init__(self, township: Township) -> None:
        self.township = township
        villages = list(Village.objects.filter(township=township, is_active=True).values_list("name", "pk"))
        self.villages = {name_key(name): pk for name, pk in villages}
        for name, pk in villages:
            # "刘圩" for 刘圩村, unless another village is called just that.
            self.villages.setdefault(name_key(name).removesuffix("村"), pk)
        sectors = list(Sector.objects.filter(township=township, is_active=True).values_list("name", "aliases", "pk"))
        self.sector_names = [name for name, _aliases, _pk in sectors]
        self.sectors = {name_key(name): pk for name, _aliases, pk in sectors}
        for _name, aliases, pk in sectors:
            # The office's other names for a sector (Sector.aliases); a sector's own name always wins.
            for alias in aliases.splitlines():
                if name_key(alias):
                    self.sectors.setdefault(name_key(alias), pk)

    def village(self, text: str) -> int | None:
        key = _village_key(text)
        return self.villages.get(key, self.villages.get(key.removesuffix("村")))

    def sector(self, text: str) -> int | None:
        return self.sectors.get(name_key(text))


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
    grade = _GRADES.get(name_key(text))
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


def unknown_sector(text: str, names: Names) -> CellError:
    return CellError(
        _(
            "There is no sector “%(value)s” in %(township)s. The sectors are: %(names)s. If this is another name of"
            " one of them, the office can add it to that sector's other names."
        )
        % {"value": text, "township": names.township.name, "names": "、".join(names.sector_names)}
    )


def _sector(text: str, names: Names) -> int | str:
    if not text:
        return ""
    pk = names.sector(text)
    if pk is None:
        raise unknown_sector(text, names)
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
            self.by_name.setdefault((name_key(enterprise.name), enterprise.village_id), []).append(enterprise)

    def match(self, code: str, name: str, village: Any) -> Enterprise | None:
        """The enterprise a row describes: same credit code, else the only one of that name in that village."""
        if code and code in self.by_code:
            return self.by_code[code]
        candidates = self.by_name.get((name_key(name), village), []) if isinstance(village, int) else []
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
    # Columns the file leaves out (and fields it has no column for, KEPT_FIELDS) keep what is recorded.
    data = model_to_dict(instance, fields=EnterpriseForm.Meta.fields)
    data["other_sectors"] = [s.pk for s in data.get("other_sectors") or []]
    data["credit_code"] = data.get("credit_code") or ""
    return data


def _same(field_name: str, recorded: Any, given: Any) -> bool:
    """Whether a cell says what is recorded, written another way (lower-case code, full-width brackets, spaces)."""
    if not isinstance(recorded, str) or not isinstance(given, str):
        return False
    if field_name == "credit_code":
        return normalise_credit_code(recorded) == normalise_credit_code(given)
    if field_name in PHONE_FIELDS:
        try:
            return normalise_phone(given) == normalise_phone(recorded)
        except ValidationError:
            return False  # the form reports the cell
    return name_key(recorded) == name_key(given)


def _recorded_spelling(values: dict[str, Any], recorded: dict[str, Any]) -> dict[str, Any]:
    """The cells, with those that say what is recorded replaced by the recorded value, so they change nothing."""
    return {f: recorded[f] if f in recorded and _same(f, recorded[f], v) else v for f, v in values.items()}


def _plain(value: Any) -> Any:
    return "" if value is None else value


def _changes(form: EnterpriseForm, recorded: dict[str, Any]) -> list[str]:
    """The fields a validated row would change, compared as stored (after the form's cleaning)."""
    after = model_to_dict(form.instance, fields=[f for f in EnterpriseForm.Meta.fields if f != "other_sectors"])
    changed = [f for f, value in after.items() if _plain(value) != _plain(recorded.get(f))]
    # The form drops the primary sector from the further ones, so compare what would be stored.
    others = {s.pk for s in form.cleaned_data.get("other_sectors") or []}
    if others != set(recorded.get("other_sectors") or []):
        changed.append("other_sectors")
    return changed


@dataclass
class Plan:
    row: int
    form: EnterpriseForm
    created: bool
    changed: bool = True  # False: an existing enterprise the row leaves exactly as it is


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
        recorded = _current_values(instance) if instance is not None else {}
        form = self._bind(values, instance, recorded)
        errors += self._form_errors(row, set(values), form)
        if errors:
            return None, errors
        changed = instance is None or bool(_changes(form, recorded))
        return Plan(row.number, form, instance is None, changed), []

    @staticmethod
    def _form_errors(row: SheetRow, converted: set[str], form: EnterpriseForm) -> list[RowError]:
        errors: list[RowError] = []
        for f, messages in form.errors.items():
            if f in row.cells and f not in converted:
                continue  # a cell already reported (an unknown village) would only be reported again as "required"
            for message in messages:
                text = str(message)
                if f in COLUMN_HEADERS and f not in row.cells:
                    # The file has no such column: it is the recorded value that is wrong, and the file cannot fix it.
                    text = _("The recorded value is not valid: %(message)s Please correct it on the enterprise's page.")
                    text %= {"message": message}
                errors.append(RowError(row.number, column_label(f), text))
        return errors

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
        key = (name_key(values.get("name", "")), values.get("village"))
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

    def _bind(self, values: dict[str, Any], instance: Enterprise | None, recorded: dict[str, Any]) -> EnterpriseForm:
        data = {**recorded}
        if instance is not None and not values.get("credit_code"):
            # A blank cell never erases a recorded credit code: it is how re-imports find the enterprise.
            values = {**values, "credit_code": recorded["credit_code"]}
        data.update(_recorded_spelling(values, recorded))
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
    if not plan.changed:
        return False  # saving would write a history row that records no change
    instance = form.instance
    if plan.created:
        instance.township_id = township.pk
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = _("Imported from Excel")  # type: ignore[attr-defined]
    form.save()
    return True


def _count(plans: list[Plan]) -> ImportResult:
    created = sum(1 for p in plans if p.created)
    changed = sum(1 for p in plans if not p.created and p.changed)
    return ImportResult(created=created, updated=changed, unchanged=len(plans) - created - changed)


def _run(township: Township, roster: Roster, actor: User | None, dry_run: bool) -> ImportResult:
    plans, errors = _plan_all(township, roster.rows)
    if errors:
        return ImportResult(errors=errors, ignored_columns=roster.ignored_columns)
    result = _count(plans)
    result.ignored_columns = roster.ignored_columns
    if not dry_run:
        for plan in plans:
            _save(plan, township, actor)
    return result


def enterprise_import(
    *, township: Township, file: IO[bytes], actor: User | None, dry_run: bool = False
) -> ImportResult:
    """Create and update the township's enterprises from an Excel roster; any error and nothing is written."""
    try:
        roster = read_enterprise_rows(file)
    except ImportFileError as exc:
        return ImportResult(errors=[RowError(0, "", exc.message)])
    if not roster.rows:
        message = _("The file contains no enterprise rows below the header row.")
        return ImportResult(errors=[RowError(0, "", message)], ignored_columns=roster.ignored_columns)
    try:
        # Validation runs inside the transaction too, so the checks and the writes see the same data.
        with transaction.atomic():
            return _run(township, roster, actor, dry_run)
    except IntegrityError:
        message = _("Another user changed the enterprises at the same time. Nothing was imported; please try again.")
        return ImportResult(errors=[RowError(0, "", message)])
