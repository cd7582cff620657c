from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Uuid, any_, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.codes import city_of
from shared_kit.corrections import not_withdrawn
from shared_kit.errors import FieldError, ValidationFailed
from shared_kit.i18n import Text, t
from shared_kit.import_spec import repeats
from shared_kit.pagination import PageParams, keyset, page_from_rows
from shared_kit.period_lock import (
    assert_rows_unlocked,
    assert_unlocked,
    city_name,
    locked_rows_json,
    locked_rows_sql,
    refuse_locked_json,
)
from talent_service.commissioner.exceptions import (
    CommissionerNotFound,
    DispatchCancelled,
    DispatchNotFound,
    ServiceLogConflict,
    ServiceLogNotFound,
)
from talent_service.commissioner.importer import ParsedRow
from talent_service.commissioner.models import DISPATCH_ENDED, Commissioner, Dispatch, ServiceLog
from talent_service.commissioner.schemas import (
    CommissionerCreate,
    DispatchCreate,
    ServiceLogCreate,
)
from talent_service.db import SCHEMA

# How a dispatch that ended reads in a message.
_ENDED_WORD = {"cancelled": "取消", "withdrawn": "撤回"}


def county_problem(county: str, city: str) -> Text | None:
    """Why ``county`` is not a county-level code of ``city``, or None."""
    if city_of(county) != city or county == city:
        return t(
            f"{county} 不是{city_name(city)}所辖的县级区划代码",
            f"{county} is not a county-level code inside city {city}",
        )
    return None


def village_problem(code: str, city: str) -> tuple[str, Text] | None:
    """(code, message) when ``code`` is not a village/community code inside ``city``."""
    if not code.isdigit() or len(code) not in (9, 12):
        return "invalid_village_code", t(
            "村（社区）代码应为 9 位或 12 位数字", "a village/community code has 9 or 12 digits"
        )
    county = code[:6]
    if city_of(county) != city or county == city:
        return (
            "village_not_in_city",
            t(
                f"前 6 位 {county} 不是派驻地市{city_name(city)}所辖的县级区划",
                f"its first six digits {county} are not a county of the dispatch city {city}",
            ),
        )
    return None


def serve_problem(dispatch: Dispatch, served_on: date) -> tuple[str, Text] | None:
    if served_on < dispatch.dispatched_on:
        return (
            "served_before_dispatch",
            t(
                f"服务日期早于派驻日期 {dispatch.dispatched_on.isoformat()}",
                f"served_on is before the dispatch date {dispatch.dispatched_on.isoformat()}",
            ),
        )
    return None


def _order(*columns: Any) -> list[Any]:
    return list(columns)


# --- commissioners ---------------------------------------------------------------------


async def create_commissioner(
    session: AsyncSession, *, principal: Principal, data: CommissionerCreate
) -> Commissioner:
    scope.check_write(principal, data.home_city)
    commissioner = Commissioner(**data.model_dump())
    session.add(commissioner)
    await session.flush()
    return commissioner


async def get_commissioner(session: AsyncSession, *, commissioner_id: uuid.UUID) -> Commissioner:
    # The commissioner directory is region-wide: a city bureau dispatches people from
    # anywhere, so it must be able to look them up.
    commissioner = await session.get(Commissioner, commissioner_id)
    if commissioner is None:
        raise CommissionerNotFound(
            t(f"没有科技特派员 {commissioner_id}", f"no commissioner {commissioner_id}")
        )
    return commissioner


