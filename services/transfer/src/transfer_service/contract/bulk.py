"""Bulk import of technology contracts: validate every row, then one set-based upsert.

Rows are parsed and validated in a worker thread, batch by batch, and copied into a
temporary staging table with asyncpg's COPY; the file is never held whole in memory.
Nothing reaches ``tech_contracts`` unless every row is valid: the staging, the
classification and the final ``INSERT … ON CONFLICT`` all run in the request's one
transaction, and a dry run simply stops before the final statement.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import IO, Any

import anyio
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.codes import GUANGXI_CITIES
from shared_kit.corrections import WITHDRAWN
from shared_kit.db import ordered_key_sql
from shared_kit.errors import AppError, FieldError, ValidationFailed
from shared_kit.i18n import t
from shared_kit.import_spec import refused, repeats
from shared_kit.metrics import count_import
from shared_kit.period_lock import (
    assert_rows_unlocked,
    locked_rows_json,
    locked_rows_sql,
    refuse_locked_json,
)
from transfer_service.contract.file_rows import Rows, read_rows
from transfer_service.contract.schemas import ImportSummary, TechContractCreate, rule_errors
from transfer_service.db import SCHEMA
from transfer_service.party import party_city

BATCH = 5_000
STAGE = "tech_contracts_import"
# Columns the file sets; with the derived cities they are what an update may change.
DATA_COLUMNS = (
    "registration_no",
    "type",
    "title",
    "seller_name",
    "seller_uscc",
    "seller_region",
    "seller_city",
    "buyer_name",
    "buyer_uscc",
    "buyer_region",
    "buyer_city",
    "contract_amount",
    "tech_transaction_amount",
    "signed_on",
    "registered_on",
    "city",
)
_UPDATABLE = [c for c in DATA_COLUMNS if c != "registration_no"]
_STAGE_DDL = f"""
CREATE TEMP TABLE {STAGE} (
    row_no integer NOT NULL,
    registration_no varchar(32) NOT NULL,
    type varchar(32) NOT NULL,
    title varchar(300) NOT NULL,
    seller_name varchar(200) NOT NULL,
    seller_uscc varchar(18),
    seller_region varchar(6) NOT NULL,
    seller_city varchar(6),
    buyer_name varchar(200) NOT NULL,
    buyer_uscc varchar(18),
    buyer_region varchar(6) NOT NULL,
    buyer_city varchar(6),
    contract_amount numeric(18, 2) NOT NULL,
    tech_transaction_amount numeric(18, 2) NOT NULL,
    signed_on date NOT NULL,
    registered_on date NOT NULL,
    city varchar(6) NOT NULL
) ON COMMIT DROP
"""


class ImportRowsInvalid(ValidationFailed):
    code = "import_rows_invalid"
    title = t(
        "部分行有错误，未导入任何数据", "Some rows of the file are invalid; nothing was imported"
    )


@dataclass
class _Validated:
    headers: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    errors: list[FieldError] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # registration no → first row


def _row_errors(number: int, exc: ValidationError, headers: dict[str, str]) -> list[FieldError]:
    out = []
    for err in exc.errors():
        loc = err.get("loc", ())
        name = str(loc[0]) if loc else "row"
        out.append(
            FieldError(
                field=headers.get(name, name),
                code=str(err.get("type", "invalid")),
                message=str(err.get("msg", "invalid")),
                row=number,
            )
        )
    return out


def _validate_batch(
    rows: Rows,
    state: _Validated,
    own_city: str | None,
) -> list[tuple[Any, ...]]:
    """Validate up to BATCH rows; return the valid ones as staging records."""
    records: list[tuple[Any, ...]] = []
    for number, cells in itertools.islice(rows, BATCH):
        state.rows += 1
        problems: list[FieldError] = []
        # The city is judged on the cell, so a row that fails elsewhere too is told
        # about both in this one pass.
        city = cells.get("city")
        if own_city is not None and city in GUANGXI_CITIES and city != own_city:
            problems.append(
                FieldError(
                    field=state.headers.get("city", "city"),
                    code="city_not_allowed",
                    message=f"this key may only register contracts in city {own_city}",
                    row=number,
                )
            )
        try:
            data = TechContractCreate.model_validate(cells)
        except ValidationError as exc:
            state.errors += problems + _row_errors(number, exc, state.headers)
            continue
        problems += [
            e.model_copy(update={"row": number, "field": state.headers.get(e.field, e.field)})
            for e in rule_errors(data, prefix="")
        ]
        if data.registration_no in state.seen:
            problems.append(
                FieldError(
                    field=state.headers.get("registration_no", "registration_no"),
                    code="duplicate_in_file",
                    message=repeats(state.seen[data.registration_no]),
                    row=number,
                )
            )
        state.seen.setdefault(data.registration_no, number)
        if problems:
            state.errors += problems
            continue
        records.append(
            (
                number,
                data.registration_no,
                data.type,
                data.title,
                data.seller_name,
                data.seller_uscc,
                data.seller_region,
                party_city(data.seller_region),
                data.buyer_name,
                data.buyer_uscc,
                data.buyer_region,
                party_city(data.buyer_region),
                data.contract_amount,
                data.tech_transaction_amount,
                data.signed_on,
                data.registered_on,
                data.city,
            )
        )
    return records


async def import_contracts(
    session: AsyncSession,
    *,
    principal: Principal,
    file: IO[bytes],
    filename: str | None,
    dry_run: bool,
    max_rows: int,
) -> ImportSummary:
    own = scope.own_city(principal)
    state = _Validated()
    rows = read_rows(file, filename=filename, headers=state.headers, max_rows=max_rows)
    # Through the session first: that opens the request's transaction on the connection,
    # which the staging table (ON COMMIT DROP) and the raw COPY below must live in.
    await session.execute(text(_STAGE_DDL))
    conn = await (await session.connection()).get_raw_connection()
    pg: Any = conn.driver_connection  # asyncpg, for COPY
    try:
        summary = await _stage_and_classify(session, pg, rows, state, own, dry_run)
        # A real run counts what its one write statement did (below), not beforehand.
        if state.errors and not dry_run:
            count_import("transfer.tech-contracts", accepted=0, refused=summary.failed)
            raise ImportRowsInvalid(
                refused(summary.failed, summary.rows),
                errors=summary.errors,
                # Nothing was stored, and the counts say so.
                extra={
                    "summary": summary.model_copy(
                        update={"created": 0, "updated": 0, "unchanged": 0}
                    ).model_dump(exclude={"errors"})
                },
            )
        if dry_run:
            await _refuse_locked_rows(session)
        else:
            created, updated = await _upsert(session)
            summary = summary.model_copy(
                update={
                    "created": created,
                    "updated": updated,
                    "unchanged": summary.rows - created - updated,
                }
            )
            count_import("transfer.tech-contracts", accepted=summary.rows, refused=0)
    except AppError:
        # Our own refusals leave the transaction usable: tidy up. A database error
        # aborts it instead, and the rollback removes the staging table anyway.
        await session.execute(text(f"DROP TABLE {STAGE}"))
        raise
    finally:
        rows.close()  # while the upload is still open
    await session.execute(text(f"DROP TABLE {STAGE}"))
    return summary


async def _stage_and_classify(
    session: AsyncSession,
    pg: Any,
    rows: Rows,
    state: _Validated,
    own: str | None,
    dry_run: bool,
) -> ImportSummary:
    while True:
        before = state.rows
        # Parsing and validation are CPU work: keep them off the event loop.
        batch = await anyio.to_thread.run_sync(_validate_batch, rows, state, own)
        if batch:
            # Valid rows are staged even after a failure, so the summary can say what
            # the rest of the file would do.
            await pg.copy_records_to_table(STAGE, records=batch, columns=["row_no", *DATA_COLUMNS])
        if state.rows == before:
            break
    if own is not None:
        # A bureau may not overwrite a contract another city registered.
        taken = (
            await session.execute(
                text(
                    f"""
                    SELECT s.row_no, s.registration_no FROM {STAGE} s
                    JOIN tech_contracts c USING (registration_no) WHERE c.city <> :own
                    """
                ),
                {"own": own},
            )
        ).mappings()
        state.errors += [
            FieldError(
                field=state.headers.get("registration_no", "registration_no"),
                code="registration_no_taken",
                message=t(
                    f"{r['registration_no']} 已由其他城市登记",
                    f"{r['registration_no']} is registered by another city",
                ),
                row=r["row_no"],
            )
            for r in taken
        ]
    # A withdrawn contract comes back only through restore, with a reason and history.
    withdrawn = (
        await session.execute(
            text(
                f"""
                SELECT s.row_no, s.registration_no FROM {STAGE} s
                JOIN tech_contracts c USING (registration_no) WHERE c.status = :withdrawn
                """
            ),
            {"withdrawn": WITHDRAWN},
        )
    ).mappings()
    state.errors += [
        FieldError(
            field=state.headers.get("registration_no", "registration_no"),
            code="record_withdrawn",
            message=t(
                f"合同 {r['registration_no']} 已撤回；如需恢复，请用“恢复”并说明理由",
                f"contract {r['registration_no']} was withdrawn; restore it with a reason instead",
            ),
            row=r["row_no"],
        )
        for r in withdrawn
    ]
    changed = " OR ".join(f"c.{col} IS DISTINCT FROM s.{col}" for col in _UPDATABLE)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    if dry_run:
        found = await session.execute(
            text(
                f"""
                SELECT count(*) FILTER (WHERE c.id IS NULL) AS created,
                       count(*) FILTER (WHERE c.id IS NOT NULL AND ({changed})) AS updated,
                       count(*) FILTER (WHERE c.id IS NOT NULL AND NOT ({changed}))
                           AS unchanged
                FROM {STAGE} s LEFT JOIN tech_contracts c USING (registration_no)
                WHERE CAST(:own AS text) IS NULL OR c.id IS NULL OR c.city = :own
                """
            ),
            {"own": own},
        )
        counts = dict(found.mappings().one())
    state.errors.sort(key=lambda e: (e.row or 0, e.field))
    return ImportSummary(
        dry_run=dry_run,
        rows=state.rows,
        created=counts["created"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        failed=len({e.row for e in state.errors}),
        errors=state.errors,
    )


async def _refuse_locked_rows(session: AsyncSession) -> None:
    """Refuse the whole file when a row it adds or changes lies in a locked period: the
    cities the contract counts in (its own, seller's, buyer's), before and after, on the
    registration date. Rows that change nothing pass, so a whole file may be sent again."""
    changed = " OR ".join(f"c.{col} IS DISTINCT FROM s.{col}" for col in _UPDATABLE)
    await assert_rows_unlocked(
        session,
        schema=SCHEMA,
        rows_sql=f"""
        SELECT s.row_no, s.registration_no, x.city, x.day
        FROM {STAGE} s LEFT JOIN tech_contracts c USING (registration_no)
        CROSS JOIN LATERAL (VALUES
            (s.city, s.registered_on), (s.seller_city, s.registered_on),
            (s.buyer_city, s.registered_on), (c.city, c.registered_on),
            (c.seller_city, c.registered_on), (c.buyer_city, c.registered_on)
        ) AS x(city, day)
        WHERE c.id IS NULL OR {changed}
        """,
    )


async def _upsert(session: AsyncSession) -> tuple[int, int]:
    """Write the file in one statement: (created, updated); 409 when a row is locked.

    The upsert changes only rows that differ and returns each one's previous version
    (RETURNING old.*, PostgreSQL 18), from which the same statement finds the rows lying
    in a locked period, as :func:`_refuse_locked_rows` does for a dry run. Refusing then
    rolls the request's transaction back, so nothing of the file is kept.
    """
    cols = ", ".join(DATA_COLUMNS)
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATABLE)
    changed = " OR ".join(f"tech_contracts.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in _UPDATABLE)
    days = ", ".join(
        f"({side}{c}, {side}registered_on)"
        for side in ("u.", "u.old_")
        for c in ("city", "seller_city", "buyer_city")
    )
    locked = locked_rows_sql(
        SCHEMA,
        f"SELECT s.row_no, d.registration_no, d.city, d.day "
        f"FROM lock_days d JOIN {STAGE} s USING (registration_no)",
    )
    done = (
        await session.execute(
            text(
                f"""
        WITH up AS (
            INSERT INTO tech_contracts (id, {cols}, status, created_at, updated_at)
            SELECT {ordered_key_sql("row_no")}, {cols}, 'registered', now(), now()
            FROM {STAGE}
            ON CONFLICT (registration_no) DO UPDATE SET {sets}, updated_at = now()
            WHERE {changed}
            RETURNING new.registration_no, new.city, new.seller_city, new.buyer_city,
                new.registered_on, old.id IS NULL AS inserted, old.city AS old_city,
                old.seller_city AS old_seller_city, old.buyer_city AS old_buyer_city,
                old.registered_on AS old_registered_on
        ),
        -- Every city a written contract counts in, before and after; none to look at
        -- while no period is locked.
        lock_days AS MATERIALIZED (
            SELECT u.registration_no, x.city, x.day
            FROM up u CROSS JOIN LATERAL (VALUES {days}) AS x(city, day)
            WHERE EXISTS (SELECT 1 FROM {SCHEMA}.period_locks) AND x.city IS NOT NULL
        ),
        locked AS ({locked})
        SELECT (SELECT count(*) FROM up WHERE inserted) AS created,
               (SELECT count(*) FROM up WHERE NOT inserted) AS updated,
               {locked_rows_json("locked")} AS locked
        """
            )
        )
    ).one()
    refuse_locked_json(done.locked)
    return int(done.created), int(done.updated)
