"""One spreadsheet pipeline, driven by column specifications (columns.py): reading an upload (reading.py), the
import runner with its error table, all-or-nothing and check-only (importing.py), the shared import page
(views.py), report sheets for every export (writing.py) and the downloadable template (template.py).

`core` is the lowest layer: nothing here imports another app of the project.
"""

from .columns import (
    EXAMPLE_PREFIX,
    FOOTER_LINE,
    NUMBERING_HEADERS,
    Column,
    SheetSpec,
    parse_bool,
    yes_no,
)
from .importing import MAX_ERRORS, SheetImport
from .reading import MAX_BYTES, MissingHeadersError, check_xlsx_archive, find_header, read_sheet, sheet_rows
from .results import (
    CellError,
    HeaderNotFoundError,
    IgnoredColumn,
    ImportFileError,
    ImportResult,
    RowError,
    SheetData,
    SheetRow,
)
from .template import ChoiceList, template_workbook
from .text import cell_text, header_key, name_key, safe_cell, strip_control
from .writing import DATE_FORMAT, HEADER_ROW, MONEY_FORMAT, ReportWriter, filler_line

__all__ = [
    "DATE_FORMAT",
    "EXAMPLE_PREFIX",
    "FOOTER_LINE",
    "HEADER_ROW",
    "MAX_BYTES",
    "MAX_ERRORS",
    "MONEY_FORMAT",
    "NUMBERING_HEADERS",
    "CellError",
    "ChoiceList",
    "Column",
    "HeaderNotFoundError",
    "IgnoredColumn",
    "ImportFileError",
    "ImportResult",
    "MissingHeadersError",
    "ReportWriter",
    "RowError",
    "SheetData",
    "SheetImport",
    "SheetRow",
    "SheetSpec",
    "cell_text",
    "check_xlsx_archive",
    "filler_line",
    "find_header",
    "header_key",
    "name_key",
    "parse_bool",
    "read_sheet",
    "safe_cell",
    "sheet_rows",
    "strip_control",
    "template_workbook",
    "yes_no",
]
