"""Bulk import of the enterprise registry: check every row, then one set-based upsert.

The file is read and checked in a worker thread, batch by batch, and the valid rows are
copied (asyncpg COPY) into a temporary staging table, so the file is never whole in
memory. What needs the registry is checked in SQL over the staged rows: a USCC twice in
the file, a legacy code (failing check digit) that is neither registered nor overridden
by an admin, and, for a city bureau, a firm registered to another city. Nothing is
written unless every row is valid: staging, checks and writes share the request's one
transaction, and a dry run stops before the writes.

An existing USCC is updated (name, city, industry); a name or city change is recorded
in ``enterprise_changes`` dated ``effective_on`` (default today), as PATCH does, and the
firm's 科创贷 listings are re-sent to the banks (new ``sync_seq``).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import IO, Any

import anyio
import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.enterprise import file_rows
from enterprise_service.enterprise.exceptions import ImportInvalid
from enterprise_service.enterprise.schemas import RegistryImportSummary
from enterprise_service.kcd.models import LISTING_SYNC_SEQ
from shared_kit import scope
from shared_kit.auth import Principal, Role
from shared_kit.codes import uscc_problem
from shared_kit.db import ordered_key_sql
from shared_kit.errors import FieldError
from shared_kit.i18n import t
from shared_kit.import_spec import refused, repeats
from shared_kit.metrics import count_import

BATCH = 10_000
COLUMNS = (
    "row_no",
    "uscc",
    "name",
    "city",
    "industry",
    "effective_on",
    "override_check",
    "check_fails",
)
STAGE_DDL = """
CREATE TEMPORARY TABLE {t} (
    row_no integer NOT NULL,
    uscc varchar(18) NOT NULL,
    name varchar(200) NOT NULL,
    city varchar(6) NOT NULL,
    industry varchar(100) NOT NULL,
    effective_on date NOT NULL,
    override_check boolean NOT NULL,
    check_fails boolean NOT NULL
) ON COMMIT DROP
"""
# Registered rows the file touches, locked in USCC order (concurrent imports and PATCHes
# then queue instead of deadlocking), so the checks below hold until commit.
LOCK_SQL = """
SELECT count(*) FROM (
    SELECT 1 FROM enterprises e JOIN pg_temp.{t} s USING (uscc)
    ORDER BY e.uscc FOR UPDATE OF e
) locked
"""
# Repeated codes first (one hashed pass), then only their rows.
DUPLICATES_SQL = """
SELECT s.row_no, s.uscc, d.first_row
FROM (SELECT uscc, min(row_no) AS first_row FROM pg_temp.{t} GROUP BY uscc HAVING count(*) > 1) d
JOIN pg_temp.{t} s USING (uscc)
WHERE s.row_no <> d.first_row
ORDER BY s.row_no
"""
REGISTRY_SQL = """
SELECT s.row_no, s.uscc, e.id IS NULL AS unregistered
FROM pg_temp.{t} s LEFT JOIN enterprises e USING (uscc)
WHERE (s.check_fails AND e.id IS NULL AND NOT s.override_check)
   OR e.city <> CAST(:own AS varchar)
"""
_DIFFERS = "(e.name, e.city, e.industry) IS DISTINCT FROM (s.name, s.city, s.industry)"
COUNTS_SQL = f"""
SELECT s.city,
       count(*) FILTER (WHERE e.id IS NULL) AS created,
       count(*) FILTER (WHERE e.id IS NOT NULL AND {_DIFFERS}) AS updated,
       count(*) FILTER (WHERE e.id IS NOT NULL AND NOT {_DIFFERS}) AS unchanged,
       coalesce(sum((e.name <> s.name)::int + (e.city <> s.city)::int), 0) AS changes
