from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.common import already, not_before
from enterprise_service.zone.models import HitechZone, ZoneQuarterStat
from enterprise_service.zone.schemas import QuarterStatPut, ZoneClose, ZoneCreate
from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.errors import Conflict, FieldError, NotFound, ValidationFailed
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows


class ZoneNotFound(NotFound):
    code = "hitech_zone_not_found"
    title = t("未找到高新区", "High-tech zone not found")


class ZoneExists(Conflict):
    code = "hitech_zone_exists"
    title = t("已有同名高新区", "A zone with this name exists")
    unique_constraints = ("uq_hitech_zones_name",)


class ZoneClosed(Conflict):
    code = "already_ended"
    title = t("高新区已撤销", "The zone is already closed")


class QuarterNotOver(ValidationFailed):
    code = "quarter_not_over"
    title = t(
        "只能填报已结束季度的统计数据", "Statistics are reported for quarters that have ended"
    )


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    nxt = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, nxt - timedelta(days=1)


def first_whole_quarter(start: date, end: date) -> tuple[date, date] | None:
    """The first calendar quarter lying wholly inside ``[start, end]``, if any."""
    q = (start.month - 1) // 3 + 1
    q_start, q_end = quarter_bounds(start.year, q)
    if q_start < start:
        year, q = (start.year + 1, 1) if q == 4 else (start.year, q + 1)
        q_start, q_end = quarter_bounds(year, q)
    return (q_start, q_end) if q_end <= end else None


async def create_zone(session: AsyncSession, *, data: ZoneCreate) -> HitechZone:
    if await session.scalar(select(HitechZone.id).where(HitechZone.name == data.name)):
        raise ZoneExists(t(f"高新区 {data.name} 已存在", f"zone {data.name} exists"))
    zone = HitechZone(**data.model_dump())
    session.add(zone)
    await session.flush()
    return zone


async def get_zone(
    session: AsyncSession, *, principal: Principal, zone_id: uuid.UUID
) -> HitechZone:
    zone = await session.get(HitechZone, zone_id)
    if zone is None or not scope.sees(principal, zone.city):
        raise ZoneNotFound(t(f"没有高新区 {zone_id}", f"no zone {zone_id}"))
    return zone


async def close_zone(
    session: AsyncSession, *, principal: Principal, zone_id: uuid.UUID, data: ZoneClose
) -> HitechZone:
    zone = await get_zone(session, principal=principal, zone_id=zone_id)
    already(ZoneClosed, "closed", zone.closed_on)
    not_before(
        data.closed_on,
        zone.established_on + timedelta(days=1),
        "closed_on",
        t("设立次日", "opening"),
    )
    zone.closed_on = data.closed_on
    await session.flush()
    await session.refresh(zone)
    return zone


async def list_zones(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    active_on: date | None = None,
) -> tuple[list[HitechZone], str | None]:
    z = HitechZone
    stmt = select(z)
    stmt = scope.where(stmt, principal, z.city, city=city)
    if active_on is not None:
        stmt = stmt.where(
            z.established_on <= active_on, z.closed_on.is_(None) | (z.closed_on > active_on)
        )
    order: list[Any] = [z.name, z.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda x: (x.name, x.id))


async def put_quarter(
    session: AsyncSession,
    *,
    principal: Principal,
    zone_id: uuid.UUID,
    year: int,
    quarter: int,
    data: QuarterStatPut,
) -> ZoneQuarterStat:
    zone = await get_zone(session, principal=principal, zone_id=zone_id)
    scope.check_write(principal, zone.city)
    q_start, q_end = quarter_bounds(year, quarter)
    if q_end >= date.today():
        raise QuarterNotOver(
            t(f"{year} 年第 {quarter} 季度尚未结束", f"{year}Q{quarter} has not ended"),
            errors=[
                FieldError(
                    field="path.quarter",
                    code="quarter_not_over",
                    message=t("该季度尚未结束", "not over"),
                )
            ],
        )
    stat = await session.scalar(
        select(ZoneQuarterStat).where(
            ZoneQuarterStat.zone_id == zone.id,
            ZoneQuarterStat.year == year,
            ZoneQuarterStat.quarter == quarter,
        )
    )
    if stat is None:
        stat = ZoneQuarterStat(
            zone_id=zone.id, year=year, quarter=quarter, quarter_start=q_start, quarter_end=q_end
        )
        session.add(stat)
    stat.gross_output = data.gross_output
    stat.revenue = data.revenue
    stat.enterprises = data.enterprises
    await session.flush()
    await session.refresh(stat)
    return stat


async def list_quarters(
    session: AsyncSession, *, principal: Principal, zone_id: uuid.UUID
) -> list[ZoneQuarterStat]:
    zone = await get_zone(session, principal=principal, zone_id=zone_id)
    s = ZoneQuarterStat
    stmt = select(s).where(s.zone_id == zone.id).order_by(s.year, s.quarter)
    return list((await session.scalars(stmt)).all())
