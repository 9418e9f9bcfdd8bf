"""Every write to a checklist template: creating it, editing its draft, publishing, importing items from Excel.

Versioning (§6, SPEC S3): a published version is never changed. Editing opens a draft — a new version that starts
as a copy of the current published one — and publishing the draft makes it the current version. An inspection keeps
the version it was done with, so later edits never change history. Only the township safety office writes.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import IO, Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.errors import WorkflowError
from hazards.models import HazardType
from units.access import get_scope
from units.excel import MissingHeadersError, cell_text, header_index, header_key, safe_cell
from units.importers import (
    CellError,
    HeaderNotFoundError,
    ImportFileError,
    ImportResult,
    RowError,
    SheetRow,
    parse_bool,
    read_workbook_rows,
)
from units.models import Sector, Township, User

from .models import ChecklistItem, ChecklistTemplate, ChecklistVersion

__all__ = [
    "ITEM_COLUMNS",
    "ITEM_FIELDS",
    "VersionChanges",
    "WorkflowError",
    "build_items_template",
    "checklist_create",
    "checklist_update",
    "draft_for",
    "item_add",
    "item_delete",
    "item_move",
    "item_update",
    "items_export",
    "items_import",
    "published_checklists",
    "version_changes",
    "version_discard",
    "version_publish",
]

# What an item holds besides its place in the list.
ITEM_FIELDS = ("text", "standard", "clause", "is_major", "needs_check", "sector", "hazard_type")


# -- access -----------------------------------------------------------------------------------------


def _check_office(actor: User, township_id: int | None) -> None:
    if not get_scope(actor).is_office_for(township_id):
        raise WorkflowError(_("Only the township safety office changes checklists."))


def _check_sector(sector: Sector | None, township_id: int) -> None:
    if sector is not None and sector.township_id != township_id:
        raise WorkflowError(_("The sector “%(name)s” is not one of this township's sectors.") % {"name": sector})


def _locked_version(version_id: int) -> ChecklistVersion:
    return ChecklistVersion.objects.select_for_update().select_related("template").get(pk=version_id)


def _locked_draft(version_id: int, actor: User) -> ChecklistVersion:
    """The version, locked, once we know it is a draft the actor may edit."""
    version = _locked_version(version_id)
    _check_office(actor, version.template.township_id)
    if not version.is_draft:
        raise WorkflowError(
            _("Version %(number)d is published and can no longer be changed. Edit the draft instead.")
            % {"number": version.number}
        )
    return version


# -- templates ----------------------------------------------------------------------------------------


def _check_name(township: Township, name: str, exclude_pk: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise WorkflowError(_("Please give the checklist a name."))
    clash = ChecklistTemplate.objects.filter(township=township, name=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise WorkflowError(_("There is already a checklist called “%(name)s”.") % {"name": name})
    return name


@transaction.atomic
def checklist_create(
    *, actor: User, township: Township, name: str, sector: Sector | None = None, description: str = ""
) -> ChecklistTemplate:
    """A new checklist template with an empty draft, version 1."""
    _check_office(actor, township.pk)
    _check_sector(sector, township.pk)
    template = ChecklistTemplate(
        township=township, name=_check_name(township, name), sector=sector, description=description
    )
    template._history_user = actor  # type: ignore[attr-defined]
    template.save()
    ChecklistVersion.objects.create(template=template, number=1, created_by=actor)
    return template


@transaction.atomic
def checklist_update(
    *, template: ChecklistTemplate, actor: User, name: str, sector: Sector | None, description: str, is_active: bool
) -> ChecklistTemplate:
    """Rename, re-assign or (de)activate a template. Its versions and their items are not touched."""
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    _check_office(actor, template.township_id)
    _check_sector(sector, template.township_id)
    template.name = _check_name(template.township, name, exclude_pk=template.pk)
    template.sector, template.description, template.is_active = sector, description, is_active
    template._history_user = actor  # type: ignore[attr-defined]
    template.save()
    return template


# -- drafts ---------------------------------------------------------------------------------------------


def _copy_items(source: ChecklistVersion | None, target: ChecklistVersion) -> None:
    if source is None:
        return
    ChecklistItem.objects.bulk_create(
        ChecklistItem(version=target, order=item.order, **{f: getattr(item, f) for f in ITEM_FIELDS})
        for item in source.items.order_by("order", "pk")
    )


@transaction.atomic
def draft_for(*, template: ChecklistTemplate, actor: User) -> ChecklistVersion:
    """The template's open draft, or a new one copying the current published version's items.

    1. Lock the template, so two people starting to edit at once share one draft.
    2. Return the open draft if there is one.
    3. Else create the next version as a draft holding a copy of the current version's items.
    """
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    _check_office(actor, template.township_id)
    draft = template.versions.filter(published_at__isnull=True).order_by("-number").first()
    if draft is not None:
        return draft
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = ChecklistVersion.objects.create(template=template, number=number, created_by=actor)
    _copy_items(template.current_version(), draft)
    return draft


def _clean_fields(fields: Mapping[str, Any], township_id: int) -> dict[str, Any]:
    values = {f: fields[f] for f in ITEM_FIELDS if f in fields}
    for name in ("text", "standard", "clause"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if "text" in values and not values["text"]:
        raise WorkflowError(_("Please describe what is checked."))
    if "standard" in values and not values["standard"]:
        raise WorkflowError(_("Please name the standard the item is judged by (判定依据)."))
    if values.get("hazard_type", HazardType.OTHER) not in HazardType.values:
        raise WorkflowError(_("Choose one of the hazard types."))
    _check_sector(values.get("sector"), township_id)
    return values


@transaction.atomic
def item_add(*, version: ChecklistVersion, actor: User, fields: Mapping[str, Any]) -> ChecklistItem:
    """A new item at the end of a draft."""
    version = _locked_draft(version.pk, actor)
    values = _clean_fields(fields, version.template.township_id)
    values.setdefault("hazard_type", HazardType.OTHER)
    last = version.items.aggregate(n=Max("order"))["n"] or 0
    return ChecklistItem.objects.create(version=version, order=last + 1, **values)


@transaction.atomic
def item_update(*, item: ChecklistItem, actor: User, fields: Mapping[str, Any]) -> ChecklistItem:
    version = _locked_draft(item.version_id, actor)
    item = ChecklistItem.objects.get(pk=item.pk)
    for name, value in _clean_fields(fields, version.template.township_id).items():
        setattr(item, name, value)
    item.save()
    return item


@transaction.atomic
def item_delete(*, item: ChecklistItem, actor: User) -> None:
    """Remove a draft item; the items below it move up, so the numbering has no gaps."""
    version = _locked_draft(item.version_id, actor)
    removed = ChecklistItem.objects.get(pk=item.pk)
    removed.delete()
    # One by one, top to bottom: each item moves into the place just freed (order is unique per version).
    for below in version.items.filter(order__gt=removed.order).order_by("order"):
        below.order -= 1
        below.save(update_fields=["order"])


@transaction.atomic
def item_move(*, item: ChecklistItem, actor: User, up: bool) -> ChecklistItem:
    """Swap a draft item with the one above (up) or below it; at either end nothing changes."""
    version = _locked_draft(item.version_id, actor)
    item = ChecklistItem.objects.get(pk=item.pk)
    neighbours = version.items.filter(order__lt=item.order) if up else version.items.filter(order__gt=item.order)
    other = neighbours.order_by("-order" if up else "order").first()
    if other is None:
        return item
    mine, theirs = item.order, other.order
    # Order is unique per version: park the item at 0 (never used) while the neighbour takes its place.
    item.order = 0
    item.save(update_fields=["order"])
    other.order = mine
    other.save(update_fields=["order"])
    item.order = theirs
    item.save(update_fields=["order"])
    return item


@transaction.atomic
def version_publish(*, version: ChecklistVersion, actor: User, note: str) -> ChecklistVersion:
    """Freeze a draft and make it the template's current version. A draft without items cannot be published."""
    version = _locked_draft(version.pk, actor)
    if not version.items.exists():
        raise WorkflowError(_("A checklist without items cannot be published. Add at least one item first."))
    note = note.strip()
    if not note:
        raise WorkflowError(_("Please say briefly what changed in this version."))
    version.note = note[:200]
    version.published_at = timezone.now()
    version.save(update_fields=["note", "published_at"])
    return version


