"""Enterprise import from Excel: the county's roster format in, enterprises created or updated, all or nothing.

The sheet and its columns are units.roster_sheet's; the reading, the error table, all-or-nothing and check-only are
the one pipeline's (core.spreadsheets). Every row goes through `EnterpriseForm`, so the credit-code rules, required
fields and the duplicate check are exactly those of the web form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from core.spreadsheets import CellError, ImportResult, RowError, SheetImport, SheetRow, name_key

from .credit_code import normalise_credit_code
from .forms import EnterpriseForm
from .models import Enterprise, Sector, Township, User, Village
from .phones import normalise_phone
from .roster_sheet import ROSTER_SHEET

# The columns are the web form's fields, in the form's order.
FORM_FIELDS = [column.key for column in ROSTER_SHEET.columns]
# Fields of the web form the roster has no column for: a re-import keeps what is recorded.
KEPT_FIELDS = [f for f in EnterpriseForm.Meta.fields if f not in FORM_FIELDS]
PHONE_FIELDS = frozenset(f for f in FORM_FIELDS if f.endswith("_phone"))
# 、 separates sectors but also occurs inside "商贸服务(含餐饮业、住宿业)": split outside brackets only.
# Line breaks within a cell reach here as spaces (see cell_text).
_SECTOR_SEPARATORS = frozenset("、,，;； ")
_OPEN, _CLOSE = frozenset("(（[【"), frozenset(")）]】")


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
            # "张庄" for 张庄村, unless another village is called just that.
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


def unknown_sector(text: str, names: Names) -> CellError:
    return CellError(
        _(
            "There is no sector “%(value)s” in %(township)s. The sectors are: %(names)s. If this is another name of"
            " one of them, the office can add it to that sector's other names."
        )
        % {"value": text, "township": names.township.name, "names": "、".join(names.sector_names)}
    )


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
        raise unknown_sector(text, names)
    return pk


def _other_sectors(text: str, names: Names) -> list[int | str]:
    whole = names.sector(text)  # a sector whose own name contains a separator
    return [whole] if whole is not None else [_sector(part, names) for part in split_sectors(text)]


# The columns whose text names a village or sector of the township.
_LOOKUPS = {"village": _village, "primary_sector": _sector, "other_sectors": _other_sectors}


def _convert_row(row: SheetRow, names: Names) -> tuple[dict[str, Any], list[RowError]]:
    """The row's cells as the form's values: yes/no and grade by their columns, names by the township's."""
    values, errors = ROSTER_SHEET.convert(row)
    for key, lookup in _LOOKUPS.items():
        if key in values:
            try:
                values[key] = lookup(values[key], names)
            except CellError as exc:
                del values[key]
                errors.append(ROSTER_SHEET.error(row.number, key, exc.message))
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
class RosterImport(SheetImport[Plan, ImportResult]):
    """Checks the rows one by one, remembering what earlier rows of the same file claimed, then saves them."""

    township: Township
    actor: User | None
    spec = ROSTER_SHEET
    names: Names = field(init=False)
    existing: Existing = field(init=False)
    codes: dict[str, int] = field(default_factory=dict)
    targets: dict[int, int] = field(default_factory=dict)
    name_rows: dict[tuple[str, Any], tuple[int, bool]] = field(default_factory=dict)

    def new_result(self) -> ImportResult:
        return ImportResult()

    def conflict_message(self) -> str:
        return _("Another user changed the enterprises at the same time. Nothing was imported; please try again.")

    def prepare(self, rows: list[SheetRow]) -> None:
        self.names = Names(self.township)
        self.existing = Existing(self.township)

    def plan(self, row: SheetRow) -> tuple[Plan | None, list[RowError]]:
        values, errors = _convert_row(row, self.names)
        code = normalise_credit_code(values.get("credit_code"))
        try:
            instance = self.existing.match(code, values.get("name", ""), values.get("village"))
            self._claim(row.number, code, values, instance)
        except CellError as exc:
            return None, [*errors, ROSTER_SHEET.error(row.number, exc.field, exc.message)]
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
                if f in FORM_FIELDS and f not in row.cells:
                    # The file has no such column: it is the recorded value that is wrong, and the file cannot fix it.
                    text = _("The recorded value is not valid: %(message)s Please correct it on the enterprise's page.")
                    text %= {"message": message}
                errors.append(ROSTER_SHEET.error(row.number, f, text))
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

    def count(self, plans: list[Plan], result: ImportResult) -> None:
        result.created = sum(1 for p in plans if p.created)
        result.updated = sum(1 for p in plans if not p.created and p.changed)
        result.unchanged = len(plans) - result.created - result.updated

    def write(self, plans: list[Plan], result: ImportResult) -> None:
        for plan in plans:
            if plan.changed:  # saving an unchanged enterprise would write a history row that records no change
                self._save(plan)

    def _save(self, plan: Plan) -> None:
        instance = plan.form.instance
        if plan.created:
            instance.township_id = self.township.pk
        instance._history_user = self.actor  # type: ignore[attr-defined]
        instance._change_reason = _("Imported from Excel")  # type: ignore[attr-defined]
        plan.form.save()


def enterprise_import(
    *, township: Township, file: IO[bytes], actor: User | None, dry_run: bool = False
) -> ImportResult:
    """Create and update the township's enterprises from an Excel roster; any error and nothing is written."""
    return RosterImport(township, actor).run(file, dry_run=dry_run)
