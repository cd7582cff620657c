"""A cheap version of a service's data: what its indicator ``ETag``s are built from.

Every table of a service's schema gets a statement-level ``AFTER INSERT OR UPDATE OR
DELETE OR TRUNCATE`` trigger that appends one row to ``data_changes``; the version is
``sum(weight)`` over that table, read in one statement. Why this shape:

- A counter row updated by every writer would be locked from a transaction's first
  write until its commit, serialising writers and adding deadlocks between
  transactions that touch the same rows in different orders. Appends never wait.
- A sequence would be bumped before the writer commits: a reader could tag an answer
  that lacks the write with the new version and keep serving it after the commit.
  ``sum(weight)`` counts only committed (snapshot-visible) rows, so it moves exactly
  when a write becomes visible.
- Now and then (1 write in 256) a writer folds the log into one row of the same total
  weight, under a try-lock so two writers never fold at once and nobody waits.

The migration helper :func:`install` creates the objects; :func:`attach_all`, run after
every ``alembic upgrade`` (shared_kit.migrations), attaches the trigger to every table
of the schema but those a service exempts, so a table added later is counted without
anyone remembering to. A test walks each service's metadata to prove it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

from shared_kit.db import ReadConn

LOG_TABLE = "data_changes"
TRIGGER = "data_version_bump"
FUNCTION = "data_version_bump"
FOLD_EVERY = 256  # one write in this many folds the log back into one row

# Tables that never feed a figure may be exempted by a service; these two are never counted.
ALWAYS_EXEMPT = frozenset({LOG_TABLE, "alembic_version"})
EXEMPT_KEY = "data_version_exempt"  # in a service's MetaData.info: its one declaration


def install_sql(schema: str) -> list[str]:
    """The log table and the trigger function of ``schema`` (idempotent)."""
    return [
        f'CREATE TABLE IF NOT EXISTS "{schema}".{LOG_TABLE} ('
        " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        " weight bigint NOT NULL DEFAULT 1)",
        f'INSERT INTO "{schema}".{LOG_TABLE} (weight) SELECT 1'
        f' WHERE NOT EXISTS (SELECT 1 FROM "{schema}".{LOG_TABLE})',
        f"""CREATE OR REPLACE FUNCTION "{schema}".{FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO "{schema}".{LOG_TABLE} (weight) VALUES (1);
  IF random() < 1.0 / {FOLD_EVERY}
     AND pg_try_advisory_xact_lock(hashtext('{schema}.{LOG_TABLE}')) THEN
    WITH gone AS (DELETE FROM "{schema}".{LOG_TABLE} RETURNING weight)
    INSERT INTO "{schema}".{LOG_TABLE} (weight) SELECT sum(weight) FROM gone;
  END IF;
  RETURN NULL;
END
$fn$""",
    ]


def attach_sql(schema: str, table: str) -> str:
    return (
        f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
        f' ON "{schema}"."{table}" FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".{FUNCTION}()'
    )


def install(conn: Connection, schema: str) -> None:
    """Create the log and the function (a migration's upgrade); :func:`attach_all` follows."""
    for stmt in install_sql(schema):
        conn.execute(text(stmt))


def uninstall(conn: Connection, schema: str) -> None:
    conn.execute(text(f'DROP FUNCTION IF EXISTS "{schema}".{FUNCTION}() CASCADE'))
    conn.execute(text(f'DROP TABLE IF EXISTS "{schema}".{LOG_TABLE}'))


def attach_all(conn: Connection, schema: str, exempt: Iterable[str] = ()) -> list[str]:
    """Attach the trigger to every ordinary table of ``schema`` not yet carrying it.

    Does nothing before the migration that installs the function has run. Returns the
    tables it attached to.
    """
    installed = conn.execute(
        text(
            "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = :s AND p.proname = :f"
        ),
        {"s": schema, "f": FUNCTION},
    ).scalar()
    if not installed:
        return []
    skip = ALWAYS_EXEMPT | set(exempt)
    missing = [
        t
        for t in conn.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = :s AND c.relkind IN ('r', 'p') AND NOT EXISTS ("
                "  SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = :t)"
                " ORDER BY c.relname"
            ),
            {"s": schema, "t": TRIGGER},
        ).scalars()
        if t not in skip
    ]
    for table in missing:
        conn.execute(text(attach_sql(schema, table)))
    return missing


def exempt_tables(metadata: MetaData) -> frozenset[str]:
    """The tables a service declares as never feeding a figure (``metadata.info``)."""
    return frozenset(metadata.info.get(EXEMPT_KEY, ()))


def triggered_tables(conn: Connection, schema: str) -> set[str]:
    """The tables of ``schema`` whose writes move its data version."""
    return set(
        conn.execute(
            text(
                "SELECT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = :s AND g.tgname = :t"
            ),
            {"s": schema, "t": TRIGGER},
        ).scalars()
    )


def _version_sql(schema: str) -> str:
    return f'SELECT coalesce(sum(weight), 0) FROM "{schema}".{LOG_TABLE}'


async def current(conn: ReadConn, schema: str) -> int:
    """The committed data version of ``schema``: one small aggregate, one round trip on a
    read connection (no transaction to open or close)."""
    return int(await conn.fetchval(_version_sql(schema)))


def strong_etag(*parts: object) -> str:
    """A strong entity tag over ``parts`` (a data version, the query, the caller's scope)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()
    return f'"{digest}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: ``*`` or any listed tag (weak comparison suffices for GET)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))
