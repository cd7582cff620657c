from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params
from transfer_service.pilot import service
from transfer_service.pilot.models import Pilot, PilotBase
from transfer_service.pilot.schemas import (
    PilotBaseCreate,
    PilotBaseRead,
    PilotCreate,
    PilotKind,
    PilotRead,
)

router = APIRouter(tags=["pilots"], responses=PROBLEM_RESPONSES)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": Problem}}
CANCEL: dict[int | str, dict[str, object]] = {**NOT_FOUND, 409: {"model": Problem}}


@router.post("/pilots", status_code=201, response_model=PilotRead)
async def create_pilot(session: SessionDep, principal: Writer, body: PilotCreate) -> Pilot:
    """Designate a reform or evaluation pilot. Roles: admin, city_bureau (own city)."""
    return await service.create_pilot(session, principal=principal, data=body)


@router.get("/pilots/{pilot_id}", response_model=PilotRead, responses=NOT_FOUND)
async def get_pilot(session: SessionDep, principal: Reader, pilot_id: uuid.UUID) -> Pilot:
    """One pilot. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_pilot(session, principal=principal, pilot_id=pilot_id)


@router.post("/pilots/{pilot_id}/cancel", response_model=PilotRead, responses=CANCEL)
async def cancel_pilot(session: SessionDep, principal: Writer, pilot_id: uuid.UUID) -> Pilot:
    """Cancel a designation; it stops counting. Roles: admin, city_bureau (own city)."""
    return await service.cancel_pilot(session, principal=principal, pilot_id=pilot_id)


@router.get("/pilots", response_model=Page[PilotRead])
async def list_pilots(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    kind: Annotated[PilotKind | None, Query()] = None,
    started_from: Annotated[date | None, Query()] = None,
    started_to: Annotated[date | None, Query()] = None,
) -> Page[PilotRead]:
    """Pilots, oldest first. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_pilots(
        session,
        principal=principal,
        page=page,
        city=city,
        kind=kind,
        started_from=started_from,
        started_to=started_to,
    )
    return Page[PilotRead](items=[PilotRead.model_validate(p) for p in items], next_cursor=cursor)


@router.post("/pilot-bases", status_code=201, response_model=PilotBaseRead)
async def create_pilot_base(
    session: SessionDep, principal: Writer, body: PilotBaseCreate
) -> PilotBase:
    """Record a new pilot-scale base (中试基地). Roles: admin, city_bureau (own city)."""
    return await service.create_pilot_base(session, principal=principal, data=body)


@router.get("/pilot-bases/{base_id}", response_model=PilotBaseRead, responses=NOT_FOUND)
async def get_pilot_base(session: SessionDep, principal: Reader, base_id: uuid.UUID) -> PilotBase:
    """One pilot-scale base. Roles: admin, analyst, service, city_bureau (own city)."""
    return await service.get_pilot_base(session, principal=principal, base_id=base_id)


@router.post("/pilot-bases/{base_id}/cancel", response_model=PilotBaseRead, responses=CANCEL)
async def cancel_pilot_base(
    session: SessionDep, principal: Writer, base_id: uuid.UUID
) -> PilotBase:
    """Cancel a base record; it stops counting. Roles: admin, city_bureau (own city)."""
    return await service.cancel_pilot_base(session, principal=principal, base_id=base_id)


@router.get("/pilot-bases", response_model=Page[PilotBaseRead])
async def list_pilot_bases(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    established_from: Annotated[date | None, Query()] = None,
    established_to: Annotated[date | None, Query()] = None,
) -> Page[PilotBaseRead]:
    """Pilot-scale bases, oldest first. Roles: admin, analyst, service, city_bureau (own)."""
    items, cursor = await service.list_pilot_bases(
        session,
        principal=principal,
        page=page,
        city=city,
        established_from=established_from,
        established_to=established_to,
    )
    return Page[PilotBaseRead](
        items=[PilotBaseRead.model_validate(b) for b in items], next_cursor=cursor
    )
