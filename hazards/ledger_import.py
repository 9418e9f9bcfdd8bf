"""Import of an existing ledger: the county's monthly major-hazard detail sheet in, major hazards out, all or nothing.

The file is read the way the enterprise import reads rosters (units.importers: size and zip-bomb checks, a title
row above the header, blank, footer and example lines skipped, numbers stored as text, formulas taken as their
text) and reports problems the same way: one RowError per row and column, nothing written while any remains.
Column headers and the coded values (检查方式, 是/否) are the county's data format, so they are literal Chinese.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from simple_history.utils import bulk_create_with_history

from core.dates import local_today
from units.credit_code import normalise_credit_code, validate_credit_code
from units.excel import MissingHeadersError, cell_text, header_index, header_key, safe_cell, strip_control
from units.importers import (
    FOOTER_LINE,
    MAX_BYTES,
    MAX_ERRORS,
    MAX_ROWS,
    CellError,
    HeaderNotFoundError,
    ImportFileError,
    ImportResult,
    Names,
    Roster,
    RowError,
    SheetRow,
    ignored_columns,
    parse_bool,
    read_workbook_rows,
    unknown_sector,
)
from units.models import Enterprise, Sector, Township, User, Village

from .models import Channel, Hazard, HazardEvent, HazardType, Level, Status

LEDGER_COLUMNS: list[tuple[str, str]] = [
    ("reporting_unit", "上报单位"),
    ("sector", "行业领域"),
    ("enterprise_name", "企业名称"),
    ("credit_code", "统一社会信用代码"),
    ("village", "属地"),
    ("description", "隐患描述*"),
    ("location", "隐患位置"),
    ("method", "检查方式*"),
    ("inspector", "检查人"),
    ("found_on", "检查时间*"),
    ("basis", "判定依据"),
    ("clause", "违反条款"),
    ("rectified", "是否整改*"),
    ("completed_on", "整改完成时间"),
    ("responsible_person", "整改责任人"),
    ("measures", "整改措施"),
    ("remark", "备注"),
    # §7 / GB 35181: a 重大火灾隐患 with the fire-rescue authority's judgement (optional; the rows are major anyway).
    ("is_major_fire", "重大火灾隐患"),
    ("fire_judged_by", "火灾隐患判定机构"),
    ("fire_judgement_document", "判定文书号"),
    ("fire_judged_on", "判定日期"),
]
# Other names the same columns have in sheets kept before this template.
HEADER_ALIASES: list[tuple[str, str]] = [
    ("enterprise_name", "企业（场所）名称"),
    ("enterprise_name", "单位名称"),
    ("credit_code", "社会信用代码"),
    ("credit_code", "信用代码"),
    ("village", "所属村"),
    ("found_on", "检查日期"),
    ("found_on", "发现日期"),
    ("completed_on", "整改完成日期"),
    ("completed_on", "完成时间"),
    ("rectified", "是否整改完成"),
    ("rectified", "是否已整改"),
    ("measures", "整改措施及进展"),
]
EXPECTED_HEADERS = [*LEDGER_COLUMNS, *HEADER_ALIASES]
COLUMN_HEADERS = dict(LEDGER_COLUMNS)
REQUIRED_COLUMNS = ("description", "method", "found_on", "rectified")

# 检查方式 → source channel (§18: every channel is gathered in one database).
METHODS: dict[str, Channel] = {
    "企业自查": Channel.SELF_REPORT,
    "督导检查": Channel.SUPERVISION,
    "部门检查": Channel.DEPARTMENT,
    "专项检查": Channel.DEPARTMENT,
    "执法检查": Channel.ENFORCEMENT,
    "双随机": Channel.ENFORCEMENT,
    "四不两直": Channel.ENFORCEMENT,
    "群众举报": Channel.PUBLIC,
    "上级交办": Channel.ASSIGNED,
}
CHANNEL_NAMES = {
    Channel.SELF_REPORT: "企业自查上报",
    Channel.SUPERVISION: "督导检查发现",
    Channel.DEPARTMENT: "部门检查发现",
    Channel.ENFORCEMENT: "执法检查发现",
    Channel.PUBLIC: "群众举报查实",
    Channel.ASSIGNED: "上级交办",
}
# The sector decides the special-treatment area (§7–§14); a renamed sector is found by its reference key.
SECTOR_TYPES: dict[str, HazardType] = {
    "消防": HazardType.FIRE,
    "液化气": HazardType.GAS,
    "燃气": HazardType.GAS,
    "危化品": HazardType.HAZCHEM,
    "危险化学品": HazardType.HAZCHEM,
    "道路交通": HazardType.ROAD,
    "道路运输": HazardType.ROAD,
    "建筑施工": HazardType.CONSTRUCTION,
    "工贸": HazardType.INDUSTRY,
    "烟花爆竹": HazardType.FIREWORKS,
}
# Words people write in 是否整改 besides 是/否.
_RECTIFIED_WORDS = {"已整改": "是", "整改完成": "是", "已完成": "是", "未整改": "否", "整改中": "否", "未完成": "否"}

TEMPLATE_FILENAME = "重大事故隐患台账导入模板.xlsx"
DATA_SHEET = "重大事故隐患明细"
NOTES_SHEET = "填写说明"
EXAMPLE_PREFIX = "示例"
HEADER_SCAN = 10
TITLE_LENGTH = 40
BULK_BATCH = 1000

_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?(?:[\sT]+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# A date cell pasted as a plain number is Excel's day number, with the time of day as its fraction (45352.5 is
# 2024-03-01 12:00). Excel's own calendar ends with day 2958465 (9999-12-31).
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_LAST_SERIAL = 2958465
# A ledger of the three-year action (2024–2026) and its permanent follow-up holds no date outside these years;
# anything else is a typing slip (0001-01-01 from an empty date, 2150 for 2015) that would distort every statistic.
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


@dataclass
class LedgerImportResult(ImportResult):
    enterprises_created: int = 0


def column_label(field_name: str) -> str:
    return COLUMN_HEADERS.get(field_name, "").rstrip("*")


# -- reading the workbook ---------------------------------------------------------------------------------


def read_ledger_rows(file: IO[bytes]) -> Roster:
    """The data rows of the first sheet with the ledger's header row, without blank, footer and example rows."""
    return read_workbook_rows(file, _sheet_rows)


