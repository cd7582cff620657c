from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import Row, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.db import SCHEMA
from enterprise_service.enterprise import service as enterprise_service
from enterprise_service.enterprise.models import Enterprise
from enterprise_service.kcd.models import KcdListing
from enterprise_service.loan import metrics as loan_metrics
from enterprise_service.loan import parsing
from enterprise_service.loan.exceptions import (
    IdempotencyInFlight,
    IdempotencyKeyReused,
    LoanBatchNotFound,
    LoanNotFound,
)
from enterprise_service.loan.models import IdempotencyRecord, Loan, LoanBatch, LoanHistory
from enterprise_service.loan.schemas import (
    ListedEnterprise,
    LoanBatchRead,
    LoanHistoryRead,
    Reconciliation,
    StatusFigures,
)
from shared_kit.auth import Principal
from shared_kit.db import ordered_key_sql
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, decode_cursor, encode_cursor, keyset, page_from_rows
from shared_kit.period_lock import locked_rows_json, locked_rows_sql, refuse_locked_json

# One statement stores a whole batch: read the batch's rows (COPYed into a temporary
# table, which costs less than binding ten thousand-element arrays), flag listed
# borrowers, upsert by (bank, contract_no) changing only rows whose reported values
# differ, move the version a change replaces into loan_history (the loan row is the
# current version, so new loans cost no history write) and find the rows that change a
# locked period's figures. RETURNING old.* (PostgreSQL 18) hands each write's previous
# version to the history and the lock check, so nothing reads the loans a second time.
# A locked row makes the caller refuse the batch, which rolls the whole statement back.
# Keys are time-ordered (shared_kit.db.ordered_key_sql): new loans append to the primary
# key's last page.
INPUT_COLUMNS_DDL = """
    contract_no text, uscc text, enterprise_name text, amount numeric, disbursed_on date,
    maturity_on date, annual_rate numeric, guarantee text, status text, row_no int
"""
# A write changes a figure when it is new or moves the amount, the disbursement date,
# the borrower or whether the loan is cancelled; it counts in the borrower's registry
# city on the disbursement date, before and after. A repayment changes no figure, so it
# passes even in a locked period.
_LOCK_ROWS = """
SELECT i.row_no, d.contract_no, d.city, d.day
FROM lock_days d JOIN pg_temp.{input} i ON i.contract_no = d.contract_no
"""
UPSERT_SQL = """
WITH flagged AS (
    SELECT i.*, EXISTS (
        SELECT 1 FROM enterprise.kcd_listings k
        WHERE k.enterprise_uscc = i.uscc AND k.listed_on <= CURRENT_DATE
          AND (k.delisted_on IS NULL OR k.delisted_on > CURRENT_DATE)
    ) AS listed
    FROM pg_temp.{input} i
),
up AS (
    INSERT INTO enterprise.loans AS l (
        id, bank_code, contract_no, uscc, enterprise_name, amount, disbursed_on,
        maturity_on, annual_rate, guarantee, status, listed, last_batch_id,
        created_at, updated_at)
    SELECT {key}, :bank, f.contract_no, f.uscc, f.enterprise_name, f.amount,
           f.disbursed_on, f.maturity_on, f.annual_rate, f.guarantee, f.status, f.listed,
           :batch_id, now(), now()
    FROM flagged f
    ORDER BY f.contract_no  -- one lock order for every batch: overlapping batches never deadlock
    ON CONFLICT (bank_code, contract_no) DO UPDATE SET
        uscc = EXCLUDED.uscc, enterprise_name = EXCLUDED.enterprise_name,
        amount = EXCLUDED.amount, disbursed_on = EXCLUDED.disbursed_on,
        maturity_on = EXCLUDED.maturity_on, annual_rate = EXCLUDED.annual_rate,
        guarantee = EXCLUDED.guarantee, status = EXCLUDED.status, listed = EXCLUDED.listed,
        last_batch_id = EXCLUDED.last_batch_id, updated_at = now()
    WHERE (l.uscc, l.enterprise_name, l.amount, l.disbursed_on, l.maturity_on,
           l.annual_rate, l.guarantee, l.status)
          IS DISTINCT FROM
          (EXCLUDED.uscc, EXCLUDED.enterprise_name, EXCLUDED.amount, EXCLUDED.disbursed_on,
           EXCLUDED.maturity_on, EXCLUDED.annual_rate, EXCLUDED.guarantee, EXCLUDED.status)
    RETURNING new.id, new.contract_no, new.uscc, new.amount, new.disbursed_on, new.status,
        old.id IS NULL AS inserted, old.uscc AS old_uscc, old.status AS old_status,
        old.amount AS old_amount, old.disbursed_on AS old_disbursed_on,
        old.maturity_on AS old_maturity_on, old.last_batch_id AS old_batch_id,
        old.created_at AS old_created_at, old.updated_at AS old_updated_at
),
hist AS (
    INSERT INTO enterprise.loan_history (
        id, loan_id, batch_id, action, status, amount, disbursed_on, maturity_on, recorded_at)
    SELECT uuidv7(), u.id, u.old_batch_id,
           CASE WHEN u.old_updated_at = u.old_created_at THEN 'created' ELSE 'updated' END,
           u.old_status, u.old_amount, u.old_disbursed_on, u.old_maturity_on, u.old_updated_at
    FROM up u
    WHERE NOT u.inserted
),
-- The writes that change a figure; none to look at while no period is locked.
changed AS (
    SELECT u.* FROM up u
    WHERE EXISTS (SELECT 1 FROM enterprise.period_locks)
      AND (u.inserted
           OR (u.old_uscc, u.old_amount, u.old_disbursed_on, u.old_status = 'cancelled')
              IS DISTINCT FROM (u.uscc, u.amount, u.disbursed_on, u.status = 'cancelled'))
),
-- Only a day within some lock's span needs the borrower's city: an index probe each,
-- after the filter (a materialised CTE keeps the planner from probing every row).
lock_days AS MATERIALIZED (
    SELECT x.contract_no, x.day,
           (SELECT e.city FROM enterprise.enterprises e WHERE e.uscc = x.uscc) AS city
    FROM (
        SELECT c.contract_no, c.uscc, c.disbursed_on FROM changed c
        UNION ALL
        SELECT c.contract_no, c.old_uscc, c.old_disbursed_on FROM changed c
        WHERE NOT c.inserted
    ) AS x(contract_no, uscc, day)
    WHERE x.day BETWEEN (SELECT min(start_on) FROM enterprise.period_locks)
                    AND (SELECT max(end_on) FROM enterprise.period_locks)
),
locked AS ({locked})
SELECT (SELECT count(*) FROM up WHERE inserted) AS created,
       (SELECT count(*) FROM up WHERE NOT inserted) AS updated,
       (SELECT count(*) FROM flagged WHERE listed) AS listed,
       {locked_json} AS locked
"""


