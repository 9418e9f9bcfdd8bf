"""What an import reports: problems by row and column, the columns it leaves out, and the counts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowError:
    row: int  # the Excel row number the user sees; 0 for a problem with the whole file
    column: str  # the column as people name it (its header without the required-star); "" when not one cell's
    message: str


@dataclass(frozen=True)
class IgnoredColumn:
    """A column of the file that is not imported, so the check result can say so instead of dropping it silently."""

    letter: str  # the Excel column letter, "M"
    header: str  # as the file writes it
    same_as: str = ""  # when another column of the file is read for the same field: that column's header


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0  # matched an existing record whose data were already the same
    ignored_columns: list[IgnoredColumn] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole cannot be imported; `message` tells the user why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class HeaderNotFoundError(ImportFileError):
    pass


class CellError(Exception):
    """A cell that cannot be used; `field` names its column when the caller does not know it."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class SheetRow:
    number: int  # the Excel row number
    cells: dict[str, str]  # column key -> clean text, for the columns the file has

    def get(self, key: str) -> str:
        return self.cells.get(key, "")


@dataclass
class SheetData:
    """The data rows of a sheet below its header row, and the columns of the file that are not read."""

    rows: list[SheetRow]
    ignored_columns: list[IgnoredColumn]