def _header(head: list[Sequence[Any]]) -> tuple[int, dict[str, int]]:
    try:
        return header_index(head, EXPECTED_HEADERS, HEADER_SCAN, required=REQUIRED_COLUMNS)
    except MissingHeadersError as exc:
        raise HeaderNotFoundError(
            _(
                "The header row was not found: the columns %(columns)s are missing."
                " Please download the import template and keep its header row."
            )
            % {"columns": "、".join(h.rstrip("*") for h in exc.missing)}
        ) from exc


def _sheet_rows(sheet: Any) -> Roster:
    sheet.reset_dimensions()  # some tools state wrong dimensions, which would cut rows off in read-only mode
    values = sheet.iter_rows(values_only=True)
    head = list(islice(values, HEADER_SCAN))
    header_row, columns = _header(head)
    rows: list[SheetRow] = []
    for number, raw in enumerate(chain(head[header_row:], values), start=header_row + 1):
        row = _data_row(number, raw, columns)
        if row is None:
            continue
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)d hazard rows. Please split it into smaller files.") % {"max": MAX_ROWS}
            )
    return Roster(rows, ignored_columns(head[header_row - 1], columns, EXPECTED_HEADERS))


def _data_row(number: int, raw: Sequence[Any], columns: dict[str, int]) -> SheetRow | None:
    """The row's cells by field, or None for a row that holds no hazard."""
    texts = [cell_text(v) for v in raw]
    filled = [t for t in texts if t]
    if not filled:
        return None
    cells = {f: texts[i] if i < len(texts) else "" for f, i in columns.items()}
    if not any(cells.values()) or filled[0].startswith(EXAMPLE_PREFIX):
        return None
    # Lines under the table ("填报人：…", "合计：12条") carry neither a description nor a date.
    if FOOTER_LINE.match(filled[0]) and not (cells.get("description") and cells.get("found_on")):
        return None
    if header_key(cells.get("description", "")) == header_key(COLUMN_HEADERS["description"]):
        return None  # the header repeated on every printed page
    return SheetRow(number, cells)


# -- cells to values ----------------------------------------------------------------------------------------


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def parse_ledger_date(text: str) -> dt.date | None:
    """A date as ledgers write it: a date or date-time cell, 2024.3.5, 2024-03-05, 2024/3/5, 2024年3月5日, 20240305,
    or Excel's day number (45356, 45352.5 with a time of day). A date before 1990 or after 2100 is refused."""
    value = " ".join(unicodedata.normalize("NFKC", text).split())
    if not value:
        return None
    day = _read_date(value)
    if day is None:
        raise CellError(_("“%(value)s” is not a date; write it as 2024-03-05 or 2024.3.5.") % {"value": text})
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        values = {"value": text, "date": day.isoformat(), "first": EARLIEST_DATE.year, "last": LATEST_DATE.year}
        if value == day.isoformat():
            message = _("The date %(date)s cannot be right: dates lie between %(first)d and %(last)d.")
        else:
            message = _(
                "“%(value)s” is read as %(date)s, which cannot be right: dates lie between %(first)d and %(last)d."
            )
        raise CellError(message % values)
    return day


