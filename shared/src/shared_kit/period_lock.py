"""Period locks: a city's data for a reporting period, closed while it is submitted or approved.

Reporting owns submission and approval; when a city's period is submitted it tells
every workstream service to lock it (``PUT /v1/period-locks/{city}/{period}``) and
when the city's data reopens (returned, unlocked) to release it (``DELETE``). Each
service keeps its locks in its own ``period_locks`` table and refuses, with 409
``period_locked``, any write that would change a record attributed to a locked city
and dated inside the locked range; the date and cities are the ones the service's
indicators read for that record. Every check is one SQL statement, also for files
and bank batches (the staged rows are joined against the locks).

The routes take the ``service`` role only: the lock is reporting's decision, never a
caller's. The period name is reporting's; a service stores it with its dates and
does not parse it.

Two ways a write meets the lock, both from here:

- ``assert_unlocked`` / ``assert_rows_unlocked``: the route checks before it writes, and a
  refused file or batch names each row. Bulk ingestion (contracts, loans, service logs)
  uses these only, so big imports pay for no trigger.
- ``LockGuard``: a declarative row per record kind — its table, the city and the date the
  indicators read, whether it counts — from which ``guard_ddl`` generates statement-level
  triggers (one set-based statement per write, over the transition tables). Every write to
  a guarded table, from any route present or future, is refused with 409 ``period_locked``
  when it changes a figure of a locked city and period. Each service lists its guards and
  the coverage of every write route in its ``period_locks`` module; its migration installs
  the triggers and a test checks the installed ones equal the generated ones.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    MetaData,
    String,
    Table,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import GUANGXI_CITIES, CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import (
    PROBLEM_RESPONSES,
    Conflict,
    FieldError,
    Problem,
    register_database_problem,
)
from shared_kit.i18n import Text, t

TABLE = "period_locks"
# A refusal lists at most this many locked rows of a file or batch (and says how many in all).
MAX_LISTED_ROWS = 1000


def period_locks_table(metadata: MetaData) -> Table:
    """The ``period_locks`` table in the schema of ``metadata`` (each service has its own)."""
    return Table(
        TABLE,
        metadata,
        Column("city", String(6), primary_key=True),
        Column("period", String(16), primary_key=True),
        Column("start_on", Date, nullable=False),
        Column("end_on", Date, nullable=False),
        Column("source", String(64), nullable=False),
        Column("locked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        CheckConstraint("end_on >= start_on", name="range_ordered"),
    )


def city_name(city: str) -> str:
    return f"{GUANGXI_CITIES.get(city, city)}（{city}）"


class PeriodLocked(Conflict):
    code = "period_locked"
    title = t(
        "该地市该期间的数据已上报或已审核，已锁定，不能修改",
        "The city's data for this period is submitted or approved and locked; it cannot be changed",
    )


def _locked_detail(locks: Iterable[tuple[str, str]]) -> Text:
    listed = sorted(set(locks))
    named = "、".join(f"{city_name(city)}{period}" for city, period in listed)
    return t(
        f"{named}的数据已上报或已审核并锁定；如需修改，请由科技厅退回或解锁后再提交",
        f"the data of {', '.join(f'{city} {period}' for city, period in listed)} is submitted "
        "or approved and locked; to change it, the department must return or unlock it first",
    )


async def assert_unlocked(
    session: AsyncSession, *, schema: str, records: Iterable[tuple[str | None, date | None]]
) -> None:
    """Refuse (409 ``period_locked``) when any (city, date) lies in a locked period.

    ``records`` holds every city a record is attributed to with the date its indicators
    read, before and after the write (an update that moves a record out of a locked
    period changes that period too). A missing city or date counts for nothing.
    """
    pairs = [(c, d) for c, d in records if c is not None and d is not None]
    if not pairs:
        return
    sql = text(
        f"SELECT DISTINCT l.city, l.period FROM unnest(CAST(:cities AS text[]), "
        f"CAST(:days AS date[])) AS r(city, day) JOIN {schema}.{TABLE} l "
        "ON l.city = r.city AND r.day BETWEEN l.start_on AND l.end_on"
    )
    rows = (
        await session.execute(sql, {"cities": [c for c, _ in pairs], "days": [d for _, d in pairs]})
    ).all()
    if rows:
        raise PeriodLocked(_locked_detail((r.city, r.period) for r in rows))


def locked_rows_sql(schema: str, rows_sql: str) -> str:
    """``rows_sql`` — ``(row_no, ref, city, day)`` per city a staged row is attributed to
    (old and new values of an update both count) — narrowed to the rows in a locked
    period, as ``(row_no, ref, city, period)``. A write path may run it as a part of its
    own statement (a CTE) and hand what it finds to :func:`refuse_locked_rows`."""
    return (
        f"SELECT DISTINCT r.row_no, r.ref, l.city, l.period FROM ({rows_sql}) "
        f"AS r(row_no, ref, city, day) JOIN {schema}.{TABLE} l "
        "ON l.city = r.city AND r.day BETWEEN l.start_on AND l.end_on"
    )


def locked_rows_json(cte: str) -> str:
    """A scalar subquery folding the rows of ``cte`` (a :func:`locked_rows_sql` CTE of a
    write statement) into one JSON array, for :func:`refuse_locked_json`."""
    return f"(SELECT json_agg(json_build_array(row_no, ref, city, period)) FROM {cte})"


def refuse_locked_json(found: Any, *, what: str = "行") -> None:
    """:func:`refuse_locked_rows` for what :func:`locked_rows_json` selected (NULL: none)."""
    rows = orjson.loads(found) if isinstance(found, str | bytes) else found
    refuse_locked_rows(rows or [], what=what)


def refuse_locked_rows(rows: Sequence[Any], *, what: str = "行") -> None:
    """Refuse a whole file or batch (409 ``period_locked``) naming each locked row.

    ``rows`` are ``(row_no, ref, city, period)`` as :func:`locked_rows_sql` selects them;
    ``row_no`` is the 1-based data row (may be None), ``ref`` what the refusal names the
    row by. No rows: nothing to refuse.
    """
    if not rows:
        return
    rows = sorted(rows, key=lambda r: (r[0] is None, r[0] or 0, r[1], r[2], r[3]))
    errors = [
        FieldError(
            field=f"rows.{ref}",
            code="period_locked",
            message=t(
                f"第{row_no}{what}（{ref}）属于已锁定的{city_name(city)}{period}",
                f"row {row_no} ({ref}) lies in the locked {city} {period}",
            )
            if row_no is not None
            else t(
                f"{ref}属于已锁定的{city_name(city)}{period}",
                f"{ref} lies in the locked {city} {period}",
            ),
            row=row_no,
        )
        for row_no, ref, city, period in rows[:MAX_LISTED_ROWS]
    ]
    refs = {r[1] for r in rows}
    locked = _locked_detail((r[2], r[3]) for r in rows)
    raise PeriodLocked(
        t(
            f"共{len(refs)}{what}落在已锁定的期间内，整批未保存。{locked}",
            f"{len(refs)} row(s) lie in locked periods; nothing was saved. {locked.en}",
        ),
        errors=errors,
    )


async def assert_rows_unlocked(
    session: AsyncSession,
    *,
    schema: str,
    rows_sql: str,
    params: dict[str, Any] | None = None,
    what: str = "行",
) -> None:
    """Refuse a whole file or batch (409 ``period_locked``) when any of its rows is locked:
    :func:`locked_rows_sql` run as its own statement, then :func:`refuse_locked_rows`."""
    sql = text(locked_rows_sql(schema, rows_sql))
    refuse_locked_rows((await session.execute(sql, params or {})).all(), what=what)


class PeriodLockPut(BaseModel):
    start: date
    end: date
    source: str = Field(default="reporting", min_length=1, max_length=64)

    @model_validator(mode="after")
    def _ordered(self) -> "PeriodLockPut":
        if self.end < self.start:
            raise ValueError(t("结束日期早于开始日期", "end is before start"))
        return self


class PeriodLockRead(BaseModel):
    city: str
    period: str
    start: date
    end: date
    source: str
    locked_at: datetime


_PERIOD = Annotated[
    str, Path(pattern=r"^[0-9A-Za-z-]{4,16}$", description="reporting's period name, e.g. 2023-H1")
]


def period_locks_router(table: Table) -> APIRouter:
    """The internal lock routes of one service (role ``service`` only: reporting calls them)."""
    router = APIRouter(prefix="/period-locks", tags=["period-locks"], responses=PROBLEM_RESPONSES)
    Service = Annotated[Principal, Depends(require_roles(Role.service))]
    t = table.c

    def read(row: Any) -> PeriodLockRead:
        return PeriodLockRead(
            city=row.city,
            period=row.period,
            start=row.start_on,
            end=row.end_on,
            source=row.source,
            locked_at=row.locked_at,
        )

    @router.get("", response_model=list[PeriodLockRead])
    async def list_period_locks(session: SessionDep, principal: Service) -> list[PeriodLockRead]:
        """Every lock this service holds."""
        rows = (await session.execute(select(table).order_by(t.city, t.start_on))).all()
        return [read(r) for r in rows]

    @router.put(
        "/{city}/{period}", response_model=PeriodLockRead, responses={409: {"model": Problem}}
    )
    async def put_period_lock(
        session: SessionDep,
        principal: Service,
        city: CityCode,
        period: _PERIOD,
        body: PeriodLockPut,
    ) -> PeriodLockRead:
        """Lock a city's period (idempotent: the same lock again changes nothing)."""
        stmt = (
            insert(table)
            .values(
                city=city, period=period, start_on=body.start, end_on=body.end, source=body.source
            )
            .on_conflict_do_update(
                index_elements=[t.city, t.period],
                set_={"start_on": body.start, "end_on": body.end, "source": body.source},
            )
            .returning(*table.c)
        )
        return read((await session.execute(stmt)).one())

    @router.delete("/{city}/{period}", status_code=204, response_class=Response)
    async def delete_period_lock(
        session: SessionDep, principal: Service, city: CityCode, period: _PERIOD
    ) -> Response:
        """Release a city's period (idempotent: releasing an absent lock is no error)."""
        await session.execute(delete(table).where(t.city == city, t.period == period))
        return Response(status_code=204)

    return router


