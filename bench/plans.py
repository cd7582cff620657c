"""What the plans use: EXPLAIN (ANALYZE, BUFFERS) of a service's own figures statement.

The statement is the one ``GET /v1/indicators`` sends (shared_kit.indicators batches
every plain figure of the service into it); the summary keeps the nodes that read a
table or aggregate, with their row counts, and the totals.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import asyncpg

from shared_kit.indicators import IndicatorSpec, PeriodQuery, _batched

_KEEP = re.compile(r"Scan|Aggregate|Join|Nested Loop|Sort |Execution Time|Planning Time")


async def figures_plan(
    conn: asyncpg.Connection, specs: tuple[IndicatorSpec, ...], start: date, end: date
) -> list[str]:
    """The plan summary of ``specs``' one statement for the period (region-wide)."""
    batch = _batched(specs, False)
    args: list[Any] = batch.args(PeriodQuery(start, end, None))
    rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + batch.sql, *args)
    out = []
    for (line,) in rows:
        if not _KEEP.search(line):
            continue
        if "never executed" in line or ("(actual" in line and "rows=0." in line):
            continue  # empty tables of the bench: nothing to learn
        out.append(re.sub(r"\(cost=[^)]*\) ", "", line.rstrip()))
    return out