def _read_date(value: str) -> dt.date | None:
    match = _DATE_TEXT.match(value) or _COMPACT_DATE.match(value)
    try:
        if match:
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if _SERIAL.match(value) and 1 <= float(value) <= _LAST_SERIAL:
            moment = from_excel(float(value))
            return moment.date() if isinstance(moment, dt.datetime) else None
    except (ValueError, OverflowError):
        pass  # 2024.2.30: shaped like a date, but no such day
    return None


def parse_method(text: str) -> Channel:
    key = _key(text)
    for method, channel in METHODS.items():
        # "双随机一公开", "部门检查发现": the value may go on after the word the county uses.
        if key.startswith(method):
            return channel
    if not key:
        raise CellError(_("The inspection method is required."))
    raise CellError(
        _("“%(value)s” is not an inspection method; use one of: %(values)s.")
        % {"value": text, "values": "、".join(METHODS)}
    )


def parse_rectified(text: str) -> bool:
    key = _key(text)
    if not key:
        raise CellError(_("Enter 是 or 否: has the hazard been rectified?"))
    return parse_bool(_RECTIFIED_WORDS.get(key, key))


def hazard_type_for(sector: Sector) -> HazardType:
    for name in (sector.ref_key, sector.name):
        if name and name in SECTOR_TYPES:
            return SECTOR_TYPES[name]
    return HazardType.OTHER


def _at_noon(day: dt.date) -> dt.datetime:
    # A ledger knows the day only; noon in the township's time zone keeps the local date in every report.
    noon = timezone.make_aware(dt.datetime.combine(day, dt.time(12)), timezone.get_default_timezone())
    return min(noon, timezone.now())


# -- the township's records the rows refer to ---------------------------------------------------------------


@dataclass
class NewEnterprise:
    """An enterprise a row creates (create_missing_enterprises); rows naming the same one share it."""

    row: int
    name: str
    credit_code: str
    village_id: int
    sector_id: int
    instance: Enterprise | None = None


EnterpriseRef = Enterprise | NewEnterprise | None


class Lookups:
    """The township's villages, sectors, enterprises and already recorded hazards, loaded once."""

    def __init__(self, township: Township, found_dates: Iterable[dt.date]) -> None:
        self.township = township
        self.names = Names(township)
        self.sectors = {s.pk: s for s in Sector.objects.filter(township=township)}
        enterprises = list(
            Enterprise.objects.filter(township=township).only(
                "pk", "name", "credit_code", "village_id", "primary_sector_id"
            )
        )
        self.by_code = {e.credit_code: e for e in enterprises if e.credit_code}
        self.by_name: dict[str, list[Enterprise]] = {}
        for enterprise in enterprises:
            self.by_name.setdefault(_key(enterprise.name), []).append(enterprise)
        self.existing = self._existing_hazards(set(found_dates))

    def _existing_hazards(self, dates: set[dt.date]) -> dict[tuple[Any, ...], int]:
        rows = Hazard.objects.filter(township=self.township, found_on__in=dates).values_list(
            "pk", "enterprise_id", "village_id", "description", "found_on"
        )
        return {duplicate_key(e, v, d, f): pk for pk, e, v, d, f in rows}

    def village(self, text: str) -> int | None:
        # County sheets write 属地 as "刘圩镇", "刘圩镇大何村" or "大何村": the township name adds nothing.
        text = text.split(self.township.name, 1)[-1].strip()
        if not text:
            return None
        pk = self.names.village(text)
        if pk is None:
            raise CellError(
                _("There is no village “%(value)s” in %(township)s; the template lists the valid names.")
                % {"value": text, "township": self.township.name}
            )
        return pk

    def sector(self, text: str) -> Sector | None:
        if not text:
            return None
        pk = self.names.sector(text)
        if pk is None:
            raise unknown_sector(text, self.names)
        return self.sectors[pk]


def duplicate_key(enterprise: Any, village_id: int | None, description: str, found_on: dt.date) -> tuple[Any, ...]:
    """The same enterprise (or, without one, the same village), the same description and the same found date."""
    place = ("enterprise", enterprise) if enterprise is not None else ("village", village_id)
    return (*place, " ".join(description.split()), found_on)


# -- rows to hazards --------------------------------------------------------------------------------------


@dataclass
class RowPlan:
    row: int
    values: dict[str, Any]
    enterprise: EnterpriseRef
    remark: str


