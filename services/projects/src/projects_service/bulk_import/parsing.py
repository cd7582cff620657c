"""Reading an uploaded CSV or XLSX into a header and string-ish cells."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from projects_service.bulk_import.exceptions import ImportFileInvalid
from shared_kit.errors import FieldError

Cell = str | None


def _file_error(code: str, message: str) -> ImportFileInvalid:
    return ImportFileInvalid(message, errors=[FieldError(field="file", code=code, message=message)])


def _cell(value: Any) -> Cell:
    """Normalise a spreadsheet cell to text; dates become ISO dates, numbers exact text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Spreadsheets store money as binary floats; repr gives the shortest exact-looking text.
        return format(Decimal(repr(value)), "f")
    text = str(value).strip()
    return text or None


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error("unreadable_encoding", "the CSV file is neither UTF-8 nor GB18030")


def _read_csv(content: bytes) -> list[list[Cell]]:
    text = _decode(content)
    if "\x00" in text:  # PostgreSQL cannot store it; a binary file read as text has it
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _file_error("nul_character", f"line {line} holds a NUL character")
    reader = csv.reader(io.StringIO(text, newline=""))
    return [[_cell(v) for v in row] for row in reader]


# What openpyxl raises for a damaged workbook; the XML parsers' errors (ElementTree's and
# lxml's) are SyntaxErrors.
_DAMAGED = (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError)


def _read_xlsx(content: bytes) -> list[list[Cell]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except _DAMAGED as exc:
        raise _file_error("unreadable_xlsx", f"not a readable XLSX workbook: {exc}") from exc
    try:
        sheet = book.worksheets[0]
        # read_only parses the sheet while it is iterated: damage shows here, not on load.
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except _DAMAGED as exc:
        raise _file_error("unreadable_xlsx", f"the sheet cannot be read: {exc}") from exc
    finally:
        book.close()


def read_table(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list[Cell]]]]:
    """The header and the non-empty data rows, each with its 1-based data-row number."""
    is_xlsx = content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")
    rows = _read_xlsx(content) if is_xlsx else _read_csv(content)
    if not rows or not any(rows[0]):
        raise _file_error("no_header", "the first row must hold the column headers")
    header = [h or "" for h in rows[0]]
    data = [(n, row) for n, row in enumerate(rows[1:], start=1) if any(c is not None for c in row)]
    return header, data
