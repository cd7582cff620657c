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
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any

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
from shared_kit.errors import PROBLEM_RESPONSES, Conflict, FieldError, Problem
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


async def assert_rows_unlocked(
    session: AsyncSession,
    *,
    schema: str,
    rows_sql: str,
    params: dict[str, Any] | None = None,
    what: str = "行",
) -> None:
    """Refuse a whole file or batch (409 ``period_locked``) when any of its rows is locked.

    ``rows_sql`` selects ``(row_no, ref, city, day)`` over the staged rows, one line per
    city a row is attributed to (old and new values of an update both count); ``row_no``
    is the 1-based data row (may be NULL), ``ref`` what the refusal names the row by.
    """
    sql = text(
        f"SELECT DISTINCT r.row_no, r.ref, l.city, l.period FROM ({rows_sql}) "
        f"AS r(row_no, ref, city, day) JOIN {schema}.{TABLE} l "
        "ON l.city = r.city AND r.day BETWEEN l.start_on AND l.end_on "
        "ORDER BY r.row_no, r.ref, l.city, l.period"
    )
    rows = (await session.execute(sql, params or {})).all()
    if not rows:
        return
    errors = [
        FieldError(
            field=f"rows.{r.ref}",
            code="period_locked",
            message=t(
                f"第{r.row_no}{what}（{r.ref}）属于已锁定的{city_name(r.city)}{r.period}",
                f"row {r.row_no} ({r.ref}) lies in the locked {r.city} {r.period}",
            )
            if r.row_no is not None
            else t(
                f"{r.ref}属于已锁定的{city_name(r.city)}{r.period}",
                f"{r.ref} lies in the locked {r.city} {r.period}",
            ),
            row=r.row_no,
        )
        for r in rows[:MAX_LISTED_ROWS]
    ]
    refs = {r.ref for r in rows}
    locked = _locked_detail((r.city, r.period) for r in rows)
    raise PeriodLocked(
        t(
            f"共{len(refs)}{what}落在已锁定的期间内，整批未保存。{locked}",
            f"{len(refs)} row(s) lie in locked periods; nothing was saved. {locked.en}",
        ),
        errors=errors,
    )


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