@dataclass
class Planner:
    """Validates the rows one by one and remembers what earlier rows of the same file claimed."""

    lookups: Lookups
    create_missing: bool
    today: dt.date
    new_by_code: dict[str, NewEnterprise] = field(default_factory=dict)
    new_by_name: dict[tuple[str, int], NewEnterprise] = field(default_factory=dict)
    seen: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def plan(self, row: SheetRow) -> tuple[RowPlan | None, list[RowError]]:
        cells = row.cells
        errors: list[RowError] = []

        def attempt(field_name: str, parse: Any, *args: Any) -> Any:
            try:
                return parse(*args)
            except CellError as exc:
                errors.append(RowError(row.number, column_label(exc.field or field_name), exc.message))
                return None

        village_id = attempt("village", self.lookups.village, cells.get("village", ""))
        sector = attempt("sector", self.lookups.sector, cells.get("sector", ""))
        enterprise = attempt("credit_code", self._enterprise, row.number, cells, village_id, sector)
        values = attempt("found_on", self._dates_and_status, cells)
        attempt("description", self._text_fields, cells, values)
        attempt("method", self._channel, cells, values)
        attempt("is_major_fire", self._major_fire, cells, values)
        if errors or values is None:
            return None, errors
        try:
            self._place(values, enterprise, village_id, sector)
            self._claim(row.number, values, enterprise)
        except CellError as exc:
            return None, [RowError(row.number, column_label(exc.field), exc.message)]
        return RowPlan(row.number, values, enterprise, cells.get("remark", "")), []

    # -- the enterprise -----------------------------------------------------------------------------------

    def _enterprise(
        self, number: int, cells: dict[str, str], village_id: int | None, sector: Sector | None
    ) -> EnterpriseRef:
        code = normalise_credit_code(cells.get("credit_code"))
        name = cells.get("enterprise_name", "")
        if code:
            found: EnterpriseRef = self.lookups.by_code.get(code) or self.new_by_code.get(code)
            return found or self._missing(number, code, name, village_id, sector)
        if not name:
            return None  # a road, a self-built house without a licence: the hazard belongs to the village
        matches = [e for e in self.lookups.by_name.get(_key(name), []) if village_id in (None, e.village_id)]
        if len(matches) > 1:
            raise CellError(
                _("Several enterprises are named “%(name)s”; enter the credit code to say which one is meant.")
                % {"name": name},
                "credit_code",
            )
        if matches:
            return matches[0]
        return self.new_by_name.get((_key(name), village_id or 0)) or self._missing(
            number, "", name, village_id, sector
        )

    def _missing(
        self, number: int, code: str, name: str, village_id: int | None, sector: Sector | None
    ) -> NewEnterprise:
        if not self.create_missing:
            what = _("credit code %(code)s") % {"code": code} if code else f"“{name}”"
            raise CellError(
                _(
                    "No enterprise with %(what)s is registered in %(township)s. Register it first, or choose"
                    " “create missing enterprises”."
                )
                % {"what": what, "township": self.lookups.township.name},
                "credit_code" if code else "enterprise_name",
            )
        return self._new_enterprise(number, code, name, village_id, sector)

    def _new_enterprise(
        self, number: int, code: str, name: str, village_id: int | None, sector: Sector | None
    ) -> NewEnterprise:
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as exc:
                raise CellError(" ".join(exc.messages), "credit_code") from exc
            if Enterprise.objects.filter(credit_code=code).exists():
                raise CellError(_("This credit code is registered in another township."), "credit_code")
        for value, column in ((name, "enterprise_name"), (village_id, "village"), (sector, "sector")):
            if not value:
                raise CellError(_("Required to register the missing enterprise."), column)
        if len(name) > (getattr(Enterprise._meta.get_field("name"), "max_length", None) or 100):
            raise CellError(_("The enterprise name is too long."), "enterprise_name")
        assert village_id is not None and sector is not None  # noqa: S101 - checked just above
        new = NewEnterprise(number, name, code, village_id, sector.pk)
        if code:
            self.new_by_code[code] = new
        else:
            self.new_by_name[(_key(name), village_id)] = new
        return new

    # -- the hazard's own fields --------------------------------------------------------------------------

    def _dates_and_status(self, cells: dict[str, str]) -> dict[str, Any]:
        found_on = parse_ledger_date(cells.get("found_on", ""))
        if found_on is None:
            raise CellError(_("The inspection date is required."))
        if found_on > self.today:
            raise CellError(_("The inspection date lies in the future."))
        rectified = self._cell(parse_rectified, "rectified", cells.get("rectified", ""))
        done = self._cell(parse_ledger_date, "completed_on", cells.get("completed_on", ""))
        if done is not None and done < found_on:
            raise CellError(_("The completion date lies before the inspection date."), "completed_on")
        values: dict[str, Any] = {"found_on": found_on, "confirmed_at": _at_noon(found_on)}
        if rectified:
            values.update(self._closed(done))
        elif done is not None:
            # The county sheet has no deadline column: a date on an open hazard is the date it must be done by.
            values.update(status=Status.RECTIFYING, deadline=done)
        else:
            values.update(status=Status.CONFIRMED)
        return values

    def _closed(self, done: dt.date | None) -> dict[str, Any]:
        if done is None:
            raise CellError(_("A rectified hazard needs its completion date."), "completed_on")
        if done > self.today:
            raise CellError(_("The completion date of a rectified hazard cannot lie in the future."), "completed_on")
        closed_at = _at_noon(done)
        return {
            "status": Status.CLOSED,
            "completed_on": done,
            "deadline": done,
            "verified_at": closed_at,
            "closed_at": closed_at,
        }

    @staticmethod
    def _cell(parse: Any, field_name: str, text: str) -> Any:
        try:
            return parse(text)
        except CellError as exc:
            raise CellError(exc.message, field_name) from exc

    def _text_fields(self, cells: dict[str, str], values: dict[str, Any] | None) -> None:
        description = cells.get("description", "")
        if not description:
            raise CellError(_("The hazard description is required."))
        unit, inspector = cells.get("reporting_unit", ""), cells.get("inspector", "")
        # 上报单位 is who found it; the inspectors' names are kept beside it rather than lost.
        found_by = f"{unit}（{inspector}）" if unit and inspector else unit or inspector
        texts = {
            "description": description,
            "title": description[:TITLE_LENGTH],
            "location": cells.get("location", ""),
            "found_by": found_by,
            "basis": cells.get("basis", ""),
            "clause": cells.get("clause", ""),
            "measures": cells.get("measures", ""),
            "responsible_person": cells.get("responsible_person", ""),
        }
        for name, text in texts.items():
            limit = getattr(Hazard._meta.get_field(name), "max_length", None)
            if limit and len(text) > limit:
                column = {"found_by": "reporting_unit"}.get(name, name)
                raise CellError(_("At most %(n)d characters.") % {"n": limit}, column)
        if values is not None:
            values.update(texts)

    def _major_fire(self, cells: dict[str, str], values: dict[str, Any] | None) -> None:
        """重大火灾隐患 (§7, GB 35181): flagged only with the authority and its document; a fire hazard, major."""
        flag = bool(cells.get("is_major_fire")) and parse_bool(cells.get("is_major_fire", ""))
        judged_by, document = cells.get("fire_judged_by", ""), cells.get("fire_judgement_document", "")
        judged_on = self._cell(parse_ledger_date, "fire_judged_on", cells.get("fire_judged_on", ""))
        if not flag:
            if judged_by or document or judged_on:
                raise CellError(_("A fire judgement is given: enter 是 in this column."))
            return
        for text, column in ((judged_by, "fire_judged_by"), (document, "fire_judgement_document")):
            if not text:
                raise CellError(_("Required for a major fire hazard (judged by the fire-rescue authority)."), column)
            if len(text) > 100:
                raise CellError(_("At most %(n)d characters.") % {"n": 100}, column)
        found_on = values.get("found_on") if values else None
        if judged_on is not None and (judged_on > self.today or (found_on and judged_on < found_on)):
            raise CellError(
                _("The date of the fire judgement lies between the inspection date and today."), "fire_judged_on"
            )
        if values is not None:
            values.update(
                is_major_fire=True,
                fire_judged_by=judged_by,
                fire_judgement_document=document,
                fire_judged_on=judged_on,
            )

    def _channel(self, cells: dict[str, str], values: dict[str, Any] | None) -> None:
        channel = parse_method(cells.get("method", ""))
        if values is not None:
            values["channel"] = channel

    # -- where the hazard is, and whether it is known already ---------------------------------------------

    def _place(
        self, values: dict[str, Any], enterprise: EnterpriseRef, village_id: int | None, sector: Sector | None
    ) -> None:
        if village_id is None and enterprise is not None:
            village_id = enterprise.village_id
        if sector is None and isinstance(enterprise, Enterprise):
            sector = self.lookups.sectors.get(enterprise.primary_sector_id)
        elif sector is None and isinstance(enterprise, NewEnterprise):
            sector = self.lookups.sectors.get(enterprise.sector_id)
        if village_id is None:
            raise CellError(_("Enter the village (属地) of a hazard that belongs to no enterprise."), "village")
        if sector is None:
            raise CellError(_("Enter the sector of a hazard that belongs to no enterprise."), "sector")
        values.update(
            village_id=village_id,
            sector_id=sector.pk,
            lead_unit_id=sector.lead_unit_id,
            # A 重大火灾隐患 is a fire hazard whatever the enterprise's sector.
            hazard_type=HazardType.FIRE if values.get("is_major_fire") else hazard_type_for(sector),
        )

    def _claim(self, number: int, values: dict[str, Any], enterprise: EnterpriseRef) -> None:
        ident: Any = enterprise.pk if isinstance(enterprise, Enterprise) else (id(enterprise) if enterprise else None)
        key = duplicate_key(ident, values["village_id"], values["description"], values["found_on"])
        existing = self.lookups.existing.get(key) if not isinstance(enterprise, NewEnterprise) else None
        if existing is not None:
            raise CellError(
                _("This hazard is already in the ledger (id %(id)d): same place, description and date.")
                % {"id": existing},
                "description",
            )
        if key in self.seen:
            raise CellError(
                _("Row %(row)d of this file already holds this hazard (same place, description and date).")
                % {"row": self.seen[key]},
                "description",
            )
        self.seen[key] = number


