"""The write audit: one row per POST/PUT/PATCH/DELETE the gateway forwarded.

Recorded after the upstream answered (its status included), in its own short
transaction on the gateway's engine: reads never touch the table, so the proxy's
read path costs no database round trip.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, case, cast, insert, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from gateway.apikey.models import ApiKey
from gateway.audit.models import AuditEntry
from gateway.bank.models import BankClient
from shared_kit.auth import Principal
from shared_kit.db import is_database_unavailable
from shared_kit.errors import ValidationFailed
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, decode_cursor, encode_cursor

log = logging.getLogger("gateway.audit")

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def record_write(
    engine: AsyncEngine,
    *,
    principal: Principal,
    method: str,
    path: str,
    status: int,
    request_id: str | None,
    occurred_at: datetime,
    duration_ms: int,
) -> None:
    """Insert one audit row. A failure is logged, not raised: the write already happened
    upstream, and answering 500 would invite the client to repeat it."""
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "occurred_at": occurred_at,
        "client_id": (principal.client_id or principal.subject)[:200],
        "role": principal.role.value,
        "city": principal.city,
        "bank": principal.bank,
        "method": method,
        "path": path[:2000],
        "status": status,
        "request_id": request_id[:100] if request_id else None,
        "duration_ms": duration_ms,
    }
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(AuditEntry).values(values))
    except Exception as exc:
        extra = {k: str(v) for k, v in values.items()}
        if is_database_unavailable(exc):
            # An outage: one line per lost entry, not a traceback each.
            log.warning("audit write failed: database unavailable", extra=extra)
        else:
            log.exception("audit write failed", extra=extra)


@dataclass(frozen=True)
class AuditFilter:
    client: str | None = None
    role: str | None = None
    city: str | None = None
    bank: str | None = None
    method: str | None = None
    status: int | None = None
    path_prefix: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


def _where(stmt: Select[Any], f: AuditFilter) -> Select[Any]:
    a = AuditEntry
    if f.client:
        stmt = stmt.where(a.client_id == f.client)
    if f.role:
        stmt = stmt.where(a.role == f.role)
    if f.city:
        stmt = stmt.where(a.city == f.city)
    if f.bank:
        stmt = stmt.where(a.bank == f.bank)
    if f.method:
        stmt = stmt.where(a.method == f.method.upper())
    if f.status is not None:
        stmt = stmt.where(a.status == f.status)
    if f.path_prefix:
        stmt = stmt.where(a.path.startswith(f.path_prefix, autoescape=True))
    if f.occurred_from:
        stmt = stmt.where(a.occurred_at >= f.occurred_from)
    if f.occurred_to:
        stmt = stmt.where(a.occurred_at <= f.occurred_to)
    return stmt


def _caller_columns() -> tuple[Any, Any]:
    """(name, kind) of a caller: an API key's name, a bank key's bank, a user's own id."""
    client_id = AuditEntry.client_id
    name = case(
        (ApiKey.id.is_not(None), ApiKey.name),
        (BankClient.id.is_not(None), BankClient.bank),
        else_=client_id,
    )
    kind = case(
        (ApiKey.id.is_not(None), literal("api_key")),
        (BankClient.id.is_not(None), literal("bank_key")),
        else_=literal("user"),
    )
    return name.label("client_name"), kind.label("client_kind")


def _with_callers(stmt: Select[Any]) -> Select[Any]:
    client_id = AuditEntry.client_id
    return stmt.outerjoin(ApiKey, cast(ApiKey.id, String) == client_id).outerjoin(
        BankClient, BankClient.key_id == client_id
    )


async def list_entries(
    session: AsyncSession, *, filters: AuditFilter, page: PageParams
) -> tuple[list[Any], str | None]:
    """Newest first, keyset-paged on (occurred_at, id), each with its caller's name."""
    a = AuditEntry
    stmt = _where(_with_callers(select(*a.__table__.columns, *_caller_columns())), filters)
    if page.cursor:
        values = decode_cursor(page.cursor)
        if len(values) != 2:
            raise ValidationFailed(
                t("分页游标与本列表不匹配", "cursor does not match this listing")
            )
        stmt = stmt.where(tuple_(a.occurred_at, a.id) < tuple_(*values))
    stmt = stmt.order_by(a.occurred_at.desc(), a.id.desc()).limit(page.limit + 1)
    rows = (await session.execute(stmt)).all()
    items = list(rows[: page.limit])
    cursor = (
        encode_cursor([items[-1].occurred_at, items[-1].id])
        if len(rows) > page.limit and items
        else None
    )
    return items, cursor


@dataclass(frozen=True)
class Caller:
    subject: str
    name: str
    kind: str


async def caller_names(session: AsyncSession, subjects: list[str]) -> list[Caller]:
    """Names for principal subjects as services record them (``key:…``, ``user:…``,
    ``bank-key:…``): one query for all of them."""
    ids = {s: s.partition(":")[2] for s in subjects}
    api_ids = [i for s, i in ids.items() if s.startswith("key:")]
    bank_ids = [i for s, i in ids.items() if s.startswith("bank-key:")]
    keys: dict[str, str] = {}
    if api_ids:
        stmt = select(cast(ApiKey.id, String), ApiKey.name).where(
            cast(ApiKey.id, String).in_(api_ids)
        )
        keys.update((k, n) for k, n in (await session.execute(stmt)).all())
    banks: dict[str, str] = {}
    if bank_ids:
        stmt = select(BankClient.key_id, BankClient.bank).where(BankClient.key_id.in_(bank_ids))
        banks.update((k, b) for k, b in (await session.execute(stmt)).all())
    out = []
    for subject, ident in ids.items():
        if subject.startswith("key:"):
            out.append(Caller(subject, keys.get(ident, ident), "api_key"))
        elif subject.startswith("bank-key:"):
            out.append(Caller(subject, banks.get(ident, ident), "bank_key"))
        else:
            out.append(Caller(subject, ident or subject, "user"))
    return out
