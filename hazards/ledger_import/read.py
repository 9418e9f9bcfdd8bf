"""The county's monthly major-hazard detail sheet (重大事故隐患明细) as a sheet specification, and how its cells
are read.

Column headers, notes and the coded values (检查方式, 是/否) are the county's data format, so they are literal Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils.datetime import from_excel

from core.spreadsheets import CellError, Column, SheetSpec, parse_bool
from units.models import Sector

from ..county_labels import LEVEL_LABELS
from ..models import Channel, HazardType, Level

MAX_ROWS = 5000
DATE_FORMAT = "yyyy-mm-dd"

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


def key_text(text: str) -> str:
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
    key = key_text(text)
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
    key = key_text(text)
    if not key:
        raise CellError(_("Enter 是 or 否: has the hazard been rectified?"))
    return parse_bool(_RECTIFIED_WORDS.get(key, key))


def parse_level(text: str) -> Level | None:
    """隐患等级 as the ledger writes it (重大事故隐患, 一般事故隐患, 重大事故隐患（重大火灾隐患）); empty: major, as the
    county's detail sheet holds major hazards only."""
    key = key_text(text)
    if not key:
        return None
    for level, label in LEVEL_LABELS.items():
        if key.startswith(label[:2]):
            return level
    raise CellError(
        _("“%(value)s” is not a hazard level; use one of: %(values)s.")
        % {"value": text, "values": "、".join(LEVEL_LABELS.values())}
    )


def hazard_type_for(sector: Sector) -> HazardType:
    for name in (sector.ref_key, sector.name):
        if name and name in SECTOR_TYPES:
            return SECTOR_TYPES[name]
    return HazardType.OTHER


def _date(key: str, header: str, *aliases: str, required: bool = False, note: str = "", example: object = "") -> Column:
    return Column(
        key,
        header,
        aliases=aliases,
        required=required,
        parse=parse_ledger_date,
        number_format=DATE_FORMAT,
        note=note,
        example=example,
    )


