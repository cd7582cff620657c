"""Async engine, one transaction per request, metadata and model mixins."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, cast

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.dialects.postgresql import asyncpg as postgresql_asyncpg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_metadata(schema: str) -> MetaData:
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


# A server that does not answer a connection attempt (host down, packets dropped) must not
# hold a request for asyncpg's default 60 s: the request fails fast with a 503 instead.
CONNECT_TIMEOUT_SECONDS = 5.0


def make_engine(
    dsn: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    statement_timeout_ms: int = 30_000,
    application_name: str = "gxst",
) -> AsyncEngine:
    return create_async_engine(
        dsn,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,  # survive a PostgreSQL restart without restarting the service
        pool_recycle=1800,
        connect_args={
            "timeout": CONNECT_TIMEOUT_SECONDS,
            "server_settings": {
                "application_name": application_name,
                "statement_timeout": str(statement_timeout_ms),
            },
        },
    )


# SQLSTATE 57P01-57P03: the server is shutting down, crashed or is starting up; class 08 is
# "connection exception". Either way the statement was fine and the database was not there.
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
# What a failed connection attempt raises: refused, reset, timed out, unknown host.
_NETWORK_ERRORS = (ConnectionError, TimeoutError, socket.gaierror)


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database could not be reached or dropped the connection.

    Such errors are the database's outage, not the request's fault: they answer 503
    (see :func:`shared_kit.errors.install_error_handlers`). The driver's exception is
    looked for through SQLAlchemy's wrapper (``orig``) and the chained causes.
    """
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, (*_NETWORK_ERRORS, asyncpg.PostgresConnectionError)):
            return True
        state = getattr(current, "sqlstate", None)
        if isinstance(state, str) and (state.startswith("08") or state in _UNAVAILABLE_SQLSTATES):
            return True
        if isinstance(current, asyncpg.InterfaceError) and "connection is closed" in str(current):
            return True
        # A connection whose server went away in the middle of a statement is left in that
        # statement's state; the next use fails this way until the pool drops it.
        if isinstance(current, asyncpg.exceptions._base.InternalClientError) and (
            "another operation" in str(current)
        ):
            return True
        for nested in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(nested, BaseException):
                pending.append(nested)
    return False


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit on success, roll back on any error.

    Declared with ``scope="function"`` (see :data:`SessionDep`) so the commit runs
    before the response is sent: a failed commit becomes an error answer, and a
    client never reads an acknowledged write that is not yet committed.
    """
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session, session.begin():
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


class UUIDPk:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


def ordered_key_sql(n: str) -> str:
    """SQL for a time-ordered key of the ``n``-th row a bulk statement writes (``n`` an
    integer expression, distinct per row, below 2**20).

    One ``uuidv7()`` per statement (an uncorrelated subquery runs once) with its last five
    hex digits replaced by ``n``: the statement's rows land together at the primary key's
    right edge instead of on random pages, and the key costs a string concatenation instead
    of a random draw per row. What stays of the uuidv7 (millisecond clock, sub-millisecond
    fraction and 42 random bits) keeps concurrent statements apart.
    """
    return (
        "CAST((SELECT left(CAST(uuidv7() AS text), 31)) "
        f"|| lpad(to_hex(({n}) & 1048575), 5, '0') AS uuid)"
    )


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


# --- The fast read path -------------------------------------------------------------------
# performance.md: the ORM path costs 4-5x a raw asyncpg read, mostly round trips (BEGIN,
# query, ROLLBACK; the pool's reset query). Hot reads (get by id, lists, indicators) may use
# a plain asyncpg connection from a pool without the reset query, running one compiled Core
# statement in autocommit: one round trip.

_DIALECT = postgresql_asyncpg.dialect(paramstyle="numeric_dollar")  # type: ignore[no-untyped-call]


def compile_sql(stmt: Any) -> str:
    """A Core statement with named ``bindparam``s as asyncpg SQL; compile once, at import.

    Parameters are passed positionally in the order they appear in the statement.
    """
    return str(stmt.compile(dialect=_DIALECT))


def compile_select(stmt: Any) -> tuple[str, list[Any]]:
    """An SQLAlchemy Core statement as asyncpg SQL (``$1``…) and its positional parameters."""
    compiled = stmt.compile(dialect=_DIALECT, compile_kwargs={"render_postcompile": True})
    params = [compiled.params[name] for name in compiled.positiontup or []]
    return str(compiled), params


async def _no_reset(conn: asyncpg.Connection) -> None:
    """Read connections run single statements only, so there is no session state to reset."""


async def make_read_pool(
    dsn: str, *, max_size: int = 10, statement_timeout_ms: int = 30_000, application_name: str
) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn.replace("postgresql+asyncpg://", "postgresql://"),
        min_size=1,
        max_size=max_size,
        reset=_no_reset,
        timeout=CONNECT_TIMEOUT_SECONDS,
        server_settings={
            "application_name": f"{application_name}-read",
            "statement_timeout": str(statement_timeout_ms),
            "default_transaction_read_only": "on",
        },
    )


class ReadConn:
    """The read pool as one connection: each statement runs on a pooled connection in
    autocommit (one round trip) and hands it back at once.

    A hot read is one statement, so no connection is held across the request, and the
    dependency that hands this out is a plain one (a ``yield`` dependency costs FastAPI
    an exit stack and a shielded exit per request, a tenth of a hot read).
    """

    __slots__ = ("pool",)

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        async with self.pool.acquire() as conn:
            try:
                return cast(list[asyncpg.Record], await conn.fetch(query, *args))
            except BaseException as exc:
                _drop_if_dead(conn, exc)
                raise

    async def fetch_planned(self, query: str, *args: Any) -> list[asyncpg.Record]:
        """:func:`fetch_planned` on a pooled connection."""
        async with self.pool.acquire() as conn:
            try:
                return await fetch_planned(conn, query, *args)
            except BaseException as exc:
                _drop_if_dead(conn, exc)
                raise

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        async with self.pool.acquire() as conn:
            try:
                return await conn.fetchrow(query, *args)
            except BaseException as exc:
                _drop_if_dead(conn, exc)
                raise

    async def fetchval(self, query: str, *args: Any) -> Any:
        async with self.pool.acquire() as conn:
            try:
                return await conn.fetchval(query, *args)
            except BaseException as exc:
                _drop_if_dead(conn, exc)
                raise


async def fetch_planned(conn: asyncpg.Connection, query: str, *args: Any) -> list[asyncpg.Record]:
    """``fetch`` with a plan made for these very arguments every time.

    A prepared statement is planned generically after its fifth run on a connection, and
    a generic plan of a date range cannot tell a half-year from the whole table: the
    figures statement over 200,000 service logs ran in 42–55 ms on its first five runs and
    90 ms from the sixth. Big aggregates are worth planning each time (a few ms of a
    statement's tens); hot reads by key are not, so the pool keeps PostgreSQL's default
    and only such a statement asks for its own plan (``SET LOCAL``: this transaction, or
    the caller's when it already holds one)."""
    async with conn.transaction():
        await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        return cast(list[asyncpg.Record], await conn.fetch(query, *args))


def _drop_if_dead(conn: asyncpg.Connection, exc: BaseException) -> None:
    if is_database_unavailable(exc):
        conn.terminate()  # never hand a half-dead connection to the next request


async def get_read_conn(request: Request) -> ReadConn:
    """Dependency: the read pool, one read-only statement per call (autocommit)."""
    reader: ReadConn = request.app.state.read_conn
    return reader


ReadConnDep = Annotated[ReadConn, Depends(get_read_conn)]
