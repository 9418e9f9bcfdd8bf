"""Rows of a ledger to hazards: every row checked against the township's villages, sectors, enterprises and
recorded hazards, and against the earlier rows of the same file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import CellError, RowError, SheetRow
from units.credit_code import normalise_credit_code, validate_credit_code
from units.importers import Names, unknown_sector
from units.models import Enterprise, Sector, Township

from ..models import Hazard, HazardType, Level, Status
from .read import LEDGER_SHEET, hazard_type_for, key_text, parse_ledger_date

TITLE_LENGTH = 40
# The cells the hazard's dates and state are read from: when one of them cannot be read, the others are not judged.
_DATE_CELLS = frozenset({"found_on", "rectified", "completed_on", "deadline", "accepted_on", "closed_on"})
_FIRE_CELLS = frozenset({"is_major_fire", "fire_judged_on"})


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
    principal_name: str = ""
    principal_phone: str = ""
    instance: Enterprise | None = None


EnterpriseRef = Enterprise | NewEnterprise | None


def duplicate_key(enterprise: Any, village_id: int | None, description: str, found_on: dt.date) -> tuple[Any, ...]:
    """The same enterprise (or, without one, the same village), the same description and the same found date."""
    place = ("enterprise", enterprise) if enterprise is not None else ("village", village_id)
    return (*place, " ".join(description.split()), found_on)


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
            self.by_name.setdefault(key_text(enterprise.name), []).append(enterprise)
        self.existing = self._existing_hazards(set(found_dates))

    def _existing_hazards(self, dates: set[dt.date]) -> dict[tuple[Any, ...], int]:
        rows = Hazard.objects.filter(township=self.township, found_on__in=dates).values_list(
            "pk", "enterprise_id", "village_id", "description", "found_on"
        )
        return {duplicate_key(e, v, d, f): pk for pk, e, v, d, f in rows}

    def village(self, text: str) -> int | None:
        # County sheets write 属地 as "某某镇", "某某镇某某村" or "某某村": the township name adds nothing.
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


def found_dates(rows: Iterable[SheetRow]) -> set[dt.date]:
    """The inspection dates the rows name, to load the hazards recorded on those days in one query."""
    dates: set[dt.date] = set()
    for row in rows:
        try:
            day = parse_ledger_date(row.get("found_on"))
        except CellError:
            continue  # reported when the row is checked
        if day is not None:
            dates.add(day)
    return dates


# -- rows to hazards --------------------------------------------------------------------------------------


@dataclass
class RowPlan:
    row: int
    values: dict[str, Any]
    enterprise: EnterpriseRef
    remark: str
    number: str = ""  # the hazard number the row came with: kept if it is the township's and free


@dataclass
class LedgerPlanner:
    """Checks the rows one by one and remembers what earlier rows of the same file claimed."""

    lookups: Lookups
    create_missing: bool
    today: dt.date
    new_by_code: dict[str, NewEnterprise] = field(default_factory=dict)
    new_by_name: dict[tuple[str, int], NewEnterprise] = field(default_factory=dict)
    seen: dict[tuple[Any, ...], int] = field(default_factory=dict)

    @property
    def new_enterprises(self) -> list[NewEnterprise]:
        return [*self.new_by_code.values(), *self.new_by_name.values()]

    def plan(self, row: SheetRow) -> tuple[RowPlan | None, list[RowError]]:
        """The hazard a row describes, or the problems of its cells; the cells are read by the sheet's columns
        first (dates, method, 是/否), and a cell that cannot be read is not judged again by the checks here."""
        parsed, errors = LEDGER_SHEET.convert(row)
        failed = set(row.cells) - set(parsed)

        def attempt(field_name: str, check: Callable[..., Any], *args: Any) -> Any:
            try:
                return check(*args)
            except CellError as exc:
                errors.append(LEDGER_SHEET.error(row.number, exc.field or field_name, exc.message))
                return None

        village_id = attempt("village", self.lookups.village, row.get("village"))
        sector = attempt("sector", self.lookups.sector, row.get("sector"))
        enterprise = attempt("credit_code", self._enterprise, row.number, row.cells, village_id, sector)
        values = None if failed & _DATE_CELLS else attempt("found_on", self._dates_and_status, parsed)
        attempt("description", self._text_fields, row.cells, values)
        if not failed & _FIRE_CELLS:
            attempt("is_major_fire", self._major_fire, row.cells, parsed, values)
        if errors or values is None:
            return None, errors
        values["channel"] = parsed["method"]
        values["level"] = parsed.get("level") or Level.MAJOR
        values["production_stopped"] = bool(parsed.get("production_stopped"))
        if values["status"] != Status.CLOSED:  # accepted by nobody yet, whatever the row says
            values["accepted_by_unit"] = values["accepted_by_person"] = ""
        if values.get("is_major_fire") and values["level"] != Level.MAJOR:
            return None, [LEDGER_SHEET.error(row.number, "level", _("A major fire hazard is a major hazard."))]
        try:
            self._place(values, enterprise, village_id, sector)
            self._claim(row.number, values, enterprise)
        except CellError as exc:
            return None, [LEDGER_SHEET.error(row.number, exc.field, exc.message)]
        return RowPlan(row.number, values, enterprise, row.get("remark"), number=row.get("hazard_number")), []

    # -- the enterprise -----------------------------------------------------------------------------------

    @staticmethod
    def _principal(cells: dict[str, str]) -> tuple[str, str]:
        """主要负责人 and phone, recorded only on an enterprise the import registers (an existing one keeps its own)."""
        name, phone = cells.get("principal", ""), cells.get("principal_phone", "")
        cells_and_fields = ((name, "principal", "principal_name"), (phone, "principal_phone", "principal_phone"))
        for text, column, field_name in cells_and_fields:
            limit = getattr(Enterprise._meta.get_field(field_name), "max_length", None)
            if limit and len(text) > limit:
                raise CellError(_("At most %(n)d characters.") % {"n": limit}, column)
        return name, phone

    def _enterprise(
        self, number: int, cells: dict[str, str], village_id: int | None, sector: Sector | None
    ) -> EnterpriseRef:
        code = normalise_credit_code(cells.get("credit_code"))
        name = cells.get("enterprise_name", "")
        if code:
            found: EnterpriseRef = self.lookups.by_code.get(code) or self.new_by_code.get(code)
            return found or self._missing(number, code, name, village_id, sector, cells)
        if not name:
            return None  # a road, a self-built house without a licence: the hazard belongs to the village
        matches = [e for e in self.lookups.by_name.get(key_text(name), []) if village_id in (None, e.village_id)]
        if len(matches) > 1:
            raise CellError(
                _("Several enterprises are named “%(name)s”; enter the credit code to say which one is meant.")
                % {"name": name},
                "credit_code",
            )
        if matches:
            return matches[0]
        return self.new_by_name.get((key_text(name), village_id or 0)) or self._missing(
            number, "", name, village_id, sector, cells
        )

    def _missing(
        self, number: int, code: str, name: str, village_id: int | None, sector: Sector | None, cells: dict[str, str]
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
        return self._new_enterprise(number, code, name, village_id, sector, cells)

    def _new_enterprise(
        self, number: int, code: str, name: str, village_id: int | None, sector: Sector | None, cells: dict[str, str]
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
        new = NewEnterprise(number, name, code, village_id, sector.pk, *self._principal(cells))
        if code:
            self.new_by_code[code] = new
        else:
            self.new_by_name[(key_text(name), village_id)] = new
        return new

    # -- the hazard's own fields --------------------------------------------------------------------------

    def _dates_and_status(self, parsed: dict[str, Any]) -> dict[str, Any]:
        found_on: dt.date | None = parsed.get("found_on")
        if found_on is None:
            raise CellError(_("The inspection date is required."))
        if found_on > self.today:
            raise CellError(_("The inspection date lies in the future."))
        done: dt.date | None = parsed.get("completed_on")
        if done is not None and done < found_on:
            raise CellError(_("The completion date lies before the inspection date."), "completed_on")
        deadline: dt.date | None = parsed.get("deadline")
        if deadline is not None and deadline < found_on:
            raise CellError(_("The deadline lies before the inspection date."), "deadline")
        values: dict[str, Any] = {"found_on": found_on, "confirmed_at": _at_noon(found_on)}
        if parsed["rectified"]:
            values.update(self._closed(done, parsed))
            values["deadline"] = deadline or done
        elif deadline or done:
            # The county sheet has no deadline column: a date on an open hazard is the date it must be done by.
            values.update(status=Status.RECTIFYING, deadline=deadline or done)
        else:
            values.update(status=Status.CONFIRMED)
        return values

    def _closed(self, done: dt.date | None, parsed: dict[str, Any]) -> dict[str, Any]:
        """A rectified row is imported closed: accepted (验收) on its acceptance date, else the day it was done;
        closed (销号) on its closing date, else the day it was accepted."""
        if done is None:
            raise CellError(_("A rectified hazard needs its completion date."), "completed_on")
        if done > self.today:
            raise CellError(_("The completion date of a rectified hazard cannot lie in the future."), "completed_on")
        accepted: dt.date = parsed.get("accepted_on") or done
        closed: dt.date = parsed.get("closed_on") or accepted
        if not done <= accepted <= self.today:
            raise CellError(_("The acceptance date lies between the completion date and today."), "accepted_on")
        if not accepted <= closed <= self.today:
            raise CellError(_("The closing date lies between the acceptance date and today."), "closed_on")
        return {
            "status": Status.CLOSED,
            "completed_on": done,
            "accepted_on": accepted,
            "verified_at": _at_noon(accepted),
            "closed_at": _at_noon(closed),
        }

    def _text_fields(self, cells: dict[str, str], values: dict[str, Any] | None) -> None:
        description = cells.get("description", "")
        if not description:
            raise CellError(_("The hazard description is required."))
        unit, inspector = cells.get("reporting_unit", ""), cells.get("inspector", "")
        # 上报单位 is who found it; the inspectors' names are kept beside it rather than lost.
        found_by = f"{unit}（{inspector}）" if unit and inspector else unit or inspector
        texts = {
            "description": description,
            "title": cells.get("title") or description[:TITLE_LENGTH],
            "location": cells.get("location", ""),
            "found_by": found_by,
            "basis": cells.get("basis", ""),
            "clause": cells.get("clause", ""),
            "measures": cells.get("measures", ""),
            "responsible_person": cells.get("responsible_person", ""),
            "progress_note": cells.get("progress_note", ""),
            "remarks": cells.get("remark", ""),
            "accepted_by_unit": cells.get("accepted_by_unit", ""),
            "accepted_by_person": cells.get("accepted_by_person", ""),
        }
        for name, text in texts.items():
            limit = getattr(Hazard._meta.get_field(name), "max_length", None)
            if limit and len(text) > limit:
                column = {"found_by": "reporting_unit"}.get(name, name)
                raise CellError(_("At most %(n)d characters.") % {"n": limit}, column)
        if values is not None:
            values.update(texts)

    def _major_fire(self, cells: dict[str, str], parsed: dict[str, Any], values: dict[str, Any] | None) -> None:
        """重大火灾隐患 (§7, GB 35181): flagged only with the authority and its document; a fire hazard, major."""
        judged_by, document = cells.get("fire_judged_by", ""), cells.get("fire_judgement_document", "")
        judged_on: dt.date | None = parsed.get("fire_judged_on")
        if not parsed.get("is_major_fire"):
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