async def _upsert(
    session: AsyncSession, *, bank: str, batch_id: uuid.UUID, batch: parsing.ParsedBatch
) -> Row[Any]:
    """Run UPSERT_SQL over the batch: (created, updated, listed); 409 when a row is locked."""
    # A name of its own per batch: an uncommitted outer transaction (tests, dry runs in
    # savepoints) may hold an earlier batch's table.
    table = f"loan_input_{uuid.uuid4().hex}"
    await session.execute(
        text(f"CREATE TEMPORARY TABLE {table} ({INPUT_COLUMNS_DDL}) ON COMMIT DROP")
    )
    raw = (await (await session.connection()).get_raw_connection()).driver_connection
    if raw is None:  # pragma: no cover - an open session always holds a driver connection
        raise RuntimeError("no asyncpg connection behind the session")
    cols = batch.columns
    # Only a valid batch gets here, so the n-th staged loan is the n-th data row.
    await raw.copy_records_to_table(
        table,
        schema_name="pg_temp",
        columns=(*parsing.COLUMNS, "row_no"),
        records=zip(*(cols[c] for c in parsing.COLUMNS), range(1, batch.received + 1), strict=True),
    )
    locked = locked_rows_sql(SCHEMA, _LOCK_ROWS.format(input=table))
    sql = UPSERT_SQL.format(
        input=table,
        locked=locked,
        locked_json=locked_rows_json("locked"),
        key=ordered_key_sql("f.row_no"),
    )
    stmt = text(sql)
    row = (await session.execute(stmt, {"bank": bank, "batch_id": batch_id})).one()
    # The statement wrote before it found the locked rows: the refusal ends the request's
    # transaction with a rollback, so nothing is kept.
    refuse_locked_json(row.locked, what="行贷款")
    await session.execute(text(f"DROP TABLE pg_temp.{table}"))
    return row