# --- Guards: triggers generated from a declarative table ------------------------------

# The SQLSTATE a guard raises (class "GX" is ours); its DETAIL lists "city:period,…".
PERIOD_LOCKED_SQLSTATE = "GXL09"


@dataclass(frozen=True)
class LockGuard:
    """A record kind a city's lock closes: where its city and decisive date come from.

    SQL fragments see the written row as ``r`` and the service's schema as ``{schema}``.
    A record changes a locked period when it counts there before and not after (or the
    other way round), or counts on both sides with different ``values`` (the figure's
    inputs: amounts, categories). ``until`` makes it a stock figure (counted at period
    end: dated on or before the end and not ended by then, e.g. a listing until its
    delisting) instead of a flow dated inside the period.
    """

    name: str  # unique in its service; names the trigger function
    table: str
    day: str
    reads: str  # the figures it feeds (documentation)
    city: str = "r.city"
    joins: str = ""
    counts: str = "true"
    values: str = "NULL"
    until: str | None = None
    key: str = "r.id"  # one record (a join may fan a row out to several)
    trigger: bool = True  # False: its routes check it (bulk tables); listed for CityMove


@dataclass(frozen=True)
class CityMove:
    """A registry row whose city the records it owns are counted in (a firm's city).

    Changing that city moves those records between cities: the change is refused while
    a record it owns counts in a locked period of the old or the new city. ``owned`` are
    the guards reading their city from this row, joined as ``alias``.
    """

    name: str
    table: str
    key: str
    owned: tuple[LockGuard, ...]
    alias: str = "e"


