"""Loading a bench table fast: its indexes and constraints set aside while it fills.

Maintaining a dozen indexes (a random-UUID primary key among them) row by row costs
several times the insert itself once the table outgrows shared buffers; building each
index once at the end is one sort. So :func:`bulk_fill` drops the table's secondary
indexes, its own foreign keys and the unique constraints nothing references, runs the
statement that fills it (``INSERT … SELECT`` over ``generate_series`` or a ``COPY``),
puts every one back exactly as it was (its stored definition), and ends with
``VACUUM ANALYZE`` so the planner has statistics and index-only scans a visibility map,
as on a table that has lived a while.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg


def draw(salt: int, column: str = "g") -> str:
    """SQL: a pseudo-random non-negative integer per row of ``column`` (a generate_series
    of ints), one independent stream per ``salt`` (0…15)."""
    return f"abs(hashint4({column} * 16 + {salt})::bigint)"


_CONSTRAINTS = """
SELECT c.conname, pg_get_constraintdef(c.oid)
FROM pg_constraint c
WHERE c.conrelid = $1::regclass
  AND (c.contype = 'f'
       OR (c.contype IN ('p', 'u') AND NOT EXISTS (
             SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.confrelid = c.conrelid)))
ORDER BY c.contype  -- dropped f, p, u; put back u, p, f
"""
_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = $1::regclass
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
"""


async def bulk_fill(
    conn: asyncpg.Connection, table: str, fill: Callable[[], Awaitable[Any]]
) -> None:
    """Run ``fill()`` on ``table`` ("schema.name") without index upkeep, then rebuild."""
    constraints = await conn.fetch(_CONSTRAINTS, table)
    indexes = await conn.fetch(_INDEXES, table)
    for name, _ in constraints:
        await conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        await conn.execute(f"DROP INDEX {name}")
    await fill()
    await conn.execute("SET maintenance_work_mem = '512MB'")
    for name, definition in reversed(constraints):
        await conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _, definition in indexes:
        await conn.execute(definition)
    await conn.execute("RESET maintenance_work_mem")
    await conn.execute(f"VACUUM ANALYZE {table}")
