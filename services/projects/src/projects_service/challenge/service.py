from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from projects_service.challenge.exceptions import ChallengeDemandNotFound, CityNotAllowed
from projects_service.challenge.models import ChallengeDemand
from projects_service.challenge.schemas import ChallengeDemandCreate
from shared_kit.auth import Principal
from shared_kit.pagination import PageParams, keyset, page_from_rows


async def create_demand(
    session: AsyncSession, *, principal: Principal, data: ChallengeDemandCreate
) -> ChallengeDemand:
    own = principal.city_scope
    if own is not None and data.city != own:
        raise CityNotAllowed(f"this key may only submit demands for city {own}")
    demand = ChallengeDemand(**data.model_dump())
    session.add(demand)
    await session.flush()
    return demand


async def get_demand(
    session: AsyncSession, *, principal: Principal, demand_id: uuid.UUID
) -> ChallengeDemand:
    demand = await session.get(ChallengeDemand, demand_id)
    own = principal.city_scope
    # Another city's record answers exactly like a missing one: no existence leak.
    if demand is None or (own is not None and demand.city != own):
        raise ChallengeDemandNotFound(f"no challenge demand {demand_id}")
    return demand


async def list_demands(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    status: str | None = None,
    submitted_from: date | None = None,
    submitted_to: date | None = None,
) -> tuple[list[ChallengeDemand], str | None]:
    stmt = select(ChallengeDemand)
    own = principal.city_scope
    if own is not None:
        stmt = stmt.where(ChallengeDemand.city == own)
    if city is not None:
        stmt = stmt.where(ChallengeDemand.city == city)
    if status is not None:
        stmt = stmt.where(ChallengeDemand.status == status)
    if submitted_from is not None:
        stmt = stmt.where(ChallengeDemand.submitted_on >= submitted_from)
    if submitted_to is not None:
        stmt = stmt.where(ChallengeDemand.submitted_on <= submitted_to)
    order = [ChallengeDemand.submitted_on, ChallengeDemand.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda d: (d.submitted_on, d.id))