async def list_commissioners(
    session: AsyncSession,
    *,
    page: PageParams,
    kind: str | None = None,
    home_city: str | None = None,
    name: str | None = None,
) -> tuple[list[Commissioner], str | None]:
    c = Commissioner
    stmt = select(c)
    if kind is not None:
        stmt = stmt.where(c.kind == kind)
    if home_city is not None:
        stmt = stmt.where(c.home_city == home_city)
    if name:
        stmt = stmt.where(c.name.contains(name, autoescape=True))
    rows = (await session.execute(keyset(stmt, _order(c.name, c.id), page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.name, r.id))


# --- dispatches ------------------------------------------------------------------------


async def create_dispatch(
    session: AsyncSession, *, principal: Principal, data: DispatchCreate
) -> Dispatch:
    scope.check_write(principal, data.city)
    problem = county_problem(data.county, data.city)
    if problem:
        raise ValidationFailed(
            problem,
            errors=[FieldError(field="body.county", code="county_not_in_city", message=problem)],
        )
    if await session.get(Commissioner, data.commissioner_id) is None:
        raise ValidationFailed(
            t("未知的科技特派员", "unknown commissioner"),
            errors=[
                FieldError(
                    field="body.commissioner_id",
                    code="unknown_commissioner",
                    message=t(
                        f"没有科技特派员 {data.commissioner_id}",
                        f"no commissioner {data.commissioner_id}",
                    ),
                )
            ],
        )
    await assert_unlocked(session, schema=SCHEMA, records=[(data.city, data.dispatched_on)])
    dispatch = Dispatch(**data.model_dump(), status="active")
    session.add(dispatch)
    await session.flush()
    return dispatch


async def get_dispatch(
    session: AsyncSession, *, principal: Principal, dispatch_id: uuid.UUID
) -> Dispatch:
    dispatch = await session.get(Dispatch, dispatch_id)
    # Another city's record answers exactly like a missing one: no existence leak.
    if dispatch is None or not scope.sees(principal, dispatch.city):
        raise DispatchNotFound(
            t(f"没有科技特派员派驻 {dispatch_id}", f"no commissioner dispatch {dispatch_id}")
        )
    return dispatch


async def cancel_dispatch(
    session: AsyncSession,
    *,
    principal: Principal,
    dispatch_id: uuid.UUID,
    cancelled_on: date | None,
) -> Dispatch:
    dispatch = await get_dispatch(session, principal=principal, dispatch_id=dispatch_id)
    if dispatch.status in DISPATCH_ENDED:
        raise DispatchCancelled(
            t(
                f"派驻 {dispatch_id} 已{_ENDED_WORD.get(dispatch.status, dispatch.status)}",
                f"dispatch {dispatch_id} is already {dispatch.status}",
            )
        )
    # Cancelling stops the dispatch and every log under it counting: none may be locked.
    await assert_rows_unlocked(
        session,
        schema=SCHEMA,
        rows_sql=f"SELECT NULL::int, '派遣', city, dispatched_on FROM {SCHEMA}."
        "commissioner_dispatches WHERE id = :id UNION ALL SELECT NULL::int, "
        f"'服务日志' || served_on::text, city, served_on FROM {SCHEMA}.commissioner_service_logs "
        "WHERE dispatch_id = :id",
        params={"id": dispatch.id},
        what="条记录",
    )
    dispatch.status = "cancelled"
    dispatch.cancelled_on = cancelled_on or date.today()
    await session.flush()
    await session.refresh(dispatch)
    return dispatch


async def list_dispatches(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    commissioner_id: uuid.UUID | None = None,
    year: int | None = None,
    city: str | None = None,
    county: str | None = None,
    status: str | None = None,
    dispatched_from: date | None = None,
    dispatched_to: date | None = None,
) -> tuple[list[Dispatch], str | None]:
    d = Dispatch
    stmt = select(d)
    stmt = scope.where(stmt, principal, d.city)
    if commissioner_id is not None:
        stmt = stmt.where(d.commissioner_id == commissioner_id)
    if year is not None:
        stmt = stmt.where(d.year == year)
    if city is not None:
        stmt = stmt.where(d.city == city)
    if county is not None:
        stmt = stmt.where(d.county == county)
    # Withdrawn dispatches only when asked for by status.
    stmt = stmt.where(d.status == status) if status else stmt.where(not_withdrawn(d.status))
    if dispatched_from is not None:
        stmt = stmt.where(d.dispatched_on >= dispatched_from)
    if dispatched_to is not None:
        stmt = stmt.where(d.dispatched_on <= dispatched_to)
    stmt = keyset(stmt, _order(d.dispatched_on, d.id), page)
    rows = (await session.execute(stmt)).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.dispatched_on, r.id))


# --- service logs ----------------------------------------------------------------------


