"""Streaming readers for uploaded tables (CSV or the first sheet of an XLSX workbook).

Each yields a file's records as lists of raw cell values without holding the file in
memory; what the columns mean stays with the importing service. A file that cannot be
read raises ``error(message)``, the caller's own problem type, so every import answers a
damaged or non-text upload with its stable 4xx code instead of a 500.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import IO, Any

from openpyxl import load_workbook

ErrorFactory = Callable[[str], Exception]
Records = Generator[list[Any], None, None]


def csv_encoding(f: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) when the head decodes as such, else GB18030."""
    head = f.read(256 * 1024)
    f.seek(0)
    try:
        # An incremental decoder tolerates a character cut at the end of the sample.
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"  # what Excel writes for Chinese CSV on Windows
    return "utf-8-sig"


def _without_nul(lines: Iterable[str], error: ErrorFactory) -> Iterator[str]:
    """The lines, refusing a NUL character (PostgreSQL cannot store it) where it occurs."""
    for number, line in enumerate(lines, start=1):
        if "\x00" in line:
            raise error(f"CSV: line {number} holds a NUL character")
        yield line


def csv_records(f: IO[bytes], *, error: ErrorFactory) -> Records:
    text = io.TextIOWrapper(f, encoding=csv_encoding(f), newline="")
    try:
        yield from csv.reader(_without_nul(text, error))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise error(f"CSV: {exc}") from exc
    finally:
        text.detach()  # the upload owns the file


def xlsx_records(f: IO[bytes], *, error: ErrorFactory) -> Records:
    try:
        # read_only streams the sheet XML row by row instead of building the workbook.
        book = load_workbook(f, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise error(f"not an XLSX workbook: {exc}") from exc
    try:
        if not book.worksheets:
            raise error("the workbook has no sheet")
        rows = book.worksheets[0].iter_rows(values_only=True)
        while True:
            try:
                values = next(rows, None)
            except Exception as exc:  # a damaged sheet fails only when it is read
                raise error(f"XLSX: {exc}") from exc
            if values is None:
                return
            yield list(values)
    finally:
        book.close()


def is_xlsx(f: IO[bytes], filename: str | None, media_type: str = "") -> bool:
    """By the ZIP magic number, the media type or the file name."""
    magic = f.read(4)
    f.seek(0)
    if magic == b"PK\x03\x04":
        return True
    return media_type.endswith(".sheet") or (filename or "").lower().endswith((".xlsx", ".xlsm"))


def table_records(
    f: IO[bytes], *, filename: str | None, media_type: str = "", error: ErrorFactory
) -> Records:
    reader = xlsx_records if is_xlsx(f, filename, media_type) else csv_records
    return reader(f, error=error)
