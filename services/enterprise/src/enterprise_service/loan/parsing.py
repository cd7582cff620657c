"""Parse and validate a bank's loan batch (JSON or CSV) into column arrays.

Pure Python, no database: every row is checked and every failing row reported, so
the batch can be refused as a whole (docs/bank-api.md). Column arrays feed one
``INSERT … SELECT FROM unnest(…)`` statement.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from enterprise_service.enterprise.service import only_check_digit_fails
from enterprise_service.loan.models import GUARANTEES, LOAN_STATUSES
from shared_kit.codes import uscc_problem
from shared_kit.errors import FieldError, ValidationFailed
from shared_kit.i18n import one_of, t
from shared_kit.tabular import (
    CSV,
    NoRows,
    TooManyRows,
    UnreadableFile,
    normalise_header,
    open_table,
)

COLUMNS = (
    "contract_no",
    "uscc",
    "enterprise_name",
    "amount",
    "disbursed_on",
    "maturity_on",
    "annual_rate",
    "guarantee",
    "status",
)
MAX_AMOUNT = Decimal("9999999999999999.99")
MAX_RATE = Decimal("100")


class BatchInvalid(ValidationFailed):
    code = "batch_invalid"
    title = t(
        "批次中有错误的数据行，未保存任何数据", "The batch has invalid rows; nothing was stored"
    )


class MalformedBatch(ValidationFailed):
    code = "malformed_batch"
    title = t("无法读取批次内容", "The batch body cannot be read")


class BatchTooLarge(ValidationFailed):
    code = "batch_too_large"
    title = t("一个批次中的贷款过多", "Too many loans in one batch")


@dataclass
class ParsedBatch:
    batch_ref: str | None
    format: str
    columns: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in COLUMNS})
    errors: list[FieldError] = field(default_factory=list)
    # Rows whose USCC only fails its check digit: fine if the registry holds it by override.
    legacy_uscc_rows: dict[str, list[int]] = field(default_factory=dict)

    @property
    def received(self) -> int:
        return len(self.columns["contract_no"])


def read_rows(
    body: bytes, media_type: str, *, batch_ref: str | None, max_rows: int
) -> tuple[str | None, str, list[Any]]:
    """(batch_ref, format, raw rows) from a JSON or CSV body."""
    if media_type == "application/json":
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise MalformedBatch(t(f"JSON 格式有误：{exc}", f"invalid JSON: {exc}")) from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("loans"), list):
            raise MalformedBatch(
                t(
                    '应为 {"batch_ref": "...", "loans": [...]}',
                    'expected {"batch_ref": "...", "loans": [...]}',
                )
            )
        ref = doc.get("batch_ref")
        if ref is not None and (not isinstance(ref, str) or len(ref) > 200):
            raise MalformedBatch(
                t(
                    "batch_ref 须为不超过 200 个字符的字符串",
                    "batch_ref must be a string of at most 200 characters",
                )
            )
        return ref, "json", list(doc["loans"])
    return batch_ref, "csv", _csv_rows(body, max_rows)


def _csv_rows(body: bytes, max_rows: int) -> list[dict[str, str]]:
    """The loans of a CSV batch, read like every uploaded table (shared_kit.tabular);
    a file it refuses is the bank's ``malformed_batch``, too many rows ``batch_too_large``."""
    try:
        with open_table(io.BytesIO(body), media_type=CSV, max_rows=max_rows) as table:
            header = [normalise_header(h) for h in table.header]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise MalformedBatch(
                    t(
                        f"CSV 表头缺少 {', '.join(missing)}",
                        f"CSV header lacks {', '.join(missing)}",
                    ),
                    errors=[
                        FieldError(
                            field=c, code="missing_column", message=t("必填列", "required column")
                        )
                        for c in missing
                    ],
                )
            return [dict(zip(header, cells, strict=False)) for _, cells in table.rows]
    except TooManyRows as exc:
        raise BatchTooLarge(exc.detail) from exc
    except (UnreadableFile, NoRows) as exc:
        raise MalformedBatch(exc.detail, errors=exc.errors) from exc


def _text(value: Any, max_len: int) -> str | None:
    if isinstance(value, str):
        v = value.strip()
        return v if 0 < len(v) <= max_len else None
    return None


