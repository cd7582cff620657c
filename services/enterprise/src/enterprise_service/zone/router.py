from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from enterprise_service.common import CONFLICT, NOT_FOUND, AdminOnly, Reader, Writer
from enterprise_service.zone import service
from enterprise_service.zone.models import HitechZone, ZoneQuarterStat
from enterprise_service.zone.schemas import (
    QuarterStatPut,
    QuarterStatRead,
    ZoneClose,
    ZoneCreate,
    ZoneRead,
)
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/hitech-zones", tags=["hitech-zones"], responses=PROBLEM_RESPONSES)


@router.post("", status_code=201, response_model=ZoneRead, responses=CONFLICT)
async def create_hitech_zone(
    session: SessionDep, principal: AdminOnly, body: ZoneCreate
) -> HitechZone:
    """Record a high-tech zone (高新区). Roles: admin."""
    return await service.create_zone(session, data=body)


@router.get("/{zone_id}", response_model=ZoneRead, responses=NOT_FOUND)
async def get_hitech_zone(session: SessionDep, principal: Reader, zone_id: uuid.UUID) -> HitechZone:
    """One zone. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_zone(session, principal=principal, zone_id=zone_id)


@router.post("/{zone_id}/close", response_model=ZoneRead, responses=CONFLICT)
async def close_hitech_zone(
    session: SessionDep, principal: AdminOnly, zone_id: uuid.UUID, body: ZoneClose
) -> HitechZone:
    """Close a zone from a date (it stops being active). Roles: admin."""
    return await service.close_zone(session, principal=principal, zone_id=zone_id, data=body)


@router.get("", response_model=Page[ZoneRead])
async def list_hitech_zones(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    active_on: Annotated[date | None, Query()] = None,
) -> Page[ZoneRead]:
    """Zones by name. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_zones(
        session, principal=principal, page=page, city=city, active_on=active_on
    )
    return Page[ZoneRead](items=[ZoneRead.model_validate(x) for x in items], next_cursor=cursor)


@router.put(
    "/{zone_id}/quarters/{year}/{quarter}", response_model=QuarterStatRead, responses=NOT_FOUND
)
async def put_hitech_zone_quarter(
    session: SessionDep,
    principal: Writer,
    zone_id: uuid.UUID,
    year: Annotated[int, Path(ge=2000, le=2100)],
    quarter: Annotated[int, Path(ge=1, le=4)],
    body: QuarterStatPut,
) -> ZoneQuarterStat:
    """Set a zone's statistics for an ended quarter. Roles: admin, city_bureau (own city)."""
    return await service.put_quarter(
        session, principal=principal, zone_id=zone_id, year=year, quarter=quarter, data=body
    )


@router.get("/{zone_id}/quarters", response_model=list[QuarterStatRead], responses=NOT_FOUND)
async def list_hitech_zone_quarters(
    session: SessionDep, principal: Reader, zone_id: uuid.UUID
) -> list[ZoneQuarterStat]:
    """A zone's quarterly statistics. Roles: admin, analyst, service, city_bureau (own city)."""
    return await service.list_quarters(session, principal=principal, zone_id=zone_id)