FROM pg_temp.{{t}} s LEFT JOIN enterprises e USING (uscc)
GROUP BY s.city
"""
# One statement writes the file: the upsert (changing only rows that differ), the dated
# name/city history and the banks' re-sync of a changed firm's listings, both from the
# previous version the upsert returns (RETURNING old.*, PostgreSQL 18), and the counts.
APPLY_SQL = f"""
WITH up AS (
    INSERT INTO enterprises AS e
        (id, uscc, name, city, industry, check_overridden, created_at, updated_at)
    SELECT {{key}}, uscc, name, city, industry, check_fails, now(), now()
    FROM pg_temp.{{t}} ORDER BY uscc
    ON CONFLICT (uscc) DO UPDATE
    SET name = EXCLUDED.name, city = EXCLUDED.city, industry = EXCLUDED.industry,
        updated_at = now()
    WHERE (e.name, e.city, e.industry)
          IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.city, EXCLUDED.industry)
    RETURNING new.id, new.uscc, new.name, new.city, old.id IS NULL AS inserted,
              old.name AS old_name, old.city AS old_city
), changed AS (
    SELECT u.id, u.uscc, u.old_name, u.old_city, u.name, u.city, s.effective_on
    FROM up u JOIN pg_temp.{{t}} s USING (uscc)
    WHERE NOT u.inserted AND (u.old_name <> u.name OR u.old_city <> u.city)
), history AS (
    INSERT INTO enterprise_changes
        (id, enterprise_id, field, old_value, new_value, changed_on, recorded_at)
    SELECT uuidv7(), c.id, f.field, f.old, f.new, c.effective_on, now()
    FROM changed c
    CROSS JOIN LATERAL (VALUES ('name', c.old_name, c.name), ('city', c.old_city, c.city))
        AS f(field, old, new)
    WHERE f.old <> f.new
    RETURNING 1
), resync AS (
    UPDATE kcd_listings k
    SET sync_seq = nextval('{LISTING_SYNC_SEQ.schema}.{LISTING_SYNC_SEQ.name}'),
        updated_at = now()
    FROM changed c WHERE k.enterprise_uscc = c.uscc
    RETURNING 1
)
SELECT (SELECT count(*) FROM up WHERE inserted) AS created,
       (SELECT count(*) FROM up WHERE NOT inserted) AS updated,
       (SELECT count(*) FROM history) AS changes,
       (SELECT count(*) FROM resync) AS resynced,
       (SELECT json_object_agg(city, n) FROM (
            SELECT city, count(*) AS n FROM pg_temp.{{t}} GROUP BY city) c) AS by_city