def request_hash(media_type: str, batch_ref: str | None, body: bytes) -> str:
    h = hashlib.sha256()
    h.update(f"{media_type}\n{batch_ref or ''}\n".encode())
    h.update(body)
    return h.hexdigest()


def _lock_id(bank: str, key: str) -> int:
    digest = hashlib.sha256(f"loan-batch\0{bank}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def _acquire_key(session: AsyncSession, lock_id: int, wait_seconds: float) -> None:
    """Hold the key's transaction-scoped advisory lock, or 409 if the first try stays busy.

    A retry that arrives while the original is running waits for it, then replays its
    answer; only one still in flight after ``wait_seconds`` answers 409.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        got = await session.scalar(text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": lock_id})
        if got:
            return
        if time.monotonic() >= deadline:
            raise IdempotencyInFlight(
                t(
                    "使用此 Idempotency-Key 的第一个请求仍在处理中，请稍后重试",
                    "the first request with this Idempotency-Key is still in flight; retry later",
                ),
                headers={"Retry-After": "1"},
            )
        await asyncio.sleep(0.05)


async def _registered_legacy(session: AsyncSession, usccs: list[str]) -> set[str]:
    if not usccs:
        return set()
    stmt = select(Enterprise.uscc).where(
        Enterprise.uscc.in_(usccs), Enterprise.check_overridden.is_(True)
    )
    return set((await session.scalars(stmt)).all())


async def _store(
    session: AsyncSession, *, bank: str, batch: parsing.ParsedBatch, dry_run: bool
) -> LoanBatchRead:
    if dry_run:
        # Run the very statement in a savepoint and roll it back: exact counts, nothing kept.
        nested = await session.begin_nested()
        batch_id = uuid.uuid4()
        session.add(
            LoanBatch(
                id=batch_id,
                bank_code=bank,
                batch_ref=batch.batch_ref,
                format=batch.format,
                received=0,
                created=0,
                updated=0,
                unchanged=0,
                listed=0,
                unlisted=0,
            )
        )
        await session.flush()
        row = await _upsert(session, bank=bank, batch_id=batch_id, batch=batch)
        await nested.rollback()
        created, updated, listed = int(row.created), int(row.updated), int(row.listed)
        received = batch.received
        return LoanBatchRead(
            batch_id=None,
            batch_ref=batch.batch_ref,
            format=batch.format,
            dry_run=True,
            received=received,
            created=created,
            updated=updated,
            unchanged=received - created - updated,
            listed=listed,
            unlisted=received - listed,
            created_at=None,
        )
    record = LoanBatch(
        bank_code=bank,
        batch_ref=batch.batch_ref,
        format=batch.format,
        received=batch.received,
        created=0,
        updated=0,
        unchanged=0,
        listed=0,
        unlisted=0,
    )
    session.add(record)
    await session.flush()
    row = await _upsert(session, bank=bank, batch_id=record.id, batch=batch)
    record.created, record.updated, record.listed = (
        int(row.created),
        int(row.updated),
        int(row.listed),
    )
    record.unchanged = record.received - record.created - record.updated
    record.unlisted = record.received - record.listed
    await session.flush()
    await session.refresh(record)
    return batch_read(record)


def batch_read(record: LoanBatch) -> LoanBatchRead:
    return LoanBatchRead(
        batch_id=record.id,
        batch_ref=record.batch_ref,
        format=record.format,
        received=record.received,
        created=record.created,
        updated=record.updated,
        unchanged=record.unchanged,
        listed=record.listed,
        unlisted=record.unlisted,
        created_at=record.created_at,
    )


async def submit_batch(
    session: AsyncSession,
    *,
    bank: str,
    idempotency_key: str,
    body: bytes,
    media_type: str,
    batch_ref: str | None,
    dry_run: bool,
    max_rows: int,
    ttl_days: int,
    wait_seconds: float,
) -> tuple[int, bytes, bool]:
    """Validate and store a batch atomically: (status, JSON answer, replayed?).

    Only successful answers are kept under the key: a refused batch stored nothing, so
    the bank may correct it and send it again with the same key.
    """
    fingerprint = request_hash(media_type, batch_ref, body)
    if not dry_run:
        await _acquire_key(session, _lock_id(bank, idempotency_key), wait_seconds)
        idem = IdempotencyRecord
        # Keys live ttl_days; each batch sweeps a bounded number of its bank's expired ones.
        expired = (
            select(idem.id)
            .where(idem.bank_code == bank, idem.expires_at < func.now())
            .limit(1000)
            .scalar_subquery()
        )
        await session.execute(delete(idem).where(idem.id.in_(expired)))
        seen = await session.scalar(
            select(idem).where(idem.bank_code == bank, idem.key == idempotency_key)
        )
        if seen is not None:
            if seen.request_hash != fingerprint:
                raise IdempotencyKeyReused(
                    t(
                        "此 Idempotency-Key 已用于内容不同的请求，请换用新的密钥",
                        "this Idempotency-Key was used with a different body; use a new key",
                    )
                )
            loan_metrics.BATCHES.labels(bank, "replayed").inc()
            return seen.response_status, seen.response_body.encode(), True
    ref, fmt, rows = parsing.read_rows(body, media_type, batch_ref=batch_ref, max_rows=max_rows)
    batch = parsing.validate_rows(
        rows, batch_ref=ref, fmt=fmt, max_rows=max_rows, today=date.today()
    )
    received = len(rows)
    # The parsed row dicts are the largest objects of a request: free them before the
    # database work, which takes longest (peak memory with batches in flight).
    del rows
    if batch.legacy_uscc_rows:
        parsing.reject_legacy(
            batch, await _registered_legacy(session, list(batch.legacy_uscc_rows))
        )
    if batch.errors:
        failing = len({e.row for e in batch.errors})
        loan_metrics.count_refused(bank, received)
        raise parsing.BatchInvalid(
            t(
                f"{received} 笔贷款中有 {failing} 笔有误，未保存任何数据",
                f"{failing} of {received} loans are invalid; nothing was stored",
            ),
            errors=batch.errors,
        )
    answer = await _store(session, bank=bank, batch=batch, dry_run=dry_run)
    payload = orjson.dumps(answer.model_dump(mode="json"))
    if dry_run:
        loan_metrics.BATCHES.labels(bank, "dry_run").inc()
        return 200, payload, False
    loan_metrics.count_stored(
        bank, created=answer.created, updated=answer.updated, unchanged=answer.unchanged
    )
    session.add(
        IdempotencyRecord(
            bank_code=bank,
            key=idempotency_key,
            request_hash=fingerprint,
            response_status=201,
            response_body=payload.decode(),
            expires_at=datetime.now(UTC) + timedelta(days=ttl_days),
        )
    )
    await session.flush()
    return 201, payload, False


async def get_batch(session: AsyncSession, *, bank: str, batch_id: uuid.UUID) -> LoanBatchRead:
    record = await session.scalar(
        select(LoanBatch).where(LoanBatch.id == batch_id, LoanBatch.bank_code == bank)
    )
    # Another bank's batch answers exactly like a missing one.
    if record is None:
        raise LoanBatchNotFound(t(f"没有贷款批次 {batch_id}", f"no batch {batch_id}"))
    return batch_read(record)


async def listed_enterprises(
    session: AsyncSession, *, cursor: str | None, limit: int
) -> tuple[list[ListedEnterprise], str, bool]:
    """The 科创贷 list in change order: everything first, then only what changed since."""
    after = 0
    if cursor:
        values = decode_cursor(cursor)
        if len(values) != 1 or not isinstance(values[0], int):
            raise parsing.MalformedBatch(
                t("分页游标不属于本列表", "cursor does not belong to this listing")
            )
        after = values[0]
    k, e = KcdListing, Enterprise
    stmt = (
        select(
            k.id,
            k.sync_seq,
            k.enterprise_uscc,
            e.name,
            e.city,
            k.listed_on,
            k.delisted_on,
            k.updated_at,
        )
        .join(e, e.uscc == k.enterprise_uscc)
        .where(k.sync_seq > after)
        .order_by(k.sync_seq)
        .limit(limit + 1)
    )
    rows = (await session.execute(stmt)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].sync_seq if rows else after
    items = [
        ListedEnterprise(
            listing_id=r.id,
            uscc=r.enterprise_uscc,
            name=r.name,
            city=r.city,
            listed_on=r.listed_on,
            delisted_on=r.delisted_on,
            updated_at=r.updated_at,
        )
        for r in rows
    ]
    return items, encode_cursor([last]), has_more


async def reconciliation(session: AsyncSession, *, bank: str, on: date) -> Reconciliation:
    stmt = (
        select(Loan.status, func.count(), func.coalesce(func.sum(Loan.amount), 0))
        .where(Loan.bank_code == bank, Loan.disbursed_on == on)
        .group_by(Loan.status)
    )
    by_status = {
        status: StatusFigures(count=int(n), amount=Decimal(total).quantize(Decimal("0.01")))
        for status, n, total in (await session.execute(stmt)).all()
    }
    return Reconciliation(
        bank=bank,
        date=on,
        count=sum(s.count for s in by_status.values()),
        total_amount=sum((s.amount for s in by_status.values()), Decimal("0.00")),
        by_status=by_status,
    )


# Department views -----------------------------------------------------------------


async def get_loan(session: AsyncSession, *, principal: Principal, loan_id: uuid.UUID) -> Loan:
    stmt = enterprise_service.scope_by_registry_city(
        select(Loan).where(Loan.id == loan_id), Loan.uscc, principal=principal
    )
    loan = await session.scalar(stmt)
    if loan is None:
        raise LoanNotFound(t(f"没有贷款 {loan_id}", f"no loan {loan_id}"))
    return loan


async def loan_history(
    session: AsyncSession, *, principal: Principal, loan_id: uuid.UUID
) -> list[LoanHistoryRead]:
    """Every version a bank reported, oldest first; the last one is the loan as it is."""
    loan = await get_loan(session, principal=principal, loan_id=loan_id)
    stmt = (
        select(LoanHistory)
        .where(LoanHistory.loan_id == loan.id)
        .order_by(LoanHistory.recorded_at, LoanHistory.id)
    )
    versions = [LoanHistoryRead.model_validate(h) for h in (await session.scalars(stmt)).all()]
    current = LoanHistoryRead(
        batch_id=loan.last_batch_id,
        action="updated" if versions else "created",
        status=loan.status,
        amount=loan.amount,
        disbursed_on=loan.disbursed_on,
        maturity_on=loan.maturity_on,
        recorded_at=loan.updated_at,
    )
    return [*versions, current]


async def list_loans(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    bank_code: str | None = None,
    uscc: str | None = None,
    disbursed_from: date | None = None,
    disbursed_to: date | None = None,
) -> tuple[list[Loan], str | None]:
    stmt = enterprise_service.scope_by_registry_city(
        select(Loan), Loan.uscc, principal=principal, city=city
    )
    if bank_code is not None:
        stmt = stmt.where(Loan.bank_code == bank_code)
    if uscc is not None:
        stmt = stmt.where(Loan.uscc == uscc.strip().upper())
    if disbursed_from is not None:
        stmt = stmt.where(Loan.disbursed_on >= disbursed_from)
    if disbursed_to is not None:
        stmt = stmt.where(Loan.disbursed_on <= disbursed_to)
    order: list[Any] = [Loan.disbursed_on, Loan.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda x: (x.disbursed_on, x.id))