@transaction.atomic
def version_discard(*, version: ChecklistVersion, actor: User) -> None:
    """Throw a draft away; the published versions stay as they are. Version 1 of a new template stays."""
    version = _locked_draft(version.pk, actor)
    if version.inspections.exists():
        raise WorkflowError(_("An inspection already refers to this draft, so it cannot be discarded."))
    if not version.template.versions.exclude(pk=version.pk).exists():
        raise WorkflowError(_("This is the checklist's only version; remove its items instead."))
    version.items.all().delete()
    version.delete()


# -- reads ---------------------------------------------------------------------------------------------------


def published_checklists(*, township_id: int, sector_id: int | None = None) -> QuerySet[ChecklistTemplate]:
    """Active templates an inspection can use: with a published version, of the sector or general ones."""
    published = ChecklistVersion.objects.filter(template=OuterRef("pk"), published_at__isnull=False)
    qs = ChecklistTemplate.objects.filter(township_id=township_id, is_active=True).filter(Exists(published))
    if sector_id is not None:
        qs = qs.filter(Q(sector_id=sector_id) | Q(sector__isnull=True))
    return qs.select_related("sector").order_by("name")


# -- what changed between two versions -------------------------------------------------------------------


@dataclass
class VersionChanges:
    added: list[ChecklistItem] = field(default_factory=list)
    removed: list[ChecklistItem] = field(default_factory=list)
    changed: list[ChecklistItem] = field(default_factory=list)  # same text, other standard, clause or flags
    moved: int = 0  # items kept but at another place

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.moved)


