"""The enterprise import template: the county roster's columns with a title, an example row and a sheet of notes.

The notes and examples are the data format's own Chinese text (like the column headers), so they are literal here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .credit_code import make_credit_code
from .excel import safe_cell
from .importers import (
    BOOLEAN_FIELDS,
    DATA_SHEET,
    ENTERPRISE_COLUMNS,
    EXAMPLE_PREFIX,
    MAX_BYTES,
    MAX_ROWS,
    NOTES_SHEET,
    PHONE_FIELDS,
    REQUIRED_COLUMNS,
    TEMPLATE_TITLE,
)
from .models import Sector, Township, Village

# -- the template -------------------------------------------------------------------------------------

_PHONE_NOTE = "手机号码（11位）或带区号的固定电话（如0557-1234567），一格只填一个号码；建议将该列设为文本格式。"
_WIDTHS = {"name": 32, "credit_code": 22, "address": 30, "other_sectors": 22, "primary_sector": 16, "village": 12}
_NOTES = {
    "name": "必填。营业执照或场所的名称。",
    "credit_code": "18位统一社会信用代码；无营业执照的小场所、自建房可不填。再次导入时按此代码更新已有企业。",
    "village": "必填。须为本镇的村（社区）名称，见右侧“可选的村”。",
    "primary_sector": "必填。须为右侧“可选的行业领域”之一（或其“其他名称”），决定牵头部门。",
    "other_sectors": "选填，可填多个，用顿号“、”、逗号、分号或空格分隔；名称见右侧“可选的行业领域”。",
    "address": "生产经营地址。",
    "contact_phone": (
        "单位的联系电话。名册只有“联系电话”一列、没有“主要负责人电话”列时，该列作为主要负责人电话导入。" + _PHONE_NOTE
    ),
    "standardisation_grade": "一级、二级、三级、小微，未定级留空。",
}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _note(field_name: str, header: str) -> str:
    if field_name in _NOTES:
        return _NOTES[field_name]
    if field_name in BOOLEAN_FIELDS:
        return "填“是”或“否”，留空视为“否”。"
    if field_name in PHONE_FIELDS:
        return _PHONE_NOTE
    return "选填。"


def _example_row(township: Township, villages: list[str], sectors: list[str]) -> list[str]:
    example = {
        "name": f"{EXAMPLE_PREFIX}：某某建材有限公司（以“示例”开头的行不会导入）",
        "credit_code": make_credit_code("91341324MA2T5L8R1"),
        "village": villages[0] if villages else "某某村",
        "primary_sector": sectors[0] if sectors else "工贸",
        "other_sectors": "、".join(sectors[1:3]),
        "address": f"{township.name}某某路8号",
        "contact_phone": "0557-6012345",
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
    "6. 表头中不属于本模板的列不会导入，检查结果中会逐一列出；“序号”列除外。",
    "7. 行业领域的其他写法（如“商贸服务”）可由镇安委办在“行业领域”页面添加为“其他名称”，导入时即可识别。",
)


def _write_notes_sheet(
    sheet: Worksheet, villages: list[str], sectors: list[str], aliases: list[list[str]] | None = None
) -> None:
    sheet.append(["列名", "是否必填", "填写说明", "", "可选的村", "可选的行业领域", "其他名称"])
    notes = [[h.rstrip("*"), "是" if f in REQUIRED_COLUMNS else "否", _note(f, h)] for f, h in ENTERPRISE_COLUMNS]
    for row in [*notes, [], *[[line] for line in _GENERAL_NOTES]]:
        sheet.append(row)
    for offset, name in enumerate(villages, start=2):
        sheet.cell(row=offset, column=5, value=safe_cell(name))
    for offset, name in enumerate(sectors, start=2):
        sheet.cell(row=offset, column=6, value=safe_cell(name))
    for offset, names in enumerate(aliases or [], start=2):
        sheet.cell(row=offset, column=7, value=safe_cell("、".join(names)))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for letter, width in zip("ABCDEFG", (22, 10, 70, 3, 16, 26, 26), strict=True):
        sheet.column_dimensions[letter].width = width


def build_enterprise_template(township: Township) -> bytes:
    """The .xlsx people fill in: a title row, the header row, one example row, and a sheet of notes."""
    villages = list(Village.objects.filter(township=township, is_active=True).values_list("name", flat=True))
    active_sectors = list(Sector.objects.filter(township=township, is_active=True))
    sectors = [sector.name for sector in active_sectors]
    workbook = Workbook()
    data_sheet = workbook.active
    assert isinstance(data_sheet, Worksheet)  # noqa: S101 - a new workbook always has one sheet
    data_sheet.title = DATA_SHEET
    _write_data_sheet(data_sheet, township, villages, sectors)
    _add_validations(data_sheet, villages, sectors)
    aliases = [sector.alias_list for sector in active_sectors]
    _write_notes_sheet(workbook.create_sheet(NOTES_SHEET), villages, sectors, aliases)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
