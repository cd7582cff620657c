"""Read an uploaded CSV or XLSX sheet into header-keyed rows of text."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from shared_kit.errors import ValidationFailed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


class UnreadableFile(ValidationFailed):
    code = "unreadable_file"
    title = "The uploaded file cannot be read"


class TooManyRows(ValidationFailed):
    code = "too_many_rows"
    title = "Too many rows in one import"


def _cell(value: Any) -> str | None:
    """A spreadsheet cell as the text a CSV would hold (dates ISO, whole numbers bare)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


def _rows(header: list[Any], records: list[list[Any]]) -> list[dict[str, str]]:
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    out: list[dict[str, str]] = []
    for record in records:
        row = {}
        for name, value in zip(names, record, strict=False):
            text = _cell(value)
            if name and text is not None:
                row[name] = text
        out.append(row)
    # Trailing blank lines are not rows; blank lines in between keep their numbers.
    while out and not out[-1]:
        out.pop()
    return out


# What openpyxl raises for a damaged workbook; the XML parsers' errors (ElementTree's and
# lxml's) are SyntaxErrors.
_DAMAGED = (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError)


def read_table(body: bytes, media_type: str, *, max_rows: int) -> list[dict[str, str]]:
    """Rows keyed by lower-cased header; empty cells are absent."""
    if media_type == XLSX:
        try:
            book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
        except _DAMAGED as exc:
            raise UnreadableFile(f"not an XLSX workbook: {exc}") from exc
        try:
            # read_only parses the sheet as it is read: damage shows here, not on load.
            values = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        except _DAMAGED as exc:
            raise UnreadableFile(f"the XLSX sheet cannot be read: {exc}") from exc
        finally:
            book.close()
    else:
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnreadableFile("a CSV import must be UTF-8") from exc
        if "\x00" in text:  # PostgreSQL cannot store it (a multipart upload is not guarded)
            line = text.count("\n", 0, text.index("\x00")) + 1
            raise UnreadableFile(f"line {line} of the CSV holds a NUL character")
        values = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    if not values:
        raise UnreadableFile("the file is empty")
    rows = _rows(values[0], values[1:])
    if len(rows) > max_rows:
        raise TooManyRows(f"{len(rows)} rows; at most {max_rows} per import")
    if not rows:
        raise UnreadableFile("the file has a header but no rows")
    return rows