def _key(item: ChecklistItem) -> str:
    return " ".join(item.text.split())


def _details(item: ChecklistItem) -> tuple[Any, ...]:
    return tuple(getattr(item, f if f != "sector" else "sector_id") for f in ITEM_FIELDS if f != "text")


def version_changes(old: Sequence[ChecklistItem], new: Sequence[ChecklistItem]) -> VersionChanges:
    """Items added, removed and changed from `old` to `new`.

    Items are copied per version, so they are matched by their text; an item whose text was edited in place (an
    unmatched old and an unmatched new item at the same position) counts as changed, not as removed and added.
    """
    before = {_key(i): i for i in old}
    after = {_key(i): i for i in new}
    added = [i for k, i in after.items() if k not in before]
    removed = [i for k, i in before.items() if k not in after]
    removed_at = {i.order for i in removed}
    edited = {i.order for i in added if i.order in removed_at}
    changes = VersionChanges(
        added=[i for i in added if i.order not in edited],
        removed=[i for i in removed if i.order not in edited],
        changed=[i for i in new if i.order in edited and _key(i) not in before]
        + [i for k, i in after.items() if k in before and _details(before[k]) != _details(i)],
    )
    kept_before = [k for k in before if k in after]
    kept_after = [k for k in after if k in before]
    changes.moved = sum(1 for a, b in zip(kept_before, kept_after, strict=True) if a != b)
    return changes


# -- Excel ------------------------------------------------------------------------------------------------

# The columns of the import file as a county office writes them (a data format, so literal Chinese).
ITEM_COLUMNS: list[tuple[str, str]] = [
    ("number", "序号"),
    ("text", "检查内容"),
    ("standard", "判定依据"),
    ("clause", "条款"),
    ("is_major", "是否重大隐患(是/否)"),
    ("needs_check", "待核实(是/否)"),
    ("sector", "行业领域"),
    ("hazard_type", "隐患类别"),
]
_HEADER_ALIASES = [("text", "检查项目"), ("text", "检查内容及要求"), ("standard", "依据"), ("clause", "条款号")]
_REQUIRED = ("text", "standard")
_LABELS = {f: header.split("(")[0] for f, header in ITEM_COLUMNS}
MAX_ITEMS = 500
EXAMPLE_PREFIX = "示例"
TEMPLATE_FILENAME = "检查表条目导入模板.xlsx"
# 隐患类别 as people write it in Chinese, and the stored values.
HAZARD_TYPE_NAMES: dict[str, str] = {
    "消防": HazardType.FIRE,
    "火灾": HazardType.FIRE,
    "液化气": HazardType.GAS,
    "燃气": HazardType.GAS,
    "液化气/燃气": HazardType.GAS,
    "危险化学品": HazardType.HAZCHEM,
    "危化品": HazardType.HAZCHEM,
    "道路交通": HazardType.ROAD,
    "建设施工": HazardType.CONSTRUCTION,
    "建筑施工": HazardType.CONSTRUCTION,
    "工贸": HazardType.INDUSTRY,
    "烟花爆竹": HazardType.FIREWORKS,
    "其他": HazardType.OTHER,
    **{value: value for value in HazardType.values},
}
_TYPE_LABELS = ["消防", "液化气/燃气", "危险化学品", "道路交通", "建设施工", "工贸", "烟花爆竹", "其他"]