# -- writing ------------------------------------------------------------------------------------------------


def _plan_all(
    township: Township, rows: list[SheetRow], create_missing: bool
) -> tuple[list[RowPlan], list[RowError], Planner]:
    dates = {d for row in rows for d in [_quiet_date(row.cells.get("found_on", ""))] if d}
    planner = Planner(Lookups(township, dates), create_missing, local_today())
    plans: list[RowPlan] = []
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
    return plans, errors, planner


def _quiet_date(text: str) -> dt.date | None:
    try:
        return parse_ledger_date(text)
    except CellError:
        return None


def _create_enterprises(planner: Planner, township: Township, actor: User | None, reason: str) -> int:
    new = [*planner.new_by_code.values(), *planner.new_by_name.values()]
    for item in new:
        enterprise = Enterprise(
            township=township,
            name=item.name,
            credit_code=item.credit_code or None,
            village_id=item.village_id,
            primary_sector_id=item.sector_id,
        )
        enterprise._history_user = actor  # type: ignore[attr-defined]
        enterprise._change_reason = reason  # type: ignore[attr-defined]
        enterprise.save()
        item.instance = enterprise
    return len(new)


def _hazard(plan: RowPlan, township: Township, actor: User | None) -> Hazard:
    enterprise = plan.enterprise.instance if isinstance(plan.enterprise, NewEnterprise) else plan.enterprise
    return Hazard(
        township=township,
        enterprise=enterprise,
        level=Level.MAJOR,  # the county sheet is the major-hazard detail sheet
        is_imported=True,
        reported_by=actor,
        **plan.values,
    )