def _decimal(value: Any, places: int) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None  # floats are refused: money travels as decimal strings
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        return None
    return d


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _collector(errs: list[tuple[str, str, str]]) -> Any:
    def bad(fld: str, code: str, msg: str) -> None:
        errs.append((fld, code, msg))

    return bad


# The fast path's shapes: plain digits only, so a match is a finite Decimal with at most
# 2 (amount) or 4 (rate) decimals whose range needs no further check.
_AMOUNT_SHAPE = re.compile(r"[0-9]{1,16}(?:\.[0-9]{1,2})?")
_RATE_SHAPE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,4})?")
_FAST_MISS = (KeyError, AttributeError, TypeError, ValueError)
_UNSEEN = "unseen"  # never a uscc_problem() answer (those are sentences)


def validate_rows(
    rows: list[Any], *, batch_ref: str | None, fmt: str, max_rows: int, today: date
) -> ParsedBatch:
    """Check every row; valid ones go into column arrays, every failure into ``errors``.

    Each row first takes a fast path that only accepts what :func:`_check_row` accepts
    (and yields the same values); anything else, including every row with an error,
    goes through :func:`_check_row`, which names each failing field.
    """
    if len(rows) > max_rows:
        raise BatchTooLarge(
            t(
                f"共 {len(rows)} 笔贷款；每批最多 {max_rows} 笔",
                f"{len(rows)} loans; at most {max_rows} per batch",
            )
        )
    if not rows:
        raise MalformedBatch(t("批次中没有贷款", "the batch holds no loans"))
    out = ParsedBatch(batch_ref=batch_ref, format=fmt)
    cols = out.columns
    seen: dict[str, int] = {}
    # Batches repeat borrowers: check each distinct USCC once.
    uscc_checked: dict[str, str | None] = {}
    amount_shape, rate_shape = _AMOUNT_SHAPE.fullmatch, _RATE_SHAPE.fullmatch
    iso = date.fromisoformat
    c_contract, c_uscc, c_name = cols["contract_no"], cols["uscc"], cols["enterprise_name"]
    c_amount, c_disbursed, c_maturity = cols["amount"], cols["disbursed_on"], cols["maturity_on"]
    c_rate, c_guarantee, c_status = cols["annual_rate"], cols["guarantee"], cols["status"]
    for n, raw in enumerate(rows, start=1):
        try:
            contract_no = raw["contract_no"].strip()
            uscc = raw["uscc"].strip().upper()
            name = raw["enterprise_name"].strip()
            amount_text = raw["amount"].strip()
            rate_text = raw["annual_rate"].strip()
            disbursed = iso(raw["disbursed_on"].strip())
            maturity = iso(raw["maturity_on"].strip())
            guarantee = raw["guarantee"].strip()
            status = raw["status"].strip()
        except _FAST_MISS:
            fast = False
        else:
            problem = uscc_checked.get(uscc, _UNSEEN)
            if problem is _UNSEEN:
                problem = uscc_checked[uscc] = uscc_problem(uscc)
            fast = (
                0 < len(contract_no) <= 64
                and contract_no not in seen
                and problem is None
                and 0 < len(name) <= 200
                and amount_shape(amount_text) is not None
                and rate_shape(rate_text) is not None
                and disbursed <= today
                and maturity > disbursed
                and guarantee in GUARANTEES
                and status in LOAN_STATUSES
            )
            if fast:
                amount, rate = Decimal(amount_text), Decimal(rate_text)
                fast = amount > 0 and rate <= MAX_RATE
        if fast:
            seen[contract_no] = n
            c_contract.append(contract_no)
            c_uscc.append(uscc)
            c_name.append(name)
            c_amount.append(amount)
            c_disbursed.append(disbursed)
            c_maturity.append(maturity)
            c_rate.append(rate)
            c_guarantee.append(guarantee)
            c_status.append(status)
            continue
        _check_row(out, raw, n, seen=seen, uscc_checked=uscc_checked, today=today)
    return out