def _sheet_rows(sheet: Any) -> list[SheetRow]:
    sheet.reset_dimensions()
    values = sheet.iter_rows(values_only=True)
    head = list(islice(values, 10))
    try:
        header_row, columns = header_index(head, [*ITEM_COLUMNS, *_HEADER_ALIASES], 10, required=_REQUIRED)
    except MissingHeadersError as exc:
        raise HeaderNotFoundError(
            _(
                "The header row was not found: the columns %(columns)s are missing."
                " Please download the import template and keep its header row."
            )
            % {"columns": "、".join(h.split("(")[0] for h in exc.missing)}
        ) from exc
    rows: list[SheetRow] = []
    for number, raw in enumerate(chain(head[header_row:], values), start=header_row + 1):
        texts = [cell_text(v) for v in raw]
        cells = {f: texts[i] if i < len(texts) else "" for f, i in columns.items()}
        if not (cells.get("text") or cells.get("standard")):
            continue  # a blank line, or a 序号 with nothing else
        if cells["text"].startswith(EXAMPLE_PREFIX) or header_key(cells["text"]) == header_key("检查内容"):
            continue
        rows.append(SheetRow(number, cells))
        if len(rows) > MAX_ITEMS:
            raise ImportFileError(_("The file has more than %(max)d items.") % {"max": MAX_ITEMS})
    return rows


def _name_key(text: str) -> str:
    # Full-width brackets and stray spaces differ between what was typed and what is stored.
    return "".join(unicodedata.normalize("NFKC", text).split())


def _cell(row: SheetRow, name: str) -> str:
    return row.cells.get(name, "")


def _text_errors(row: SheetRow, values: Mapping[str, str]) -> list[RowError]:
    errors = [
        RowError(row.number, _LABELS[name], _("This cell must not be empty.")) for name in _REQUIRED if not values[name]
    ]
    for name, limit in (("standard", 200), ("clause", 100)):
        if len(values[name]) > limit:
            message = _("At most %(n)d characters, this cell has %(m)d.") % {"n": limit, "m": len(values[name])}
            errors.append(RowError(row.number, _LABELS[name], message))
    return errors


def _row_item(row: SheetRow, sectors: Mapping[str, Sector]) -> tuple[dict[str, Any], list[RowError]]:
    """The item a row describes, or the problems of its cells (each with its row and column)."""
    values: dict[str, Any] = {name: _cell(row, name) for name in ("text", "standard", "clause")}
    errors = _text_errors(row, values)
    for name in ("is_major", "needs_check"):
        try:
            values[name] = parse_bool(_cell(row, name))
        except CellError as exc:
            errors.append(RowError(row.number, _LABELS[name], exc.message))
    sector = _cell(row, "sector")
    values["sector"] = sectors.get(_name_key(sector)) if sector else None
    if sector and values["sector"] is None:
        message = _("There is no sector “%(value)s” in this township.") % {"value": sector}
        errors.append(RowError(row.number, _LABELS["sector"], message))
    hazard_type = _cell(row, "hazard_type").strip()
    values["hazard_type"] = HAZARD_TYPE_NAMES.get(hazard_type) if hazard_type else HazardType.OTHER
    if values["hazard_type"] is None:
        message = _("Enter one of %(names)s.") % {"names": "、".join(_TYPE_LABELS)}
        errors.append(RowError(row.number, _LABELS["hazard_type"], message))
    return values, errors


