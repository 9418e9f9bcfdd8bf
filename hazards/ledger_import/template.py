"""The ledger's import template: the county's header row with an example, drop-downs and a sheet of notes."""

from __future__ import annotations

from core.spreadsheets import ChoiceList, template_workbook
from core.spreadsheets.reading import MAX_BYTES
from units.models import Sector, Township, Village

from ..county_labels import CHANNEL_LABELS
from .read import LEDGER_SHEET, MAX_ROWS, METHODS

TEMPLATE_FILENAME = "重大事故隐患台账导入模板.xlsx"

_GENERAL_NOTES = (
    "1. 第1行为标题，第2行为表头，请勿修改表头文字；从第3行起每行填写一条重大事故隐患。以“示例”开头的行不会导入。",
    "2. 同一企业（无企业时同一属地）、同一隐患描述、同一检查时间视为重复：台账中已有的或本文件中重复出现的行会报错。",
    "3. 只要有一行有误，整个文件都不会导入；请按页面上列出的行号和列名修改后重新上传。",
    f"4. 每次最多导入 {MAX_ROWS} 行，文件不超过 {MAX_BYTES // 2**20} MB。",
)


def build_ledger_template(township: Township) -> bytes:
    """The .xlsx people fill in: title row, the county's header row, one example row, and a sheet of notes listing
    the township's villages and sectors and the inspection methods, which the drop-downs offer."""
    villages = list(Village.objects.filter(township=township, is_active=True).values_list("name", flat=True))
    sectors = list(Sector.objects.filter(township=township, is_active=True).values_list("name", flat=True))
    example = {
        "sector": "消防" if "消防" in sectors else (sectors[0] if sectors else ""),
        "village": villages[0] if villages else "某某村",
    }
    return template_workbook(
        LEDGER_SHEET,
        title=f"{township.name}重大事故隐患排查整治明细表",
        example=LEDGER_SHEET.example_row(example),
        lists=[
            ChoiceList("可选的属地（村）", villages, column="village"),
            ChoiceList("可选的行业领域", sectors, column="sector"),
            ChoiceList("检查方式", list(METHODS), column="method", strict=True),
            ChoiceList("对应来源渠道", [CHANNEL_LABELS[channel] for channel in METHODS.values()]),
        ],
        general_notes=_GENERAL_NOTES,
    )