def _event_note(filename: str, plan: RowPlan) -> str:
    note = _("Imported from the ledger file “%(file)s”, row %(row)d.") % {"file": filename, "row": plan.row}
    if plan.remark:
        note += " " + _("Remark: %(remark)s") % {"remark": plan.remark}
    return note


def _write(plans: list[RowPlan], planner: Planner, *, township: Township, actor: User | None, filename: str) -> int:
    """Enterprises first (hazards refer to them), then the hazards with their history, then one event each."""
    reason = _("Imported from the ledger file “%(file)s”") % {"file": filename}
    created = _create_enterprises(planner, township, actor, reason)
    hazards = [_hazard(plan, township, actor) for plan in plans]
    # bulk_create writes no history rows; this writes them in bulk too, with who and why.
    hazards = bulk_create_with_history(
        hazards, Hazard, batch_size=BULK_BATCH, default_user=actor, default_change_reason=reason
    )
    events = [
        HazardEvent(
            hazard=hazard,
            action=HazardEvent.Action.IMPORTED,
            to_status=hazard.status,
            actor=actor,
            note=_event_note(filename, plan),
        )
        for hazard, plan in zip(hazards, plans, strict=True)
    ]
    HazardEvent.objects.bulk_create(events, batch_size=BULK_BATCH)
    return created


def _clean_filename(filename: str) -> str:
    name = strip_control(PurePath(filename.replace("\\", "/")).name).strip()
    return name[:200] or "ledger.xlsx"


def _run(
    township: Township, rows: list[SheetRow], *, actor: User | None, filename: str, create_missing: bool, dry_run: bool
) -> LedgerImportResult:
    # One ledger import per township at a time: the duplicate check must see the rows of the one before.
    Township.objects.select_for_update().filter(pk=township.pk).first()
    plans, errors, planner = _plan_all(township, rows, create_missing)
    if errors:
        return LedgerImportResult(errors=errors)
    new_enterprises = len(planner.new_by_code) + len(planner.new_by_name)
    if not dry_run:
        new_enterprises = _write(plans, planner, township=township, actor=actor, filename=filename)
    return LedgerImportResult(created=len(plans), enterprises_created=new_enterprises)