LEDGER_COLUMNS: tuple[Column, ...] = (
    Column(
        "reporting_unit",
        "上报单位",
        note="发现隐患的单位，如“派出所”“镇应急办”。",
        example="示例：派出所（以“示例”开头的行不会导入）",
    ),
    # The ledger export's own columns come back too (hazards.ledger_export): a file it wrote can be imported.
    Column(
        "hazard_number",
        "隐患编号",
        width=18,
        note="选填。本镇格式（如“某某隐〔2026〕0001”）且未被占用的编号保留；否则导入时按登记年份重新编号。",
    ),
    Column("title", "隐患标题", note="选填；留空则取隐患描述的前40个字。"),
    Column(
        "sector", "行业领域", note="须为右侧“可选的行业领域”之一；留空则取企业的主行业领域。决定牵头部门和隐患类别。"
    ),
    Column(
        "enterprise_name",
        "企业名称",
        aliases=("企业（场所）名称", "单位名称"),
        width=28,
        note="有统一社会信用代码时按代码匹配企业；无代码时按名称匹配。",
        example="某某商贸有限公司",
    ),
    Column(
        "credit_code",
        "统一社会信用代码",
        aliases=("社会信用代码", "信用代码"),
        width=21,
        number_format="@",
        note="18位统一社会信用代码。系统中没有该代码的企业时报错，除非上传时勾选“自动登记缺失的企业”。",
        example="91341324MA2XXXXXXX",
    ),
    Column(
        "principal",
        "主要负责人",
        note="选填。只在导入时自动登记的新企业上记为其主要负责人；已登记企业的负责人不会被改动。",
    ),
    Column("principal_phone", "主要负责人电话", note="选填，同主要负责人。"),
    Column("village", "属地", aliases=("所属村",), note="须为右侧“可选的属地（村）”之一；留空则取企业所在村。"),
    Column(
        "description",
        "隐患描述*",
        required=True,
        width=40,
        note="必填。隐患标题取描述的前40个字。",
        example="二楼安全出口上锁，疏散通道堆放货物",
    ),
    Column("location", "隐患位置", example="二楼东侧安全出口"),
    Column(
        "level",
        "隐患等级",
        parse=parse_level,
        choices=tuple(LEVEL_LABELS.values()),
        note="选填“重大事故隐患/一般事故隐患”；留空为重大事故隐患。",
    ),
    Column(
        "method",
        "检查方式*",
        aliases=("来源渠道",),
        required=True,
        parse=parse_method,
        note="必填。须为右侧“检查方式”之一，决定来源渠道。",
        example="部门检查",
    ),
    Column("inspector", "检查人", aliases=("发现人",), example="张三、李四"),
    _date(
        "found_on",
        "检查时间*",
        "检查日期",
        "发现日期",
        required=True,
        note="必填。日期格式，或文字如 2024.3.5、2024-03-05、2024/3/5、2024年3月5日。",
        example=dt.date(2024, 3, 5),
    ),
    Column("basis", "判定依据", width=24, example="《重大火灾隐患判定方法》（GB 35181-2017）"),
    Column("clause", "违反条款", width=24, example="第6.3条"),
    Column(
        "rectified",
        "是否整改*",
        aliases=("是否整改完成", "是否已整改"),
        required=True,
        parse=parse_rectified,
        choices=("是", "否"),
        note="必填。“是”：须填整改完成时间，导入后为已销号；“否”：导入为已登记，填了整改完成时间的作为整改时限。",
        example="是",
    ),
    _date(
        "completed_on",
        "整改完成时间",
        "整改完成日期",
        "完成时间",
        note="日期，写法同检查时间。",
        example=dt.date(2024, 3, 20),
    ),
    _date("deadline", "整改时限", note="选填，写法同检查时间；留空时未整改隐患取整改完成时间为时限。"),
    Column(
        "production_stopped",
        "是否停产停业整改",
        parse=parse_bool,
        choices=("是", "否"),
        note="选填“是/否”：整改期间是否停产停业。",
    ),
    Column("progress_note", "整改进展及未完成原因", aliases=("整改进展",), width=28),
    Column("accepted_by_unit", "验收单位", note="选填，已整改隐患的验收单位。"),
    Column("accepted_by_person", "验收人"),
    _date("accepted_on", "验收日期", note="选填，不早于整改完成时间；留空取整改完成时间。"),
    _date("closed_on", "销号日期", note="选填，不早于验收日期；留空取验收日期。"),
    Column("responsible_person", "整改责任人", example="王五"),
    Column("measures", "整改措施", aliases=("整改措施及进展",), width=30, example="拆除锁具，清理通道内货物"),
    Column("remark", "备注"),
    # §7 / GB 35181: a 重大火灾隐患 with the fire-rescue authority's judgement (optional; the rows are major anyway).
    Column(
        "is_major_fire",
        "重大火灾隐患",
        parse=parse_bool,
        choices=("是", "否"),
        note="选填“是/否”。经消防救援机构依 GB 35181 判定为重大火灾隐患的填“是”，并须填判定机构和判定文书号。",
    ),
    Column("fire_judged_by", "火灾隐患判定机构", note="重大火灾隐患必填，如“泗县消防救援大队”。"),
    Column("fire_judgement_document", "判定文书号", note="重大火灾隐患必填：判定文书的文号。"),
    _date("fire_judged_on", "判定日期", note="选填，写法同检查时间；不早于检查时间，不晚于今天。"),
)

LEDGER_SHEET = SheetSpec(
    columns=LEDGER_COLUMNS,
    max_rows=MAX_ROWS,
    too_many_rows=gettext_lazy("The file has more than %(max)d hazard rows. Please split it into smaller files."),
    no_rows=gettext_lazy("The file contains no hazard rows below the header row."),
    sheet_name="重大事故隐患明细",
)
