"""The ledger import itself: the county's major-hazard detail sheet in, major hazards out, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.dates import local_today
from core.spreadsheets import ImportResult, RowError, SheetImport, SheetRow, strip_control
from units.models import Enterprise, Township, User

from ..models import Hazard, HazardEvent
from ..numbering import NumberBook, registration_year
from .plan import LedgerPlanner, Lookups, NewEnterprise, RowPlan, found_dates
from .read import LEDGER_SHEET

BULK_BATCH = 1000


@dataclass
class LedgerImportResult(ImportResult):
    enterprises_created: int = 0


class LedgerImport(SheetImport[RowPlan, LedgerImportResult]):
    spec = LEDGER_SHEET

    def __init__(self, *, township: Township, actor: User | None, filename: str, create_missing: bool) -> None:
        self.township = township
        self.actor = actor
        self.filename = _clean_filename(filename)
        self.create_missing = create_missing
        self.planner: LedgerPlanner | None = None

    def new_result(self) -> LedgerImportResult:
        return LedgerImportResult()

    def prepare(self, rows: list[SheetRow]) -> None:
        # One ledger import per township at a time: the duplicate check must see the rows of the one before.
        Township.objects.select_for_update().filter(pk=self.township.pk).first()
        lookups = Lookups(self.township, found_dates(rows))
        self.planner = LedgerPlanner(lookups, self.create_missing, local_today())

    def plan(self, row: SheetRow) -> tuple[RowPlan | None, list[RowError]]:
        assert self.planner is not None  # noqa: S101 - prepare() runs before the first row
        return self.planner.plan(row)

    def count(self, plans: list[RowPlan], result: LedgerImportResult) -> None:
        assert self.planner is not None  # noqa: S101 - prepare() runs before the first row
        result.created = len(plans)
        result.enterprises_created = len(self.planner.new_enterprises)

    def write(self, plans: list[RowPlan], result: LedgerImportResult) -> None:
        """Enterprises first (hazards refer to them), then the hazards with their history, then one event each."""
        assert self.planner is not None  # noqa: S101 - prepare() runs before the first row
        reason = _("Imported from the ledger file “%(file)s”") % {"file": self.filename}
        self._create_enterprises(self.planner.new_enterprises, reason)
        hazards = [self._hazard(plan) for plan in plans]
        self._number(hazards, plans)
        # bulk_create writes no history rows; this writes them in bulk too, with who and why.
        hazards = bulk_create_with_history(
            hazards, Hazard, batch_size=BULK_BATCH, default_user=self.actor, default_change_reason=reason
        )
        events = [
            HazardEvent(
                hazard=hazard,
                action=HazardEvent.Action.IMPORTED,
                to_status=hazard.status,
                actor=self.actor,
                note=self._event_note(plan),
            )
            for hazard, plan in zip(hazards, plans, strict=True)
        ]
        HazardEvent.objects.bulk_create(events, batch_size=BULK_BATCH)

    def _number(self, hazards: list[Hazard], plans: list[RowPlan]) -> None:
        """Every imported hazard is registered, so numbered: the number it came with when it is this township's
        and free, else the next of its year of registration — the kept ones first, so a new one never takes a
        number a later row keeps. The township row is locked since prepare()."""
        book = NumberBook(self.township.pk)
        kept = [book.keep(plan.number) for plan in plans]
        for hazard, plan, keep in zip(hazards, plans, kept, strict=True):
            hazard.number = plan.number if keep else book.take(registration_year(hazard.confirmed_at, hazard.found_on))

    def _create_enterprises(self, new: list[NewEnterprise], reason: str) -> None:
        for item in new:
            enterprise = Enterprise(
                township=self.township,
                name=item.name,
                credit_code=item.credit_code or None,
                village_id=item.village_id,
                primary_sector_id=item.sector_id,
                principal_name=item.principal_name,
                principal_phone=item.principal_phone,
            )
            enterprise._history_user = self.actor  # type: ignore[attr-defined]
            enterprise._change_reason = reason  # type: ignore[attr-defined]
            enterprise.save()
            item.instance = enterprise

    def _hazard(self, plan: RowPlan) -> Hazard:
        enterprise = plan.enterprise.instance if isinstance(plan.enterprise, NewEnterprise) else plan.enterprise
        return Hazard(
            township=self.township,
            enterprise=enterprise,
            is_imported=True,
            reported_by=self.actor,
            **plan.values,
        )

    def _event_note(self, plan: RowPlan) -> str:
        note = _("Imported from the ledger file “%(file)s”, row %(row)d.") % {"file": self.filename, "row": plan.row}
        if plan.remark:
            note += " " + _("Remark: %(remark)s") % {"remark": plan.remark}
        return note


def _clean_filename(filename: str) -> str:
    name = strip_control(PurePath(filename.replace("\\", "/")).name).strip()
    return name[:200] or "ledger.xlsx"


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
    importer = LedgerImport(
        township=township, actor=actor, filename=filename, create_missing=create_missing_enterprises
    )
    return importer.run(file, dry_run=dry_run)