def ledger_import(
    *,
    township: Township,
    file: IO[bytes],
    filename: str,
    actor: User | None,
    create_missing_enterprises: bool = False,
    dry_run: bool = False,
) -> LedgerImportResult:
    """Import the rows of a county major-hazard detail sheet as major hazards; any error and nothing is written.

    1. Read the rows (file-level problems are reported as row 0).
    2. Inside one transaction, holding the township's lock: check every row against the township's villages,
       sectors, enterprises and recorded hazards, and against the earlier rows of the file.
    3. Unless a row failed or this is a dry run: create the missing enterprises (when asked to), the hazards
       with their history, and an "imported" event per hazard naming the file.
    """
    try:
        roster = read_ledger_rows(file)
    except ImportFileError as exc:
        return LedgerImportResult(errors=[RowError(0, "", exc.message)])
    if not roster.rows:
        message = _("The file contains no hazard rows below the header row.")
        return LedgerImportResult(errors=[RowError(0, "", message)], ignored_columns=roster.ignored_columns)
    try:
        with transaction.atomic():
            result = _run(
                township,
                roster.rows,
                actor=actor,
                filename=_clean_filename(filename),
                create_missing=create_missing_enterprises,
                dry_run=dry_run,
            )
            if result.errors:
                transaction.set_rollback(True)
            result.ignored_columns = roster.ignored_columns
            return result
    except IntegrityError:
        message = _("Another user changed the data at the same time. Nothing was imported; please try again.")
        return LedgerImportResult(errors=[RowError(0, "", message)])


# -- the template -------------------------------------------------------------------------------------------

_WIDTHS = {"description": 40, "enterprise_name": 28, "credit_code": 21, "measures": 30, "basis": 24, "clause": 24}
_NOTES = {
    "reporting_unit": "发现隐患的单位，如“派出所”“镇应急办”。",
    "sector": "须为右侧“可选的行业领域”之一；留空则取企业的主行业领域。决定牵头部门和隐患类别。",
    "enterprise_name": "有统一社会信用代码时按代码匹配企业；无代码时按名称匹配。",
    "credit_code": "18位统一社会信用代码。系统中没有该代码的企业时报错，除非上传时勾选“自动登记缺失的企业”。",
    "village": "须为右侧“可选的属地（村）”之一；留空则取企业所在村。",
    "description": "必填。隐患标题取描述的前40个字。",
    "method": "必填。须为右侧“检查方式”之一，决定来源渠道。",
    "found_on": "必填。日期格式，或文字如 2024.3.5、2024-03-05、2024/3/5、2024年3月5日。",
    "rectified": "必填。“是”：须填整改完成时间，导入后为已销号；“否”：导入为已登记，填了整改完成时间的作为整改时限。",
    "completed_on": "日期，写法同检查时间。",
    "is_major_fire": "选填“是/否”。经消防救援机构依 GB 35181 判定为重大火灾隐患的填“是”，并须填判定机构和判定文书号。",
    "fire_judged_by": "重大火灾隐患必填，如“泗县消防救援大队”。",
    "fire_judgement_document": "重大火灾隐患必填：判定文书的文号。",
    "fire_judged_on": "选填，写法同检查时间；不早于检查时间，不晚于今天。",
}
_GENERAL_NOTES = (
    "1. 第1行为标题，第2行为表头，请勿修改表头文字；从第3行起每行填写一条重大事故隐患。以“示例”开头的行不会导入。",
    "2. 同一企业（无企业时同一属地）、同一隐患描述、同一检查时间视为重复：台账中已有的或本文件中重复出现的行会报错。",
    "3. 只要有一行有误，整个文件都不会导入；请按页面上列出的行号和列名修改后重新上传。",
    f"4. 每次最多导入 {MAX_ROWS} 行，文件不超过 {MAX_BYTES // 2**20} MB。",
)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _example_row(township: Township, villages: list[str], sectors: list[str]) -> list[Any]:
    example = {
        "reporting_unit": f"{EXAMPLE_PREFIX}：派出所（以“示例”开头的行不会导入）",
        "sector": "消防" if "消防" in sectors else (sectors[0] if sectors else ""),
        "enterprise_name": "某某商贸有限公司",
        "credit_code": "91341324MA2XXXXXXX",
        "village": villages[0] if villages else "某某村",
        "description": "二楼安全出口上锁，疏散通道堆放货物",
        "location": "二楼东侧安全出口",
        "method": "部门检查",
        "inspector": "张三、李四",
        "found_on": dt.date(2024, 3, 5),
        "basis": "《重大火灾隐患判定方法》（GB 35181-2017）",
        "clause": "第6.3条",
        "rectified": "是",
        "completed_on": dt.date(2024, 3, 20),
        "responsible_person": "王五",
        "measures": "拆除锁具，清理通道内货物",
        "remark": "",
    }
    return [example.get(f, "") for f, _h in LEDGER_COLUMNS]


