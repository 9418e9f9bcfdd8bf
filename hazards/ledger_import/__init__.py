"""Import of an existing ledger: the county's monthly major-hazard detail sheet in, major hazards out, all or nothing.

read: the sheet's columns and how its cells are read; plan: rows checked against the township's records and each
other; write: the import itself; template: the downloadable template. Reading, the error table, all-or-nothing and
check-only are the one spreadsheet pipeline's (core.spreadsheets).
"""

from .plan import LedgerPlanner, duplicate_key
from .read import (
    LEDGER_COLUMNS,
    LEDGER_SHEET,
    METHODS,
    hazard_type_for,
    parse_ledger_date,
    parse_method,
    parse_rectified,
)
from .template import TEMPLATE_FILENAME, build_ledger_template
from .write import LedgerImport, LedgerImportResult, ledger_import

__all__ = [
    "LEDGER_COLUMNS",
    "LEDGER_SHEET",
    "METHODS",
    "TEMPLATE_FILENAME",
    "LedgerImport",
    "LedgerImportResult",
    "LedgerPlanner",
    "build_ledger_template",
    "duplicate_key",
    "hazard_type_for",
    "ledger_import",
    "parse_ledger_date",
    "parse_method",
    "parse_rectified",
]