def _check_row(
    out: ParsedBatch,
    raw: Any,
    n: int,
    *,
    seen: dict[str, int],
    uscc_checked: dict[str, str | None],
    today: date,
) -> None:
    """Validate one row field by field, recording each failure or appending the row."""
    errs: list[tuple[str, str, str]] = []
    bad = _collector(errs)
    if not isinstance(raw, dict):
        bad("loan", "not_an_object", t("每笔贷款须为一个对象", "each loan is an object"))
        out.errors += [FieldError(field=f, code=c, message=m, row=n) for f, c, m in errs]
        return
    contract_no = _text(raw.get("contract_no"), 64)
    if contract_no is None:
        bad("contract_no", "invalid_contract_no", t("须为 1–64 个字符", "1–64 characters required"))
    elif contract_no in seen:
        bad(
            "contract_no",
            "duplicate_contract_no",
            t(f"与第 {seen[contract_no]} 行重复", f"also in row {seen[contract_no]}"),
        )
    else:
        seen[contract_no] = n
    uscc_raw = raw.get("uscc")
    uscc = uscc_raw.strip().upper() if isinstance(uscc_raw, str) else ""
    if uscc in uscc_checked:
        problem = uscc_checked[uscc]
    else:
        problem = uscc_checked[uscc] = uscc_problem(uscc)
    if problem is not None:
        if only_check_digit_fails(uscc):
            out.legacy_uscc_rows.setdefault(uscc, []).append(n)
        else:
            bad("uscc", "invalid_uscc", problem)
    name = _text(raw.get("enterprise_name"), 200)
    if name is None:
        bad("enterprise_name", "invalid_name", t("须为 1–200 个字符", "1–200 characters required"))
    amount = _decimal(raw.get("amount"), 2)
    if amount is None:
        bad(
            "amount",
            "invalid_amount",
            t(
                "以元为单位的十进制数字字符串，最多 2 位小数",
                "a decimal string in yuan with at most 2 decimals",
            ),
        )
    elif not Decimal(0) < amount <= MAX_AMOUNT:
        bad("amount", "invalid_amount", t("须大于 0", "must be > 0"))
    disbursed = _date(raw.get("disbursed_on"))
    if disbursed is None:
        bad("disbursed_on", "invalid_date", t("须为 YYYY-MM-DD 格式的日期", "YYYY-MM-DD required"))
    elif disbursed > today:
        bad(
            "disbursed_on",
            "date_in_future",
            t("放款日期不能晚于今天", "a loan cannot be disbursed in the future"),
        )
    maturity = _date(raw.get("maturity_on"))
    if maturity is None:
        bad("maturity_on", "invalid_date", t("须为 YYYY-MM-DD 格式的日期", "YYYY-MM-DD required"))
    elif disbursed is not None and maturity <= disbursed:
        bad(
            "maturity_on",
            "maturity_before_disbursement",
            t("须晚于放款日期（disbursed_on）", "must be after disbursed_on"),
        )
    rate = _decimal(raw.get("annual_rate"), 4)
    if rate is None or not Decimal(0) <= rate <= MAX_RATE:
        bad(
            "annual_rate",
            "invalid_rate",
            t("0–100 之间的百分数，最多 4 位小数", "a percentage 0–100 with at most 4 decimals"),
        )
    guarantee = raw.get("guarantee")
    guarantee = guarantee.strip() if isinstance(guarantee, str) else guarantee
    if guarantee not in GUARANTEES:
        bad("guarantee", "invalid_guarantee", one_of(GUARANTEES))
    status = raw.get("status")
    status = status.strip() if isinstance(status, str) else status
    if status not in LOAN_STATUSES:
        bad("status", "invalid_status", one_of(LOAN_STATUSES))
    if errs:
        out.errors += [FieldError(field=f, code=c, message=m, row=n) for f, c, m in errs]
        return
    cols = out.columns
    cols["contract_no"].append(contract_no)
    cols["uscc"].append(uscc)
    cols["enterprise_name"].append(name)
    cols["amount"].append(amount)
    cols["disbursed_on"].append(disbursed)
    cols["maturity_on"].append(maturity)
    cols["annual_rate"].append(rate)
    cols["guarantee"].append(guarantee)
    cols["status"].append(status)


def reject_legacy(batch: ParsedBatch, registered_legacy: set[str]) -> None:
    """Turn check-digit failures the registry does not hold by override into row errors."""
    for uscc, rows in batch.legacy_uscc_rows.items():
        if uscc in registered_legacy:
            continue
        problem = uscc_problem(uscc) or t("统一社会信用代码无效", "invalid USCC")
        batch.errors += [
            FieldError(field="uscc", code="invalid_uscc", message=problem, row=n) for n in rows
        ]
    batch.errors.sort(key=lambda e: e.row or 0)