def _hits(guard: LockGuard, schema: str, rows: str) -> str:
    until = guard.until or "NULL::date"
    within = (
        "x.day BETWEEN l.start_on AND l.end_on"
        if guard.until is None
        else "x.day <= l.end_on AND (x.until IS NULL OR x.until > l.end_on)"
    )
    projection = (
        f"SELECT {guard.key} AS key, {guard.city} AS city, {guard.day} AS day, "
        f"{until} AS until, COALESCE({guard.counts}, false) AS counts, "
        f"ROW({guard.day}, {guard.values})::text AS fig FROM {rows} r {guard.joins}"
    ).format(schema=schema)
    return (
        f"SELECT l.city, l.period, x.key, x.fig FROM ({projection}) x "
        f"JOIN {schema}.{TABLE} l ON l.city = x.city AND x.counts AND {within}"
    )


def guard_function(guard: LockGuard, schema: str) -> str:
    """The body of the guard's trigger function (also what the staleness test compares)."""
    agg = "SELECT string_agg(DISTINCT h.city || ':' || h.period, ',') INTO hits FROM"
    return f"""
DECLARE hits text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM {schema}.{TABLE}) THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    {agg} ({_hits(guard, schema, "new_rows")}) h;
  ELSIF TG_OP = 'DELETE' THEN
    {agg} ({_hits(guard, schema, "old_rows")}) h;
  ELSE
    {agg} (SELECT b.city, b.period FROM ({_hits(guard, schema, "old_rows")}
      UNION ALL {_hits(guard, schema, "new_rows")}) b
      GROUP BY b.city, b.period, b.key HAVING count(*) <> 2 OR count(DISTINCT b.fig) > 1) h;
  END IF;
  IF hits IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = '{PERIOD_LOCKED_SQLSTATE}', MESSAGE = 'period_locked',
      DETAIL = hits;
  END IF;
  RETURN NULL;
END
"""


