"""The batch validator's fast path accepts exactly what the field-by-field check accepts."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from enterprise_service.loan import parsing

TODAY = date(2024, 6, 30)
GOOD = {
    "contract_no": "C-1",
    "uscc": "914501005794165304",
    "enterprise_name": "南宁某科技",
    "amount": "1000000.00",
    "disbursed_on": "2023-03-01",
    "maturity_on": "2024-03-01",
    "annual_rate": "3.45",
    "guarantee": "credit",
    "status": "disbursed",
}
ODD: list[Any] = [
    None, 5, 5.5, True, [], "", " ", "1e2", "+5", "0", "0.00", "-1", "1.234", " 12.5 ", "100",
    "100.0001", "99.99999", "101", "１２３", "12_3", "NaN", "Infinity", "0000000000000000001.00",
    "9999999999999999.99", "99999999999999999", "2023-02-30", "2099-01-01", "20230301",
    " 2023-03-01 ", "2023-03-02", "2024-03-01", " credit", "CREDIT", "repaid", "cancelled ",
    "x" * 65, "x" * 64, "x" * 201, "914501005794165304".lower(), "914501005794165305",
    "91350100M0001TGQXM", "C-1", " C-2 ",
]  # fmt: skip


def slow(rows: list[Any]) -> parsing.ParsedBatch:
    """The field-by-field check alone, row after row."""
    out = parsing.ParsedBatch(batch_ref=None, format="json")
    seen: dict[str, int] = {}
    checked: dict[str, str | None] = {}
    for n, raw in enumerate(rows, start=1):
        parsing._check_row(out, raw, n, seen=seen, uscc_checked=checked, today=TODAY)
    return out


def summary(batch: parsing.ParsedBatch) -> Any:
    errors = [(e.row, e.field, e.code, e.message) for e in batch.errors]
    columns = {k: [(type(v), str(v)) for v in vs] for k, vs in batch.columns.items()}
    return errors, columns, batch.legacy_uscc_rows


def test_fast_path_matches_the_field_by_field_check() -> None:
    rng = random.Random(9421)
    for _ in range(1500):
        rows: list[Any] = []
        for i in range(6):
            row: dict[str, Any] = dict(GOOD, contract_no=f"C-{i}")
            for _ in range(rng.randint(0, 2)):
                field = rng.choice(list(GOOD))
                if rng.random() < 0.1:
                    row.pop(field, None)
                else:
                    row[field] = rng.choice(ODD)
            rows.append(row if rng.random() > 0.03 else rng.choice(["x", 5, None]))
        fast = parsing.validate_rows(rows, batch_ref=None, fmt="json", max_rows=10, today=TODAY)
        assert summary(fast) == summary(slow(rows))
