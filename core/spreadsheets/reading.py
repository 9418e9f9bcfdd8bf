"""Reading an uploaded workbook by its column specification.

Size and zip-bomb checks first; formulas kept as their text; the header row found below merged title rows whatever
decoration people give it (a required-star, a hint in brackets, line breaks, full-width letters); blank lines,
example lines, lines under the table (填报人, 合计) and a header repeated on every printed page skipped.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from itertools import chain, islice
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .columns import FOOTER_LINE, NUMBERING_HEADERS, Column, SheetSpec
from .results import HeaderNotFoundError, IgnoredColumn, ImportFileError, SheetData, SheetRow
from .text import cell_text, header_key

MAX_BYTES = 5 * 1024 * 1024
# A 5 MB zip can unpack to gigabytes of XML; real files stay far below this.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


class MissingHeadersError(ValueError):
    """No header row holds every required column; `missing` are those not found, as people name them."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("Missing column headers: " + "、".join(missing))
        self.missing = missing


# -- the file -------------------------------------------------------------------------------------------------


def read_upload(file: IO[bytes]) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)d MB. Please split it into smaller files.") % {"mb": MAX_BYTES // 2**20}
        )
    return data


def check_xlsx_archive(data: bytes) -> None:
    not_xlsx = _(
        "This is not an Excel .xlsx file. If it is an old .xls file or a WPS file, open it and save it as"
        " “Excel workbook (*.xlsx)”, then upload it again."
    )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError(not_xlsx) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_("The workbook is too large to import. Please split it into smaller files."))


def read_sheet(file: IO[bytes], spec: SheetSpec) -> SheetData:
    """The data rows of the named sheet, else of the first sheet that has the header row (people move the notes
    sheet to the front, too). Any way a damaged workbook can fail becomes one clear ImportFileError."""
    data = read_upload(file)
    check_xlsx_archive(data)
    unreadable = _(
        "The file could not be read as an Excel workbook; it may be damaged or protected by a password."
        " Please open it, save it again as .xlsx and upload it again."
    )
    try:
        # data_only=False: a formula comes back as its text and is never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl signals a broken file with many kinds of error
        raise ImportFileError(unreadable) from exc
    try:
        sheets = sorted(workbook.worksheets, key=lambda sheet: sheet.title != spec.sheet_name)
        return _first_with_header(sheets, spec)
    except ImportFileError:
        raise
    except Exception as exc:  # the sheet XML is parsed lazily, so a broken one fails only here
        raise ImportFileError(unreadable) from exc
    finally:
        workbook.close()


def _first_with_header(sheets: Sequence[Any], spec: SheetSpec) -> SheetData:
    first_error: HeaderNotFoundError | None = None
    for sheet in sheets:
        try:
            return sheet_rows(sheet.iter_rows(values_only=True), spec, sheet=sheet)
        except HeaderNotFoundError as exc:
            first_error = first_error or exc
    raise first_error or HeaderNotFoundError(_("The workbook contains no worksheet."))


# -- the header row -------------------------------------------------------------------------------------------


def find_header(
    rows: Iterable[Sequence[Any]], columns: Sequence[Column], max_scan: int = 10
) -> tuple[int, dict[str, int]]:
    """The header row among the first rows (title rows may sit above it).

    Returns its 1-based number and {key: 0-based column index} of the columns present (the first one where a
    column appears twice, under its header and an alias). Raises MissingHeadersError naming the required columns
    missing from the row that came closest.
    """
    wanted = {text: column.key for column in columns if not column.numbering for text in column.header_keys}
    needed = [column for column in columns if column.required]
    best: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        if number > max_scan:
            break
        found: dict[str, int] = {}
        for index, value in enumerate(row):
            key = wanted.get(header_key(value))
            if key is not None and key not in found:
                found[key] = index
        if all(column.key in found for column in needed):
            return number, found
        if len(found) > len(best):
            best = found
    raise MissingHeadersError([column.name for column in needed if column.key not in best])


def ignored_columns(header: Sequence[Any], columns: dict[str, int], spec: SheetSpec) -> list[IgnoredColumn]:
    """The header row's filled cells that no column is read from, numbering columns aside."""
    keys = {text: column.key for column in spec.read_columns for text in column.header_keys}
    texts = [cell_text(value) for value in header]
    read = set(columns.values())
    ignored: list[IgnoredColumn] = []
    for index, text in enumerate(texts):
        if not text or index in read or header_key(text) in NUMBERING_HEADERS:
            continue
        # A second column for a field already read ("企业名称" and "单位名称"): only the first one is read.
        first = columns.get(keys.get(header_key(text), ""))
        same_as = texts[first] if first is not None else ""
        ignored.append(IgnoredColumn(get_column_letter(index + 1), text, same_as))
    return ignored


# -- the rows -------------------------------------------------------------------------------------------------


def sheet_rows(values: Iterable[Sequence[Any]], spec: SheetSpec, *, sheet: Any = None) -> SheetData:
    """The data rows below the header row, as clean text by column key."""
    if sheet is not None:
        sheet.reset_dimensions()  # some tools state wrong dimensions, which would cut rows off in read-only mode
    values = iter(values)
    head = list(islice(values, spec.header_scan))
    try:
        header_row, columns = find_header(head, spec.columns, spec.header_scan)
    except MissingHeadersError as exc:
        raise HeaderNotFoundError(
            _(
                "The header row was not found: the columns %(columns)s are missing."
                " Please download the import template and keep its header row."
            )
            % {"columns": "、".join(exc.missing)}
        ) from exc
    ignored = ignored_columns(head[header_row - 1], columns, spec)
    if spec.remap is not None:
        columns = spec.remap(columns)
    order = sorted(columns, key=columns.__getitem__)
    rows: list[SheetRow] = []
    for number, raw in enumerate(chain(head[header_row:], values), start=header_row + 1):
        row = _data_row(number, raw, columns, order, spec)
        if row is None:
            continue
        rows.append(row)
        if len(rows) > spec.max_rows:
            raise ImportFileError(str(spec.too_many_rows) % {"max": spec.max_rows})
    return SheetData(rows, ignored)


def _data_row(
    number: int, raw: Sequence[Any], columns: dict[str, int], order: list[str], spec: SheetSpec
) -> SheetRow | None:
    """The row's cells by column key, or None for a row that holds no record."""
    texts = [cell_text(value) for value in raw]
    cells = {key: texts[index] if index < len(texts) else "" for key, index in columns.items()}
    read = [cells[key] for key in order if cells[key]]
    if not read:
        return None  # blank, or only columns nobody reads are filled (a pre-numbered 序号 of an empty line)
    if read[0].startswith(spec.example_prefix):
        return None
    required = [column.key for column in spec.required if column.key in cells]
    # Lines under the table ("填报人：…", "合计：12条") never fill in every required column.
    first = next(text for text in texts if text)
    if FOOTER_LINE.match(first) and not all(cells[key] for key in required):
        return None
    if required and all(header_key(cells[key]) in spec.column(key).header_keys for key in required):
        return None  # the header repeated on every printed page
    return SheetRow(number, cells)