def _read_items(file: IO[bytes], township_id: int) -> tuple[list[dict[str, Any]], list[RowError]]:
    try:
        rows = read_workbook_rows(file, _sheet_rows)
    except ImportFileError as exc:
        return [], [RowError(0, "", exc.message)]
    if not rows:
        return [], [RowError(0, "", _("The file contains no items below the header row."))]
    sectors = {_name_key(s.name): s for s in Sector.objects.filter(township_id=township_id, is_active=True)}
    items: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for row in rows:
        values, row_errors = _row_item(row, sectors)
        items.append(values)
        errors += row_errors
    return items, errors


@transaction.atomic
def items_import(*, template: ChecklistTemplate, file: IO[bytes], actor: User) -> ImportResult:
    """Replace the items of the template's draft by those of an Excel file; any error and nothing is changed.

    1. Only the office; the file is read and every row checked before anything is written.
    2. The draft is opened (a copy of the current version) if there is none, and its items are replaced.
    The published versions are never touched: the import becomes current only when the draft is published.
    """
    _check_office(actor, template.township_id)
    items, errors = _read_items(file, template.township_id)
    if errors:
        return ImportResult(errors=errors)
    draft = _locked_version(draft_for(template=template, actor=actor).pk)
    draft.items.all().delete()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(version=draft, order=number, **values) for number, values in enumerate(items, start=1)
    )
    return ImportResult(created=len(items))


_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WIDTHS = (6, 60, 40, 14, 12, 10, 14, 12)
_NOTES = (
    "1. 第1行为表头，请勿修改表头文字；从第2行起每行填写一个检查条目，按行的先后排序。",
    "2. “检查内容”“判定依据”必填；判定依据写标准名称，如《工贸企业重大事故隐患判定标准》（应急管理部令第10号）。",
    "3. “条款”只填核实过的条款号；不确定的留空，并在“待核实”填“是”。",
    "4. “是否重大隐患”“待核实”填“是”或“否”，留空视为“否”。",
    "5. “行业领域”留空表示与检查表相同；“隐患类别”填：" + "、".join(_TYPE_LABELS) + "。",
    "6. 导入的条目替换草稿中的全部条目；只要有一行有误，整个文件都不会导入。导入后须发布才成为现行版本。",
    "7. 以“示例”开头的行不会导入。",
)


def _items_workbook(rows: Iterable[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # noqa: S101 - a new workbook always has one sheet
    sheet.title = "检查条目"
    sheet.append([header for _f, header in ITEM_COLUMNS])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        head = sheet.cell(row=1, column=index)
        head.font = Font(bold=True, color="C00000" if ITEM_COLUMNS[index - 1][0] in _REQUIRED else "000000")
        head.fill = _HEADER_FILL
        head.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    rule = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True)
    sheet.add_data_validation(rule)
    rule.add(f"E2:F{MAX_ITEMS + 1}")
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    for line in _NOTES:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_items_template() -> bytes:
    """The .xlsx the office fills in: the header row, one example row, and a sheet of notes."""
    example = [
        1,
        f"{EXAMPLE_PREFIX}：特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的（以“示例”开头的行不会导入）",
        "《工贸企业重大事故隐患判定标准》（应急管理部令第10号）",
        "第三条",
        "是",
        "否",
        "",
        "工贸",
    ]
    return _items_workbook([example])


def items_export(*, version: ChecklistVersion) -> bytes:
    """A version's items in the import format, to edit in Excel and import again."""
    labels = {value: name for name, value in HAZARD_TYPE_NAMES.items() if name in _TYPE_LABELS}
    rows = [
        [
            number,
            item.text,
            item.standard,
            item.clause,
            "是" if item.is_major else "否",
            "是" if item.needs_check else "否",
            item.sector.name if item.sector else "",
            labels.get(item.hazard_type, "其他"),
        ]
        for number, item in enumerate(version.items.select_related("sector").order_by("order"), start=1)
    ]
    return _items_workbook(rows)