async def create_service_log(
    session: AsyncSession, *, principal: Principal, data: ServiceLogCreate
) -> ServiceLog:
    dispatch = await session.get(Dispatch, data.dispatch_id)
    if dispatch is None:
        raise ValidationFailed(
            t("未知的派驻", "unknown dispatch"),
            errors=[
                FieldError(
                    field="body.dispatch_id",
                    code="unknown_dispatch",
                    message=t(
                        f"没有科技特派员派驻 {data.dispatch_id}",
                        f"no commissioner dispatch {data.dispatch_id}",
                    ),
                )
            ],
        )
    scope.check_write(principal, dispatch.city)
    if dispatch.status in DISPATCH_ENDED:
        raise DispatchCancelled(
            t(
                f"派驻 {dispatch.id} 已{_ENDED_WORD.get(dispatch.status, dispatch.status)}，"
                "不能登记服务",
                f"dispatch {dispatch.id} is {dispatch.status}: no service can be logged",
            )
        )
    errors = []
    village = village_problem(data.village_code, dispatch.city)
    if village:
        errors.append(FieldError(field="body.village_code", code=village[0], message=village[1]))
    served = serve_problem(dispatch, data.served_on)
    if served:
        errors.append(FieldError(field="body.served_on", code=served[0], message=served[1]))
    if errors:
        raise ValidationFailed(
            t(f"{len(errors)} 个字段未通过校验", f"{len(errors)} field(s) failed validation"),
            errors=errors,
        )
    existing = await session.scalar(
        select(ServiceLog.id).where(
            ServiceLog.dispatch_id == dispatch.id,
            ServiceLog.village_code == data.village_code,
            ServiceLog.served_on == data.served_on,
        )
    )
    if existing is not None:
        raise ServiceLogConflict(
            t(f"已登记为服务记录 {existing}", f"already recorded as service log {existing}")
        )
    await assert_unlocked(session, schema=SCHEMA, records=[(dispatch.city, data.served_on)])
    log = ServiceLog(**data.model_dump(), city=dispatch.city)
    session.add(log)
    await session.flush()
    return log


async def get_service_log(
    session: AsyncSession, *, principal: Principal, log_id: uuid.UUID
) -> ServiceLog:
    log = await session.get(ServiceLog, log_id)
    if log is None or not scope.sees(principal, log.city):
        raise ServiceLogNotFound(
            t(f"没有科技特派员服务记录 {log_id}", f"no commissioner service log {log_id}")
        )
    return log


