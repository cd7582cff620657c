"""Partner-bank loan batches and loans, by bank and outcome (Prometheus counters)."""

from __future__ import annotations

from prometheus_client import Counter

BATCHES = Counter(
    "gxst_bank_batches",
    "Loan batches from partner banks, by bank and outcome "
    "(stored, replayed: same Idempotency-Key, refused: invalid rows, dry_run).",
    ["bank", "outcome"],
)
LOANS = Counter(
    "gxst_bank_loans",
    "Loans in partner banks' batches, by bank and outcome "
    "(created, updated, unchanged, refused: in a refused batch).",
    ["bank", "outcome"],
)


def count_stored(bank: str, *, created: int, updated: int, unchanged: int) -> None:
    BATCHES.labels(bank, "stored").inc()
    for outcome, n in (("created", created), ("updated", updated), ("unchanged", unchanged)):
        if n:
            LOANS.labels(bank, outcome).inc(n)


def count_refused(bank: str, loans: int) -> None:
    BATCHES.labels(bank, "refused").inc()
    LOANS.labels(bank, "refused").inc(loans)
