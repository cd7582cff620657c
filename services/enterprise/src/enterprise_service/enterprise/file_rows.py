"""Read an enterprise registry file (CSV or XLSX) one row at a time and check each row.

Only what a row says by itself is checked here (codes, names, dates, the bureau's city);
what needs the registry (legacy codes, another city's firm, duplicates) is checked in SQL
by :mod:`enterprise_service.enterprise.bulk` over the staged rows. The file is never held
whole in memory: CSV is decoded as a stream, XLSX read with openpyxl's read-only mode.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import date
from operator import mul
from typing import IO, Any

from enterprise_service.bulk_import.columns import ENTERPRISES
from enterprise_service.enterprise.exceptions import BadHeader
from shared_kit.codes import GUANGXI_CITIES, USCC_CHARSET, USCC_WEIGHTS, city_code_of, uscc_problem
from shared_kit.errors import FieldError
from shared_kit.import_spec import header_refused
from shared_kit.tabular import NoRows, cell_date, cell_text, normalise_header, open_table

# The staging order; the headers each column accepts are in bulk_import.columns.
COLUMNS = ("uscc", "name", "city", "county", "industry", "effective_on", "override_check")
REQUIRED = ("uscc", "name", "industry")  # and city or county
MAX_NAME, MAX_INDUSTRY = 200, 100
# Nothing in the registry describes an event before the People's Republic.
EARLIEST = date(1949, 10, 1)
_TRUE = frozenset({"true", "1", "yes", "y", "是"})
_FALSE = frozenset({"false", "0", "no", "n", "否"})
_USCC_CHARS = frozenset(USCC_CHARSET)


HEADER_MAP = ENTERPRISES.header_map()

# (row number, uscc, name, city, industry, effective_on, override_check, check_fails):
# the staging table's columns, in order.
Record = tuple[int, str, str, str, str, date, bool, bool]
RawRows = Iterator[tuple[int, list[Any]]]


@dataclass
class FileState:
    """What the reader learns as it goes: the header, counts and every row error."""

    own_city: str | None
    may_override: bool
    max_rows: int
    today: date = field(default_factory=date.today)
    positions: dict[str, int] = field(default_factory=dict)
    index: tuple[int, ...] = ()  # position of each of COLUMNS, -1 when absent
    ignored: list[str] = field(default_factory=list)
    rows: int = 0
    errors: list[FieldError] = field(default_factory=list)
    failed_rows: int = 0


def map_header(header: list[Any], state: FileState) -> None:
    """Column positions by canonical name; 422 ``bad_header`` listing every problem."""
    problems: list[FieldError] = []
    for index, raw in enumerate(header):
        column = HEADER_MAP.get(normalise_header(raw))
        if column is None:
            if normalise_header(raw):
                state.ignored.append(str(raw).strip())  # 序号, 法定代表人, 备注…
            continue
        if column in state.positions:
            problems.append(
                FieldError(
                    field=column,
                    code="duplicate_column",
                    message=f"two columns mean {column}: "
                    f"{header[state.positions[column]]!r} and {raw!r}",
                    row=0,
                )
            )
            continue
        state.positions[column] = index
    missing = [c for c in REQUIRED if c not in state.positions]
    if "city" not in state.positions and "county" not in state.positions:
        missing.append("city")
    problems += [
        FieldError(
            field=c,
            code="missing_column",
            message=f"no {c} ({ENTERPRISES.column(c).header}) column"
            + (" (or county, 区县代码)" if c == "city" else ""),
            row=0,
        )
        for c in missing
    ]
    if problems:
        raise BadHeader(header_refused(len(problems)), errors=problems)
    state.index = tuple(state.positions.get(c, -1) for c in COLUMNS)


def _text(value: Any) -> str:
    return cell_text(value) or ""


_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}


def uscc_status(value: str) -> tuple[str | None, bool]:
    """(why ``value`` is no USCC, or None; whether only its check digit fails)."""
    if len(value) == 18 and _USCC_CHARS.issuperset(value) and value[2:8].isdigit():
        # GB 32100 check digit, as shared_kit.codes computes it, in C-level loops:
        # 31 - (sum mod 31), with 31 read as 0, is (-sum) mod 31.
        total = sum(map(mul, map(_VALUE.__getitem__, value[:17]), USCC_WEIGHTS))
        return None, USCC_CHARSET[-total % 31] != value[17]
    return uscc_problem(value) or "not a USCC", False


def check_row(number: int, cells: list[Any], state: FileState) -> Record | None:
    """The staging record of a valid row; otherwise its errors go to ``state.errors``."""
    width = len(cells)
    at = state.index
    uscc, name, city, county, industry, when, flag = (
        cells[i] if 0 <= i < width else None for i in at
    )
    errors: list[FieldError] = []

    def fail(column: str, code: str, message: str) -> None:
        errors.append(FieldError(field=column, code=code, message=message, row=number))

    uscc = _text(uscc)
    if not uscc.isascii():
        uscc = unicodedata.normalize("NFKC", uscc)  # full-width letters and digits
    uscc = uscc.upper()
    check_fails = False
    if not uscc:
        fail("uscc", "missing", "uscc (统一社会信用代码) is required")
    else:
        problem, check_fails = uscc_status(uscc)
        # A legacy pilot code fails only its check digit: the registry decides (bulk.py).
        if problem is not None:
            fail("uscc", "invalid_uscc", problem)

    name = _text(name)
    if not name:
        fail("name", "missing", "name (企业名称) is required")
    elif len(name) > MAX_NAME:
        fail("name", "too_long", f"at most {MAX_NAME} characters")

    industry = _text(industry)
    if not industry:
        fail("industry", "missing", "industry (所属行业) is required")
    elif len(industry) > MAX_INDUSTRY:
        fail("industry", "too_long", f"at most {MAX_INDUSTRY} characters")

    written = _text(city)
    city = city_code_of(written)
    if city and city not in GUANGXI_CITIES:
        fail("city", "invalid_city", f"{written!r} is not one of the region's 14 cities")
        city = ""
    county = _text(county)
    if county:
        in_city = county[:4] + "00"
        if not (len(county) == 6 and county.isdigit()):
            fail("county", "invalid_county", f"{county!r} is not a 6-digit division code")
        elif in_city not in GUANGXI_CITIES:
            fail("county", "invalid_county", f"{county} lies in none of the region's cities")
        elif city and in_city != city:
            fail("county", "county_not_in_city", f"{county} is not a county of {city}")
        else:
            city = in_city
    elif not written:
        fail("city", "missing", "city (所在城市) or county (区县代码) is required")
    if city and state.own_city is not None and city != state.own_city:
        fail("city", "city_not_allowed", f"this key may only write city {state.own_city}")

    effective_on = state.today
    if when is not None and (shown := _text(when)):
        day = cell_date(when)
        if day is None:
            fail("effective_on", "invalid_date", f"{shown!r} is not a date (YYYY-MM-DD)")
        elif day > state.today:
            fail("effective_on", "date_in_future", "effective_on is in the future")
        elif day < EARLIEST:
            fail("effective_on", "date_out_of_range", f"effective_on is before {EARLIEST}")
        else:
            effective_on = day

    override = False
    if flag := _text(flag).lower():
        if flag in _TRUE:
            override = check_fails  # a valid code needs no override
        elif flag not in _FALSE:
            fail("override_check", "invalid_boolean", f"{flag!r} is not true/false (是/否)")
    if override and not state.may_override:
        fail("override_check", "override_not_allowed", "override_check is reserved to admins")

    if errors:
        state.errors += errors
        state.failed_rows += 1
        return None
    return (number, uscc, name, city, industry, effective_on, override, check_fails)


def check_batch(rows: RawRows, state: FileState, size: int) -> tuple[list[Record], bool]:
    """Check up to ``size`` non-blank rows: the valid ones as staging records, and
    whether rows may follow."""
    records: list[Record] = []
    read = 0
    for number, cells in itertools.islice(rows, size):
        read += 1
        state.rows += 1
        record = check_row(number, cells, state)
        if record is not None:
            records.append(record)
    return records, read == size


def read_rows(
    f: IO[bytes], *, filename: str | None, media_type: str, state: FileState
) -> Generator[tuple[int, list[Any]], None, None]:
    """Numbered non-blank data rows of the file; the header lands in ``state``."""
    table = open_table(f, filename=filename, media_type=media_type, max_rows=state.max_rows)
    try:
        map_header(table.header, state)
        wanted = sorted(state.positions.values())
        seen = False
        for number, values in table.rows:
            # Rows blank in the registry's columns (a 序号 alone) are skipped too.
            if any(i < len(values) and values[i] is not None and _text(values[i]) for i in wanted):
                seen = True
                yield number, values
        if not seen:
            raise NoRows("文件只有表头，没有数据行")
    finally:
        table.close()  # the workbook, or the text wrapper around the upload
