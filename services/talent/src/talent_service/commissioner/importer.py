"""Reading a service-log file (CSV or XLSX) into typed rows and per-cell errors.

Only the file's own content is checked here; rules that need the database
(the dispatch, its city and date, duplicates) are applied by the service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from shared_kit.errors import FieldError
from shared_kit.i18n import t
from shared_kit.tabular import cell_date, cell_text, normalise_header, open_table
from talent_service.commissioner.import_columns import SERVICE_LOGS

# The columns and the headers each accepts: import_columns.SERVICE_LOGS.
REQUIRED = tuple(c.key for c in SERVICE_LOGS.columns if c.required)
HEADER_MAP = SERVICE_LOGS.header_map()
MAX_TEXT = 5000


_NO_ERRORS: tuple[FieldError, ...] = ()


@dataclass(slots=True)  # 100,000 of these may be alive at once: keep each small
class ParsedRow:
    row: int  # 1-based data row: the first row under the header is 1
    dispatch_id: uuid.UUID | None = None
    village_code: str | None = None
    served_on: date | None = None
    days: int | None = None
    content: str | None = None
    outcome: str = ""
    # Shared and empty until the row's first error: most rows never get one.
    errors: list[FieldError] | tuple[FieldError, ...] = _NO_ERRORS

    def fail(self, column: str, code: str, message: str) -> None:
        if not isinstance(self.errors, list):
            self.errors = []
        self.errors.append(FieldError(field=column, code=code, message=message, row=self.row))


@dataclass
class ParsedFile:
    rows: list[ParsedRow]
    header_errors: list[FieldError]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    return cell_text(value) or ""


def _parse_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    return int(text) if text.isdigit() else None


def parse(f: IO[bytes], filename: str | None, *, max_rows: int) -> ParsedFile:
    """Typed rows with their cell errors; header problems stop before any row is read."""
    with open_table(f, filename=filename, max_rows=max_rows) as table:
        header = table.header
        positions: dict[str, int] = {}
        header_errors = []
        for index, raw in enumerate(header):
            column = HEADER_MAP.get(normalise_header(raw))
            if column is None:
                continue  # extra columns (序号, 备注…) are ignored
            if column in positions:
                header_errors.append(
                    FieldError(
                        field=column,
                        code="duplicate_column",
                        message=f"two columns mean {column}: "
                        f"{header[positions[column]]!r}, {raw!r}",
                    )
                )
            positions[column] = index
        missing = [c for c in REQUIRED if c not in positions]
        header_errors += [
            FieldError(
                field=c,
                code="missing_column",
                message=f"no {c} ({SERVICE_LOGS.column(c).header}) column",
            )
            for c in missing
        ]
        if header_errors:
            return ParsedFile([], header_errors)

        rows: list[ParsedRow] = []
        today = date.today()
        # Rows repeat the same dispatches, villages, dates and stock phrases: one object
        # for each value instead of one per cell (every row stays alive until the insert).
        seen: dict[Any, Any] = {}
        for number, values in table.rows:
            cells = {c: values[i] if i < len(values) else None for c, i in positions.items()}
            if all(_blank(v) for v in cells.values()):
                continue  # rows with only extra columns filled
            row = _parse_row(number, cells, today)
            for name in _SHARED:
                value = getattr(row, name)
                if value is not None:
                    setattr(row, name, seen.setdefault(value, value))
            rows.append(row)
        del seen
    if not rows:
        return ParsedFile(
            [],
            [
                FieldError(
                    field="file",
                    code="no_rows",
                    message=t("文件只有表头，没有数据行", "no data rows"),
                )
            ],
        )
    return ParsedFile(rows, [])


_SHARED = ("dispatch_id", "village_code", "served_on", "content")


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
        served = cell_date(value)
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