def _write_data_sheet(sheet: Worksheet, township: Township, villages: list[str], sectors: list[str]) -> None:
    sheet.append([f"{township.name}重大事故隐患排查整治明细表"])
    sheet.merge_cells(f"A1:{get_column_letter(len(LEDGER_COLUMNS))}1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.row_dimensions[1].height = 28
    sheet.append([header for _f, header in LEDGER_COLUMNS])
    sheet.append([safe_cell(v) for v in _example_row(township, villages, sectors)])
    for index, (field_name, _header) in enumerate(LEDGER_COLUMNS, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=2, column=index)
        head.font = Font(bold=True, color="C00000" if field_name in REQUIRED_COLUMNS else "000000")
        head.fill = _HEADER_FILL
        head.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        example = sheet.cell(row=3, column=index)
        example.font = Font(italic=True, color="808080")
        sheet.column_dimensions[letter].width = _WIDTHS.get(field_name, 14)
        if field_name in ("found_on", "completed_on", "fire_judged_on"):
            example.number_format = "yyyy-mm-dd"
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if field_name == "credit_code":
            sheet.column_dimensions[letter].number_format = "@"  # long codes stay text as they are typed
    sheet.freeze_panes = "A3"


def _validation(sheet: Worksheet, formula: str, field_name: str, *, strict: bool) -> None:
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    rule.errorStyle = "stop" if strict else "warning"
    rule.error = "请从下拉列表中选择，或参见“填写说明”工作表。"
    sheet.add_data_validation(rule)
    column = get_column_letter([f for f, _h in LEDGER_COLUMNS].index(field_name) + 1)
    rule.add(f"{column}3:{column}{MAX_ROWS + 2}")


def _write_notes_sheet(sheet: Worksheet, villages: list[str], sectors: list[str]) -> None:
    sheet.append(["列名", "是否必填", "填写说明", "", "可选的属地（村）", "可选的行业领域", "检查方式", "对应来源渠道"])
    for f, header in LEDGER_COLUMNS:
        sheet.append([header.rstrip("*"), "是" if f in REQUIRED_COLUMNS else "否", _NOTES.get(f, "选填。")])
    sheet.append([])
    for line in _GENERAL_NOTES:
        sheet.append([line])
    columns: list[list[str]] = [villages, sectors, list(METHODS), [CHANNEL_NAMES[c] for c in METHODS.values()]]
    for column, names in enumerate(columns, start=5):
        for offset, name in enumerate(names, start=2):
            sheet.cell(row=offset, column=column, value=safe_cell(name))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for letter, width in zip("ABCDEFGH", (14, 10, 70, 3, 16, 26, 12, 14), strict=True):
        sheet.column_dimensions[letter].width = width


def build_ledger_template(township: Township) -> bytes:
    """The .xlsx people fill in: title row, the county's header row, one example row, and a sheet of notes."""
    villages = list(Village.objects.filter(township=township, is_active=True).values_list("name", flat=True))
    sectors = list(Sector.objects.filter(township=township, is_active=True).values_list("name", flat=True))
    workbook = Workbook()
    data_sheet = workbook.active
    assert isinstance(data_sheet, Worksheet)  # noqa: S101 - a new workbook always has one sheet
    data_sheet.title = DATA_SHEET
    _write_data_sheet(data_sheet, township, villages, sectors)
    _validation(data_sheet, '"是,否"', "rectified", strict=True)
    _validation(data_sheet, '"是,否"', "is_major_fire", strict=True)
    _validation(data_sheet, f"'{NOTES_SHEET}'!$G$2:$G${len(METHODS) + 1}", "method", strict=True)
    if villages:
        _validation(data_sheet, f"'{NOTES_SHEET}'!$E$2:$E${len(villages) + 1}", "village", strict=False)
    if sectors:
        _validation(data_sheet, f"'{NOTES_SHEET}'!$F$2:$F${len(sectors) + 1}", "sector", strict=False)
    _write_notes_sheet(workbook.create_sheet(NOTES_SHEET), villages, sectors)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
