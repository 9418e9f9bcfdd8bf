"""Every write to a checklist template: creating it, editing its draft, publishing, importing items from Excel.

Versioning (§6, SPEC S3): a published version is never changed. Editing opens a draft — a new version that starts
as a copy of the current published one — and publishing the draft makes it the current version. An inspection keeps
the version it was done with, so later edits never change history. Only the township safety office writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import WorkflowError
from core.spreadsheets import ImportResult
from hazards.models import HazardType
from units.access import get_scope
from units.models import Sector, Township, User

from .checklist_sheets import ItemsImport
from .models import ChecklistItem, ChecklistTemplate, ChecklistVersion

__all__ = [
    "ITEM_FIELDS",
    "VersionChanges",
    "WorkflowError",
    "checklist_create",
    "checklist_update",
    "draft_for",
    "item_add",
    "item_delete",
    "item_move",
    "item_update",
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


# -- importing items ---------------------------------------------------------------------------------------------


@transaction.atomic
def items_import(*, template: ChecklistTemplate, file: IO[bytes], actor: User, dry_run: bool = False) -> ImportResult:
    """Replace the items of the template's draft by those of an Excel file; any error and nothing is changed.

    1. Only the office; the file is read and every row checked (checklist_sheets) before anything is written.
    2. Unless this is a check only: the draft is opened (a copy of the current version) if there is none, and its
       items are replaced. The published versions are never touched: the import becomes current only when the draft
       is published.
    """
    _check_office(actor, template.township_id)

    def replace(items: list[dict[str, Any]]) -> None:
        draft = _locked_version(draft_for(template=template, actor=actor).pk)
        draft.items.all().delete()
        ChecklistItem.objects.bulk_create(
            ChecklistItem(version=draft, order=number, **values) for number, values in enumerate(items, start=1)
        )

    return ItemsImport(township_id=template.township_id, replace=replace).run(file, dry_run=dry_run)
