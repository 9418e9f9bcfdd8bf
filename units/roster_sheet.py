"""The county's enterprise roster as a sheet: its columns, how its cells are read, and its import template.

Column headers, notes and examples are the county's roster format (a data format, not interface text), so they
are literal Chinese here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import CellError, ChoiceList, Column, SheetSpec, name_key, parse_bool, template_workbook
from core.spreadsheets.reading import MAX_BYTES

from .credit_code import make_credit_code
from .models import Enterprise, Sector, Township, Village

MAX_ROWS = 5000
TEMPLATE_FILENAME = "企业（场所）信息导入模板.xlsx"
TEMPLATE_TITLE = "企业（场所）信息导入模板"

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


def parse_grade(text: str) -> str:
    grade = _GRADES.get(name_key(text))
    if grade is None:
        raise CellError(
            _("Enter 一级, 二级, 三级 or 小微, or leave the cell empty; “%(value)s” is not a grade.") % {"value": text}
        )
    return str(grade)


_PHONE_NOTE = "手机号码（11位）或带区号的固定电话（如0557-1234567），一格只填一个号码；建议将该列设为文本格式。"
_YES_NO_NOTE = "填“是”或“否”，留空视为“否”。"


def _phone(key: str, header: str, *aliases: str, example: str = "", note: str = _PHONE_NOTE) -> Column:
    return Column(key, header, aliases=aliases, note=note, example=example, number_format="@")


def _flag(key: str, header: str) -> Column:
    return Column(key, f"{header}(是/否)", parse=parse_bool, choices=("是", "否"), note=_YES_NO_NOTE, example="否")


# The columns are the web form's fields, in the form's order (EnterpriseForm checks every row).
ENTERPRISE_COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "企业名称*",
        aliases=("单位名称", "场所名称"),
        required=True,
        width=32,
        note="必填。营业执照或场所的名称。",
        example="示例：某某建材有限公司（以“示例”开头的行不会导入）",
    ),
    Column(
        "credit_code",
        "统一社会信用代码",
        aliases=("社会信用代码", "信用代码"),
        width=22,
        number_format="@",
        note="18位统一社会信用代码；无营业执照的小场所、自建房可不填。再次导入时按此代码更新已有企业。",
        example=make_credit_code("91341324MA2T5L8R1"),
    ),
    Column(
        "village",
        "所属村*",
        aliases=("所在村", "村(社区)"),
        required=True,
        width=12,
        note="必填。须为本镇的村（社区）名称，见右侧“可选的村”。",
        example="某某村",
    ),
    Column(
        "primary_sector",
        "主行业领域*",
        aliases=("行业领域",),
        required=True,
        width=16,
        note="必填。须为右侧“可选的行业领域”之一（或其“其他名称”），决定牵头部门。",
        example="工贸",
    ),
    Column(
        "other_sectors",
        "其他行业领域",
        width=22,
        note="选填，可填多个，用顿号“、”、逗号、分号或空格分隔；名称见右侧“可选的行业领域”。",
    ),
    Column("address", "地址", aliases=("经营地址", "生产经营地址"), width=30, note="生产经营地址。"),
    _phone(
        "contact_phone",
        "联系电话",
        "联系方式",
        example="0557-6012345",
        note="单位的联系电话。名册只有“联系电话”一列、没有“主要负责人电话”列时，该列作为主要负责人电话导入。"
        + _PHONE_NOTE,
    ),
    Column("principal_name", "主要负责人", aliases=("负责人",), example="张三"),
    _phone(
        "principal_phone", "主要负责人电话", "负责人电话", "主要负责人联系电话", "负责人联系电话", example="13800000000"
    ),
    Column("controller_name", "实际控制人"),
    _phone("controller_phone", "实际控制人电话"),
    Column("safety_manager_name", "安全管理人员", example="李四"),
    _phone("safety_manager_phone", "安全管理人员电话", example="13900000000"),
    Column("fire_officer_name", "消防安全责任人"),
    _phone("fire_officer_phone", "消防安全责任人电话"),
    _flag("is_above_scale", "规模以上"),
    _flag("is_dust_explosion", "粉尘涉爆"),
    _flag("is_confined_space", "有限空间"),
    _flag("is_lpg_business", "液化气经营"),
    _flag("is_lpg_user", "餐饮用气"),
    _flag("is_crowded_place", "人员密集场所"),
    _flag("is_three_in_one", "三合一场所"),
    _flag("is_self_built_house", "经营性自建房"),
    Column(
        "standardisation_grade",
        "标准化等级(一级/二级/三级/小微)",
        parse=parse_grade,
        choices=("一级", "二级", "三级", "小微"),
        note="一级、二级、三级、小微，未定级留空。",
        example="小微",
    ),
    _flag("is_benchmark", "标杆企业"),
)


def roster_columns(columns: dict[str, int]) -> dict[str, int]:
    """联系电话 beside 主要负责人电话 is the enterprise's own number; alone, it is the principal's, as most rosters
    have only the one number and it is the principal who is notified (§18)."""
    if "contact_phone" in columns and "principal_phone" not in columns:
        columns = {**columns}
        columns["principal_phone"] = columns.pop("contact_phone")
    return columns


ROSTER_SHEET = SheetSpec(
    columns=ENTERPRISE_COLUMNS,
    max_rows=MAX_ROWS,
    too_many_rows=gettext_lazy("The file has more than %(max)d enterprise rows. Please split it into smaller files."),
    no_rows=gettext_lazy("The file contains no enterprise rows below the header row."),
    sheet_name="企业（场所）信息",
    frozen_columns=1,
    remap=roster_columns,
)

_GENERAL_NOTES = (
    "1. 第1行为标题，第2行为表头，请勿修改表头文字；从第3行起每行填写一家企业（场所）。",
    "2. 带 * 的列必须填写；“是/否”列留空视为“否”。",
    "3. 有统一社会信用代码的企业，再次导入时按代码更新原有信息，不会重复登记；没有代码的，按“企业名称＋所属村”更新。",
    "4. 只要有一行有误，整个文件都不会导入；请按页面上列出的行号和列名修改后重新上传。",
    f"5. 每次最多导入 {MAX_ROWS} 行，文件不超过 {MAX_BYTES // 2**20} MB。",
    "6. 表头中不属于本模板的列不会导入，检查结果中会逐一列出；“序号”列除外。",
    "7. 行业领域的其他写法（如“商贸服务”）可由镇安委办在“行业领域”页面添加为“其他名称”，导入时即可识别。",
)


def build_enterprise_template(township: Township) -> bytes:
    """The .xlsx people fill in: a title row, the header row, one example row, and a sheet of notes listing the
    township's villages and sectors (with their other names), which the drop-downs offer."""
    villages = list(Village.objects.filter(township=township, is_active=True).values_list("name", flat=True))
    active_sectors = list(Sector.objects.filter(township=township, is_active=True))
    sectors = [sector.name for sector in active_sectors]
    example = {
        "village": villages[0] if villages else "某某村",
        "primary_sector": sectors[0] if sectors else "工贸",
        "other_sectors": "、".join(sectors[1:3]),
        "address": f"{township.name}某某路8号",
    }
    return template_workbook(
        ROSTER_SHEET,
        title=f"{township.name}{TEMPLATE_TITLE}",
        example=ROSTER_SHEET.example_row(example),
        lists=[
            ChoiceList("可选的村", villages, column="village"),
            ChoiceList("可选的行业领域", sectors, column="primary_sector"),
            ChoiceList("其他名称", ["、".join(sector.alias_list) for sector in active_sectors]),
        ],
        general_notes=_GENERAL_NOTES,
    )
