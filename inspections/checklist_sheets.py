"""Checklist items as a sheet: the columns of the import file, how its rows become items, its template and the
export of a version in the same format (so an exported version can be edited in Excel and imported again).

The columns are the county office's own (a data format, so literal Chinese). The import itself — who may, and the
draft it replaces — is a checklist service (inspections.checklists.items_import).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import (
    CellError,
    Column,
    ImportResult,
    RowError,
    SheetImport,
    SheetRow,
    SheetSpec,
    name_key,
    parse_bool,
    template_workbook,
    yes_no,
)
from hazards.county_labels import TYPE_LABELS
from hazards.models import HazardType
from units.models import Sector

from .models import ChecklistVersion

MAX_ITEMS = 500
TEMPLATE_FILENAME = "检查表条目导入模板.xlsx"
# 隐患类别 as people write it in Chinese, and the stored values.
HAZARD_TYPE_NAMES: dict[str, str] = {
    **{label: value for value, label in TYPE_LABELS.items()},
    "火灾": HazardType.FIRE,
    "液化气": HazardType.GAS,
    "燃气": HazardType.GAS,
    "危化品": HazardType.HAZCHEM,
    "建筑施工": HazardType.CONSTRUCTION,
    **{value: value for value in HazardType.values},
}
_LIMITS = {"standard": 200, "clause": 100}


def parse_hazard_type(text: str) -> str:
    if not text:
        return HazardType.OTHER
    value = HAZARD_TYPE_NAMES.get(text)
    if value is None:
        raise CellError(_("Enter one of %(names)s.") % {"names": "、".join(TYPE_LABELS.values())})
    return value


def _type_label(value: Any) -> str:
    return TYPE_LABELS.get(value, TYPE_LABELS[HazardType.OTHER])


def _flag(key: str, header: str, width: int, *, note: str, example: bool) -> Column:
    return Column(
        key,
        f"{header}(是/否)",
        label=header,
        width=width,
        parse=parse_bool,
        format=yes_no,
        choices=("是", "否"),
        note=note,
        example=example,
    )


ITEM_COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", width=6, numbering=True, note="只为编号，导入时按行的先后排序。", example=1),
    Column(
        "text",
        "检查内容",
        aliases=("检查项目", "检查内容及要求"),
        required=True,
        width=60,
        note="必填。检查什么，一行一个检查条目。",
        example="示例：特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的（以“示例”开头的行不会导入）",
    ),
    Column(
        "standard",
        "判定依据",
        aliases=("依据",),
        required=True,
        width=40,
        note="必填。标准名称，如《工贸企业重大事故隐患判定标准》（应急管理部令第10号）。",
        example="《工贸企业重大事故隐患判定标准》（应急管理部令第10号）",
    ),
    Column(
        "clause",
        "条款",
        aliases=("条款号",),
        note="只填核实过的条款号；不确定的留空，并在“待核实”填“是”。",
        example="第三条",
    ),
    _flag("is_major", "是否重大隐患", 12, note="填“是”或“否”，留空视为“否”。", example=True),
    _flag("needs_check", "待核实", 10, note="条目转述标准或条款未核实的填“是”，留空视为“否”。", example=False),
    Column("sector", "行业领域", note="留空表示与检查表相同；否则须为本镇的行业领域名称。"),
    Column(
        "hazard_type",
        "隐患类别",
        width=12,
        parse=parse_hazard_type,
        format=_type_label,
        note="填：" + "、".join(TYPE_LABELS.values()) + "；留空视为“其他”。",
        example=HazardType.INDUSTRY,
    ),
)
# What an item holds besides its place in the list, as the file's columns give it.
_FIELDS = tuple(column.key for column in ITEM_COLUMNS if not column.numbering)

ITEM_SHEET = SheetSpec(
    columns=ITEM_COLUMNS,
    max_rows=MAX_ITEMS,
    too_many_rows=gettext_lazy("The file has more than %(max)d items."),
    no_rows=gettext_lazy("The file contains no items below the header row."),
    sheet_name="检查条目",
)

_NOTES = (
    "1. 第1行为表头，请勿修改表头文字；从第2行起每行填写一个检查条目，按行的先后排序。",
    "2. “检查内容”“判定依据”必填；判定依据写标准名称，如《工贸企业重大事故隐患判定标准》（应急管理部令第10号）。",
    "3. “条款”只填核实过的条款号；不确定的留空，并在“待核实”填“是”。",
    "4. “是否重大隐患”“待核实”填“是”或“否”，留空视为“否”。",
    "5. “行业领域”留空表示与检查表相同；“隐患类别”填：" + "、".join(TYPE_LABELS.values()) + "。",
    "6. 导入的条目替换草稿中的全部条目；只要有一行有误，整个文件都不会导入。导入后须发布才成为现行版本。",
    "7. 以“示例”开头的行不会导入。",
)


class ItemsImport(SheetImport[dict[str, Any], ImportResult]):
    """The rows of an items file as checklist items, in file order; `replace` writes them into the draft."""

    spec = ITEM_SHEET

    def __init__(self, *, township_id: int, replace: Callable[[list[dict[str, Any]]], None]) -> None:
        self.township_id = township_id
        self.replace = replace
        self.sectors: dict[str, Sector] = {}

    def new_result(self) -> ImportResult:
        return ImportResult()

    def prepare(self, rows: list[SheetRow]) -> None:
        active = Sector.objects.filter(township_id=self.township_id, is_active=True)
        self.sectors = {name_key(sector.name): sector for sector in active}

    def plan(self, row: SheetRow) -> tuple[dict[str, Any] | None, list[RowError]]:
        values, errors = ITEM_SHEET.convert(row)
        for column in ITEM_SHEET.required:
            if not row.get(column.key):
                errors.append(ITEM_SHEET.error(row.number, column.key, _("This cell must not be empty.")))
        for key, limit in _LIMITS.items():
            if len(row.get(key)) > limit:
                message = _("At most %(n)d characters, this cell has %(m)d.") % {"n": limit, "m": len(row.get(key))}
                errors.append(ITEM_SHEET.error(row.number, key, message))
        sector = row.get("sector")
        values["sector"] = self.sectors.get(name_key(sector)) if sector else None
        if sector and values["sector"] is None:
            message = _("There is no sector “%(value)s” in this township.") % {"value": sector}
            errors.append(ITEM_SHEET.error(row.number, "sector", message))
        if errors:
            return None, errors
        defaults = {"clause": "", "is_major": False, "needs_check": False, "hazard_type": HazardType.OTHER}
        return {key: values.get(key, defaults.get(key)) for key in _FIELDS}, []

    def count(self, plans: list[dict[str, Any]], result: ImportResult) -> None:
        result.created = len(plans)

    def write(self, plans: list[dict[str, Any]], result: ImportResult) -> None:
        self.replace(plans)


def build_items_template() -> bytes:
    """The .xlsx the office fills in: the header row, one example row, and a sheet of notes."""
    return template_workbook(ITEM_SHEET, example=ITEM_SHEET.example_row(), general_notes=_NOTES)


def items_export(*, version: ChecklistVersion) -> bytes:
    """A version's items in the import format, to edit in Excel and import again."""
    items = version.items.select_related("sector").order_by("order")
    rows = [
        {
            "number": number,
            **{key: getattr(item, key) for key in _FIELDS},
            "sector": item.sector.name if item.sector else "",
        }
        for number, item in enumerate(items, start=1)
    ]
    return template_workbook(ITEM_SHEET, rows=rows, general_notes=_NOTES)