"""


async def import_registry(
    session: AsyncSession,
    *,
    principal: Principal,
    file: IO[bytes],
    filename: str | None,
    media_type: str,
    dry_run: bool,
    max_rows: int,
) -> RegistryImportSummary:
    """Create or update registry entries from a CSV/XLSX file: every row or none."""
    state = file_rows.FileState(
        own_city=scope.own_city(principal),
        may_override=principal.role is Role.admin,
        max_rows=max_rows,
    )
    rows = file_rows.read_rows(file, filename=filename, media_type=media_type, state=state)
    # A name of its own: an uncommitted outer transaction may still hold an earlier one.
    table = f"enterprise_import_{uuid.uuid4().hex}"
    parsing: asyncio.Future[tuple[list[file_rows.Record], bool]] | None = None

    def next_batch() -> asyncio.Future[tuple[list[file_rows.Record], bool]]:
        # Parsing and checking are CPU work: off the event loop, in a worker thread.
        return asyncio.ensure_future(
            anyio.to_thread.run_sync(file_rows.check_batch, rows, state, BATCH)
        )

    try:
        # Through the session first: that opens the request's transaction, which the
        # staging table (ON COMMIT DROP) and the raw COPY below must live in.
        await session.execute(text(STAGE_DDL.format(t=table)))
        raw: Any = (await (await session.connection()).get_raw_connection()).driver_connection
        parsing = next_batch()
        while True:
            batch, more = await parsing
            parsing = next_batch() if more else None  # parsed while this batch is copied
            if batch:
                await raw.copy_records_to_table(
                    table, schema_name="pg_temp", columns=COLUMNS, records=batch
                )
            if parsing is None:
                break
    finally:
        if parsing is not None:  # a worker thread cannot be stopped: let it finish
            await asyncio.wait([parsing])
            if not parsing.cancelled():
                parsing.exception()  # seen: the error that stopped us is the one to report
        rows.close()  # while the upload is still open
    # The sorts of a 100,000-row file (the upsert's lock order) fit in memory.
    await session.execute(text("SET LOCAL work_mem = '32MB'"))
    if not dry_run:
        await session.execute(text(LOCK_SQL.format(t=table)))
    errors = state.errors + await _registry_errors(session, table, scope.own_city(principal))
    failed = state.failed_rows
    if len(errors) > len(state.errors):
        bad = sorted({e.row for e in errors[len(state.errors) :] if e.row is not None})
        failed += len(bad)
        # Counted without them, so a dry run tells what the rest of the file would do.
        await session.execute(
            text(f"DELETE FROM pg_temp.{table} WHERE row_no = ANY(:bad)"), {"bad": bad}
        )
    errors.sort(key=lambda e: (e.row or 0, e.field))
    summary = RegistryImportSummary(
        dry_run=dry_run,
        rows=state.rows,
        created=0,
        updated=0,
        unchanged=0,
        changes=0,
        failed=failed,
        by_city={},
        ignored_columns=state.ignored,
        errors=errors,
    )
    if errors and not dry_run:
        count_import("enterprise.enterprises", accepted=0, refused=failed)
        raise ImportInvalid(
            refused(failed, state.rows),
            errors=errors,
            # Nothing was stored, and the counts say so.
            extra={"summary": summary.model_dump(mode="json", exclude={"errors", "by_city"})},
        )
    if dry_run:
        counts = (await session.execute(text(COUNTS_SQL.format(t=table)))).all()
        summary = summary.model_copy(
            update={
                "created": sum(c.created for c in counts),
                "updated": sum(c.updated for c in counts),
                "unchanged": sum(c.unchanged for c in counts),
                "changes": sum(c.changes for c in counts),
                "by_city": {c.city: c.created + c.updated + c.unchanged for c in sorted(counts)},
            }
        )
    else:
        sql = APPLY_SQL.format(t=table, key=ordered_key_sql("row_no"))
        done = (await session.execute(text(sql))).one()
        by_city = done.by_city if isinstance(done.by_city, dict) else orjson.loads(done.by_city)
        summary = summary.model_copy(
            update={
                "created": done.created,
                "updated": done.updated,
                "unchanged": state.rows - done.created - done.updated,
                "changes": done.changes,
                "by_city": dict(sorted(by_city.items())),
            }
        )
        count_import("enterprise.enterprises", accepted=state.rows, refused=0)
    await session.execute(text(f"DROP TABLE pg_temp.{table}"))
    return summary


async def _registry_errors(
    session: AsyncSession, table: str, own_city: str | None
) -> list[FieldError]:
    """Row errors that need the staged file as a whole or the registry."""
    errors = [
        FieldError(
            field="uscc",
            code="duplicate_in_file",
            message=repeats(r.first_row),
            row=r.row_no,
        )
        for r in await session.execute(text(DUPLICATES_SQL.format(t=table)))
    ]
    found = await session.execute(text(REGISTRY_SQL.format(t=table)), {"own": own_city})
    for r in found:
        if r.unregistered:
            problem = uscc_problem(r.uscc) or t("统一社会信用代码无效", "invalid USCC")
            errors.append(
                FieldError(
                    field="uscc",
                    code="invalid_uscc",
                    message=t(
                        f"{problem}；仅管理员可登记（override_check）",
                        f"{problem.en}; only an admin may register it (override_check)",
                    ),
                    row=r.row_no,
                )
            )
        else:
            errors.append(
                FieldError(
                    field="uscc",
                    code="registered_in_other_city",
                    message=f"{r.uscc} is registered to another city; it is not this key's "
                    "to change",
                    row=r.row_no,
                )
            )
    return errors
