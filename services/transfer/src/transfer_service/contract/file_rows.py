"""Read a contracts spreadsheet (CSV or XLSX, by shared_kit.tabular) one row at a time,
never whole in memory.

:func:`read_rows` yields ``(row_number, cells)`` where ``row_number`` is the 1-based data
row (the header is row 0) and ``cells`` maps the canonical field name to the cell value.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import date, datetime
from typing import IO, Any

from shared_kit.codes import city_code_of
from shared_kit.errors import FieldError, ValidationFailed
from shared_kit.i18n import t
from shared_kit.import_spec import header_refused
from shared_kit.tabular import cell_text, normalise_header, open_table
from transfer_service.contract.import_columns import CONTRACTS, TYPE_NAMES

# The columns and the headers each accepts: import_columns.CONTRACTS.
REQUIRED = frozenset(c.key for c in CONTRACTS.columns if c.required)
_BY_HEADER = CONTRACTS.header_map()

MONEY_FIELDS = ("contract_amount", "tech_transaction_amount")
Rows = Generator[tuple[int, dict[str, Any]], None, None]


class BadHeader(ValidationFailed):
    code = "bad_header"
    title = t(
        "表头缺少必需的列或含有无法识别的列", "The header row does not name the required columns"
    )


def map_header(raw: list[Any]) -> tuple[list[str | None], dict[str, str]]:
    """Canonical field of each column (None to ignore) and field → header as written."""
    fields: list[str | None] = []
    written: dict[str, str] = {}
    errors: list[FieldError] = []
    for index, cell in enumerate(raw):
        name = normalise_header(cell)
        field = _BY_HEADER.get(name) if name else None
        if name and field is None:
            errors.append(
                FieldError(
                    field=str(cell),
                    code="unknown_column",
                    message=f"column {index + 1} is not a contract field",
                    row=0,
                )
            )
        elif field is not None and field in written:
            errors.append(
                FieldError(
                    field=str(cell), code="duplicate_column", message=f"{field} twice", row=0
                )
            )
            field = None
        elif field is not None:
            written[field] = str(cell).strip()
        fields.append(field)
    errors += [
        FieldError(field=f, code="missing_column", message=f"no {f} column", row=0)
        for f in sorted(REQUIRED - written.keys())
    ]
    if errors:
        raise BadHeader(header_refused(len(errors)), errors=errors)
    return fields, written


def _plain(value: Any) -> Any:
    """A cell as the schema parses it: stripped text, a date, or None when empty."""
    if type(value) is str:  # every CSV cell: the fast path
        return value.strip() or None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return cell_text(value)


def _money(value: Any) -> Any:
    text = _plain(value)
    if isinstance(text, str) and ("," in text or "，" in text or text.endswith("元")):
        text = text.replace(",", "").replace("，", "").removesuffix("元").strip()
    return text


def _day(value: Any) -> Any:
    text = _plain(value)
    if isinstance(text, str) and ("/" in text or "." in text):
        text = text.replace("/", "-").replace(".", "-")
    return text


def _type(value: Any) -> Any:
    text = _plain(value)
    if not isinstance(text, str):
        return text
    text = text.replace("（", "(").replace("）", ")")
    if text in TYPE_NAMES:
        return TYPE_NAMES[text]
    if text.endswith(")") and "(" in text:
        # "技术转让(专利实施许可)": the sub-type decides. Legacy (2001 规则) data filed
        # 专利实施许可 under 技术转让; since 2021 it is a licence (domain.md §3).
        return TYPE_NAMES.get(text[text.index("(") + 1 : -1], text)
    return text


def _city(value: Any) -> Any:
    text = _plain(value)
    return city_code_of(text) if isinstance(text, str) else text


def _region(value: Any) -> Any:
    text = _plain(value)
    return text[:-2] if isinstance(text, str) and text.endswith(".0") else text


_NORMALISERS: dict[str, Callable[[Any], Any]] = {
    "contract_amount": _money,
    "tech_transaction_amount": _money,
    "signed_on": _day,
    "registered_on": _day,
    "type": _type,
    "city": _city,
    "seller_region": _region,
    "buyer_region": _region,
}


def normalise_cell(field: str, value: Any) -> Any:
    """Spreadsheet conventions → what the schema parses: dates, money, names of codes."""
    return _NORMALISERS.get(field, _plain)(value)


def read_rows(
    f: IO[bytes], *, filename: str | None, headers: dict[str, str], max_rows: int
) -> Rows:
    """Rows of a CSV or XLSX upload; ``headers`` receives field → header as written."""
    with open_table(f, filename=filename, max_rows=max_rows) as table:
        fields, written = map_header(table.header)
        headers.update(written)
        columns = [
            (index, field, _NORMALISERS.get(field, _plain))
            for index, field in enumerate(fields)
            if field is not None
        ]
        for number, raw in table.rows:
            width = len(raw)
            # Empty cells are left out, so the schema's defaults (or "missing") apply.
            cells = {
                field: value
                for index, field, norm in columns
                if index < width and (value := norm(raw[index])) is not None
            }
            if cells:
                yield number, cells