async def list_service_logs(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    dispatch_id: uuid.UUID | None = None,
    commissioner_id: uuid.UUID | None = None,
    city: str | None = None,
    village_code: str | None = None,
    served_from: date | None = None,
    served_to: date | None = None,
    status: str | None = None,
) -> tuple[list[ServiceLog], str | None]:
    s = ServiceLog
    stmt = select(s)
    stmt = scope.where(stmt, principal, s.city)
    # Withdrawn logs only when asked for by status.
    stmt = stmt.where(s.status == status) if status else stmt.where(not_withdrawn(s.status))
    if dispatch_id is not None:
        stmt = stmt.where(s.dispatch_id == dispatch_id)
    if commissioner_id is not None:
        of_commissioner = select(Dispatch.id).where(Dispatch.commissioner_id == commissioner_id)
        stmt = stmt.where(s.dispatch_id.in_(of_commissioner))
    if city is not None:
        stmt = stmt.where(s.city == city)
    if village_code is not None:
        stmt = stmt.where(s.village_code == village_code)
    if served_from is not None:
        stmt = stmt.where(s.served_on >= served_from)
    if served_to is not None:
        stmt = stmt.where(s.served_on <= served_to)
    rows = (await session.execute(keyset(stmt, _order(s.served_on, s.id), page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.served_on, r.id))


# --- bulk import -----------------------------------------------------------------------


@dataclass
class ImportOutcome:
    rows: int
    valid: int
    created: int
    errors: list[FieldError]

    @property
    def failed(self) -> int:
        return len({e.row for e in self.errors})


def _uuids(values: list[uuid.UUID]) -> Any:
    # One array parameter instead of an IN list: a file may name thousands of dispatches.
    return bindparam("uuids", value=values, type_=ARRAY(Uuid()))


_RECORDED_VISITS = text(
    """
    SELECT k.d, k.v, k.s
    FROM unnest(CAST(:d AS uuid[]), CAST(:v AS varchar[]), CAST(:s AS date[])) AS k(d, v, s)
    JOIN talent.commissioner_service_logs l
      ON l.dispatch_id = k.d AND l.village_code = k.v AND l.served_on = k.s
    """
)

# The file's rows with their dispatch's city, the ones lying in a locked period, and the
# insert unless there is one: one statement, the rows bound once.
_LOCKED_LOGS = locked_rows_sql(
    SCHEMA, "SELECT row_no, village_code || ' ' || served_on::text, city, served_on FROM rows"
)
_INSERT_LOGS = text(
    f"""
    WITH rows AS MATERIALIZED (
        SELECT i.*, d.city
        FROM unnest(
            CAST(:nos AS int[]), CAST(:dispatch_ids AS uuid[]), CAST(:villages AS varchar[]),
            CAST(:served AS date[]), CAST(:days AS smallint[]), CAST(:contents AS text[]),
            CAST(:outcomes AS text[])
        ) AS i(row_no, dispatch_id, village_code, served_on, days, content, outcome)
        JOIN talent.commissioner_dispatches d ON d.id = i.dispatch_id
    ),
    locked AS ({_LOCKED_LOGS}),
    ins AS (
        INSERT INTO talent.commissioner_service_logs
            (id, dispatch_id, city, village_code, served_on, days, content, outcome)
        SELECT uuidv7(), dispatch_id, city, village_code, served_on, days, content, outcome
        FROM rows WHERE NOT EXISTS (SELECT 1 FROM locked)
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins) AS created,
           {locked_rows_json("locked")} AS locked
    """
)


async def import_service_logs(
    session: AsyncSession,
    *,
    principal: Principal,
    rows: list[ParsedRow],
    dry_run: bool,
) -> ImportOutcome:
    """Check every row against its dispatch, then insert all rows in one statement or none.

    Two queries read what the rules need (the dispatches named; which of the file's
    visits are already stored); the insert is a single ``INSERT … SELECT FROM unnest``.
    """
    own = scope.own_city(principal)
    dispatch_ids = list({r.dispatch_id for r in rows if r.dispatch_id is not None})
    dispatches: dict[uuid.UUID, Any] = {}
    if dispatch_ids:
        d = Dispatch
        named = select(d.id, d.city, d.status, d.dispatched_on)
        found = await session.execute(named.where(d.id == any_(_uuids(dispatch_ids))))
        dispatches = {row.id: row for row in found}

    seen: dict[tuple[uuid.UUID, str, date], ParsedRow] = {}
    for row in rows:
        if row.dispatch_id is None:
            continue
        dispatch = dispatches.get(row.dispatch_id)
        if dispatch is None:
            row.fail(
                "dispatch_id", "unknown_dispatch", f"no commissioner dispatch {row.dispatch_id}"
            )
            continue
        if own is not None and dispatch.city != own:
            row.fail("dispatch_id", "city_not_allowed", f"the dispatch is not of city {own}")
            continue
        if dispatch.status in DISPATCH_ENDED:
            row.fail("dispatch_id", "dispatch_cancelled", f"the dispatch is {dispatch.status}")
            continue
        if row.village_code is not None:
            village = village_problem(row.village_code, dispatch.city)
            if village:
                row.fail("village_code", *village)
        if row.served_on is not None and row.served_on < dispatch.dispatched_on:
            row.fail(
                "served_on",
                "served_before_dispatch",
                f"served_on is before the dispatch date {dispatch.dispatched_on.isoformat()}",
            )
        if row.village_code is not None and row.served_on is not None and not row.errors:
            key = (row.dispatch_id, row.village_code, row.served_on)
            if key in seen:
                row.fail("served_on", "duplicate_row", repeats(seen[key].row))
            else:
                seen[key] = row

    if seen:
        # Visits already stored: only the colliding keys come back (unique index lookups).
        keys = list(seen)
        recorded = await session.execute(
            _RECORDED_VISITS,
            {
                "d": [k[0] for k in keys],
                "v": [k[1] for k in keys],
                "s": [k[2] for k in keys],
            },
        )
        for dispatch_id, village_code, served_on in recorded:
            seen[(dispatch_id, village_code, served_on)].fail(
                "served_on", "already_recorded", "this visit is already recorded"
            )

    errors = [e for r in rows for e in r.errors]
    valid = sum(1 for r in rows if not r.errors)
    if errors or dry_run:
        return ImportOutcome(rows=len(rows), valid=valid, created=0, errors=errors)

    del seen  # its keys are as many tuples as rows: freed before the insert's arrays
    # Every row is valid here. The whole file is refused when a visit lies in a locked
    # period of its dispatch's city.
    written = (
        await session.execute(
            _INSERT_LOGS,
            {
                "nos": [r.row for r in rows],
                "dispatch_ids": [r.dispatch_id for r in rows],
                "villages": [r.village_code for r in rows],
                "served": [r.served_on for r in rows],
                "days": [r.days for r in rows],
                "contents": [r.content for r in rows],
                "outcomes": [r.outcome for r in rows],
            },
        )
    ).one()
    refuse_locked_json(written.locked)
    return ImportOutcome(rows=len(rows), valid=valid, created=int(written.created), errors=[])
