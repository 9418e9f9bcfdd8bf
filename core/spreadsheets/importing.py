"""The one way a sheet is imported: read, check every row, and write only when no row has a problem.

An import names its sheet specification and says three things: how one row becomes a plan (or the problems of its
cells), what the plans amount to (the counts shown after a check), and how the plans are written. The runner does
the rest the same way for every sheet: file problems as row 0, all rows checked inside one transaction so the
checks and the writes see the same data, nothing written while any problem remains or on a check-only run, the
list of problems cut after MAX_ERRORS, and a clash with another user's change reported instead of a server error.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import IO, Generic, TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .columns import SheetSpec
from .reading import read_sheet
from .results import ImportFileError, ImportResult, RowError, SheetRow

P = TypeVar("P")
R = TypeVar("R", bound=ImportResult)

# A file wrong throughout (a shifted column) would otherwise list thousands of lines.
MAX_ERRORS = 200


class SheetImport(ABC, Generic[P, R]):
    spec: SheetSpec

    @abstractmethod
    def new_result(self) -> R:
        """An empty result of this import's kind."""

    def prepare(self, rows: list[SheetRow]) -> None:
        """Inside the transaction, before the first row: take locks and load what the rows refer to."""

    @abstractmethod
    def plan(self, row: SheetRow) -> tuple[P | None, list[RowError]]:
        """What one row would write, or the problems of its cells (each with its row and column)."""

    @abstractmethod
    def count(self, plans: list[P], result: R) -> None:
        """Set the counts of the result: what the plans create, update or leave as they are."""

    @abstractmethod
    def write(self, plans: list[P], result: R) -> None:
        """Write the checked plans (never called while a row has a problem, nor on a check-only run)."""

    def conflict_message(self) -> str:
        return _("Another user changed the data at the same time. Nothing was imported; please try again.")

    def failed(self, message: str) -> R:
        result = self.new_result()
        result.errors = [RowError(0, "", message)]
        return result

    def run(self, file: IO[bytes], *, dry_run: bool = False) -> R:
        """Import the file, or only check it (`dry_run`): the result counts what was (or would be) done."""
        try:
            sheet = read_sheet(file, self.spec)
        except ImportFileError as exc:
            return self.failed(exc.message)
        if not sheet.rows:
            result = self.failed(str(self.spec.no_rows))
        else:
            try:
                with transaction.atomic():
                    result = self._run(sheet.rows, dry_run=dry_run)
                    if result.errors or dry_run:
                        transaction.set_rollback(True)
            except IntegrityError:
                return self.failed(self.conflict_message())
        result.ignored_columns = sheet.ignored_columns
        return result

    def _run(self, rows: list[SheetRow], *, dry_run: bool) -> R:
        self.prepare(rows)
        plans: list[P] = []
        result = self.new_result()
        for row in rows:
            plan, errors = self.plan(row)
            result.errors += errors
            if plan is not None:
                plans.append(plan)
            if len(result.errors) >= MAX_ERRORS:
                more = _("Only the first %(n)d problems are listed; please correct them and upload the file again.")
                result.errors.append(RowError(0, "", more % {"n": len(result.errors)}))
                break
        if result.errors:
            return result
        self.count(plans, result)
        if not dry_run:
            self.write(plans, result)
        return result