def guard_function_name(guard: LockGuard | CityMove) -> str:
    return f"period_lock_{guard.name}"


def move_function(move: CityMove, schema: str) -> str:
    """The body of a row trigger run only when the row's city changes."""
    parts = []
    for g in move.owned:
        within = (
            "x.day BETWEEN l.start_on AND l.end_on"
            if g.until is None
            else "x.day <= l.end_on AND (x.until IS NULL OR x.until > l.end_on)"
        )
        until = g.until or "NULL::date"
        rows = (
            f"SELECT {g.day} AS day, {until} AS until FROM {{schema}}.{g.table} r {g.joins} "
            f"WHERE {move.alias}.{move.key} = NEW.{move.key} AND COALESCE({g.counts}, false)"
        ).format(schema=schema)
        parts.append(
            f"SELECT l.city, l.period FROM ({rows}) x JOIN {schema}.{TABLE} l "
            f"ON l.city IN (OLD.city, NEW.city) AND {within}"
        )
    union = "\n      UNION ALL ".join(parts)
    return f"""
DECLARE hits text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM {schema}.{TABLE}) THEN RETURN NULL; END IF;
  SELECT string_agg(DISTINCT h.city || ':' || h.period, ',') INTO hits FROM (
      {union}) h;
  IF hits IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = '{PERIOD_LOCKED_SQLSTATE}', MESSAGE = 'period_locked',
      DETAIL = hits;
  END IF;
  RETURN NULL;
END
"""


def move_ddl(move: CityMove, schema: str) -> list[str]:
    """(Re)install a CityMove: a row trigger that runs only when the city changes."""
    fn = f"{schema}.{guard_function_name(move)}"
    trigger = guard_function_name(move)
    return [
        f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql "
        f"AS $fn${move_function(move, schema)}$fn$",
        f"DROP TRIGGER IF EXISTS {trigger} ON {schema}.{move.table}",
        f"CREATE TRIGGER {trigger} AFTER UPDATE OF city ON {schema}.{move.table} "
        f"FOR EACH ROW WHEN (OLD.city IS DISTINCT FROM NEW.city) EXECUTE FUNCTION {fn}()",
    ]


def guard_ddl(guards: Sequence[LockGuard], schema: str) -> list[str]:
    """Statements (re)installing every guard's function and its three triggers."""
    out: list[str] = []
    for g in guards:
        if not g.trigger:
            continue
        fn = f"{schema}.{guard_function_name(g)}"
        out.append(
            f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $fn${guard_function(g, schema)}$fn$"
        )
        for event, refs in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            trigger = f"{guard_function_name(g)}_{event.lower()}"
            out.append(f"DROP TRIGGER IF EXISTS {trigger} ON {schema}.{g.table}")
            out.append(
                f"CREATE TRIGGER {trigger} AFTER {event} ON {schema}.{g.table} "
                f"REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION {fn}()"
            )
    return out


def drop_guards_ddl(guards: Sequence[LockGuard | CityMove], schema: str) -> list[str]:
    return [
        f"DROP FUNCTION IF EXISTS {schema}.{guard_function_name(g)}() CASCADE"
        for g in guards
        if not isinstance(g, LockGuard) or g.trigger
    ]


def _from_database(error: Any) -> PeriodLocked:
    """The 409 for a guard's exception: DETAIL is "city:period,city:period"."""
    pairs = [item.split(":", 1) for item in str(error.detail or "").split(",") if ":" in item]
    return PeriodLocked(_locked_detail((city, period) for city, period in pairs))


register_database_problem(PERIOD_LOCKED_SQLSTATE, _from_database)


@dataclass(frozen=True)
class Exempt:
    """A write route a city's lock leaves open, and why (no city, no date, no figure)."""

    reason: str


@dataclass(frozen=True)
class Guarded:
    """A write route the lock covers: by guards (trigger names) and/or a route-level check."""

    guards: tuple[str, ...] = ()
    checked: str = ""  # what the route itself checks with assert_unlocked/assert_rows_unlocked


Coverage = Guarded | Exempt

# Routes made by a shared builder (shared_kit.corrections) carry their coverage on the
# endpoint itself, so the services' inventories need not repeat them.
_COVERAGE_ATTR = "period_lock_coverage"


def declare_coverage(endpoint: Any, coverage: Coverage) -> None:
    setattr(endpoint, _COVERAGE_ATTR, coverage)


def declared_coverage(endpoint: Any) -> Coverage | None:
    found = getattr(endpoint, _COVERAGE_ATTR, None)
    return found if isinstance(found, Guarded | Exempt) else None
