from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from projects_service.challenge import service
from projects_service.challenge.models import ChallengeDemand
from projects_service.challenge.schemas import ChallengeDemandCreate, ChallengeDemandRead
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(
    prefix="/challenge-demands", tags=["challenge-demands"], responses=PROBLEM_RESPONSES
)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
DemandStatus = Literal[
    "submitted",
    "under_review",
    "listed",
    "rejected",
    "claimed",
    "contracted",
    "accepted",
    "terminated",
    "withdrawn",
]


@router.post("", status_code=201, response_model=ChallengeDemandRead)
async def create_challenge_demand(
    session: SessionDep, principal: Writer, body: ChallengeDemandCreate
) -> ChallengeDemand:
    """Record a 揭榜挂帅 demand (需求征集). Roles: admin, city_bureau (own city)."""
    return await service.create_demand(session, principal=principal, data=body)


@router.get("/{demand_id}", response_model=ChallengeDemandRead, responses={404: {"model": Problem}})
async def get_challenge_demand(
    session: SessionDep, principal: Reader, demand_id: uuid.UUID
) -> ChallengeDemand:
    """One demand. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_demand(session, principal=principal, demand_id=demand_id)


@router.get("", response_model=Page[ChallengeDemandRead])
async def list_challenge_demands(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    status: Annotated[DemandStatus | None, Query()] = None,
    submitted_from: Annotated[date | None, Query()] = None,
    submitted_to: Annotated[date | None, Query()] = None,
) -> Page[ChallengeDemandRead]:
    """Demands, oldest submission first. Roles: admin, analyst, service, city_bureau (own)."""
    items, cursor = await service.list_demands(
        session,
        principal=principal,
        page=page,
        city=city,
        status=status,
        submitted_from=submitted_from,
        submitted_to=submitted_to,
    )
    return Page[ChallengeDemandRead](
        items=[ChallengeDemandRead.model_validate(d) for d in items], next_cursor=cursor
    )
