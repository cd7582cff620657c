"""Reading a service-log file (CSV or XLSX) into typed rows and per-cell errors.

Only the file's own content is checked here; rules that need the database
(the dispatch, its city and date, duplicates) are applied by the service.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from shared_kit.errors import FieldError

COLUMNS = ("dispatch_id", "village_code", "served_on", "days", "content", "outcome")
REQUIRED = ("dispatch_id", "village_code", "served_on", "days", "content")

# Headers a city bureau's spreadsheet may use; compared after NFKC, trimming and lower-casing.
_ALIASES: dict[str, tuple[str, ...]] = {
    "dispatch_id": ("派出记录编号", "选派记录编号", "选派编号", "派遣记录编号", "dispatch"),
    "village_code": (
        "村(社区)代码",
        "村(社区)编码",
        "村社区代码",
        "服务村代码",
        "村级代码",
        "村代码",
        "社区代码",
        "village",
    ),
    "served_on": ("服务日期", "下乡日期", "日期", "date"),
    "days": ("服务天数", "下乡天数", "天数", "天次"),
    "content": ("服务内容", "内容"),
    "outcome": ("服务成效", "成效", "服务成果"),
}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
MAX_TEXT = 5000


def _norm(header: Any) -> str:
    text = unicodedata.normalize("NFKC", str(header or ""))
    return "".join(text.split()).strip("*").lower()


HEADER_MAP: dict[str, str] = {
    _norm(alias): column for column, aliases in _ALIASES.items() for alias in (column, *aliases)
}


class UnsupportedFile(Exception):
    """Neither CSV text nor an XLSX workbook."""


@dataclass(slots=True)  # 100,000 of these may be alive at once
class ParsedRow:
    row: int  # 1-based data row: the first row under the header is 1
    dispatch_id: uuid.UUID | None = None
    village_code: str | None = None
    served_on: date | None = None
    days: int | None = None
    content: str | None = None
    outcome: str = ""
    errors: list[FieldError] = field(default_factory=list)

    def fail(self, column: str, code: str, message: str) -> None:
        self.errors.append(FieldError(field=column, code=code, message=message, row=self.row))


@dataclass
class ParsedFile:
    rows: list[ParsedRow]
    header_errors: list[FieldError]


def _records(content: bytes) -> Iterator[list[Any]]:
    if content[:4] == b"PK\x03\x04":
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # a zip that is not a workbook
            raise UnsupportedFile("the file is a ZIP archive but not an XLSX workbook") from exc
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            while True:
                # read_only parses the sheet as it is read: damage shows here, not on load.
                try:
                    values = next(rows)
                except StopIteration:
                    break
                except Exception as exc:
                    raise UnsupportedFile("the XLSX workbook is damaged") from exc
                yield list(values)
        finally:
            workbook.close()
        return
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Chinese Windows saves CSV as GB18030 (a superset of GBK).
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise UnsupportedFile("CSV must be UTF-8 or GB18030 text") from exc
    if "\x00" in text:
        raise UnsupportedFile("not a CSV text file")
    yield from csv.reader(io.StringIO(text, newline=""))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)  # the common case, in C
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parse_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    return int(text) if text.isdigit() else None


def parse(content: bytes, *, max_rows: int) -> ParsedFile:
    """Typed rows with their cell errors; header problems stop before any row is read."""
    records = _records(content)
    header = next(records, None)
    if header is None:
        return ParsedFile([], [FieldError(field="file", code="empty_file", message="no header")])
    positions: dict[str, int] = {}
    header_errors = []
    for index, raw in enumerate(header):
        column = HEADER_MAP.get(_norm(raw))
        if column is None:
            continue  # extra columns (序号, 备注…) are ignored
        if column in positions:
            header_errors.append(
                FieldError(
                    field=column,
                    code="duplicate_column",
                    message=f"two columns mean {column}: {header[positions[column]]!r}, {raw!r}",
                )
            )
        positions[column] = index
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        header_errors.append(
            FieldError(
                field="file",
                code="missing_columns",
                message="missing column(s): "
                + ", ".join(f"{c} ({_ALIASES[c][0]})" for c in missing),
            )
        )
    if header_errors:
        return ParsedFile([], header_errors)

    rows: list[ParsedRow] = []
    number = 0
    today = date.today()
    for values in records:
        number += 1
        cells = {c: values[i] if i < len(values) else None for c, i in positions.items()}
        if all(_blank(v) for v in cells.values()):
            continue  # trailing or spacer rows
        if len(rows) >= max_rows:
            return ParsedFile(
                [],
                [
                    FieldError(
                        field="file",
                        code="too_many_rows",
                        message=f"at most {max_rows} data rows per file",
                    )
                ],
            )
        rows.append(_parse_row(number, cells, today))
    if not rows:
        return ParsedFile([], [FieldError(field="file", code="no_rows", message="no data rows")])
    return ParsedFile(rows, [])


def _parse_row(number: int, cells: dict[str, Any], today: date) -> ParsedRow:
    row = ParsedRow(row=number)
    for column in REQUIRED:
        if _blank(cells.get(column)):
            row.fail(column, "missing", f"{column} is required")
    value = cells.get("dispatch_id")
    if not _blank(value):
        try:
            row.dispatch_id = uuid.UUID(_text(value))
        except ValueError:
            row.fail("dispatch_id", "invalid_uuid", "not a dispatch id (UUID)")
    value = cells.get("village_code")
    if not _blank(value):
        code = _text(value)
        if code.isdigit() and len(code) in (9, 12):
            row.village_code = code
        else:
            row.fail("village_code", "invalid_village_code", "a village code has 9 or 12 digits")
    value = cells.get("served_on")
    if not _blank(value):
        served = _parse_date(value)
        if served is None:
            row.fail("served_on", "invalid_date", f"{_text(value)!r} is not a date (YYYY-MM-DD)")
        elif served > today:
            row.fail("served_on", "date_in_future", "served_on is in the future")
        else:
            row.served_on = served
    value = cells.get("days")
    if not _blank(value):
        days = _parse_int(value)
        if days is None:
            row.fail("days", "invalid_integer", f"{_text(value)!r} is not a whole number")
        elif not 1 <= days <= 31:
            row.fail("days", "out_of_range", "days must be between 1 and 31")
        else:
            row.days = days
    for column in ("content", "outcome"):
        value = cells.get(column)
        if _blank(value):
            continue
        text = _text(value)
        if len(text) > MAX_TEXT:
            row.fail(column, "too_long", f"at most {MAX_TEXT} characters")
        elif column == "content":
            row.content = text
        else:
            row.outcome = text
    return row
