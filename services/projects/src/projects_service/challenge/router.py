from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from projects_service.challenge import service
from projects_service.challenge.corrections import DEMANDS
from projects_service.challenge.models import ChallengeDemand, ChallengeDemandTransition
from projects_service.challenge.schemas import (
    ChallengeDemandCreate,
    ChallengeDemandRead,
    ChallengeListItem,
    DemandStatus,
    TransitionRead,
    TransitionRequest,
)
from projects_service.db import CORRECTIONS
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import ReadConnDep, SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(
    prefix="/challenge-demands", tags=["challenge-demands"], responses=PROBLEM_RESPONSES
)
list_router = APIRouter(
    prefix="/challenge-list", tags=["challenge-list"], responses=PROBLEM_RESPONSES
)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
PublicReader = Annotated[Principal, Depends(require_roles(*Role))]


@router.post(
    "", status_code=201, response_model=ChallengeDemandRead, responses={409: {"model": Problem}}
)
async def create_challenge_demand(
    session: SessionDep, principal: Writer, body: ChallengeDemandCreate
) -> ChallengeDemand:
    """Record a 揭榜挂帅 demand (需求征集). Roles: admin, city_bureau (own city)."""
    return await service.create_demand(session, principal=principal, data=body)


@router.get("/{demand_id}", response_model=ChallengeDemandRead, responses={404: {"model": Problem}})
async def get_challenge_demand(
    conn: ReadConnDep, principal: Reader, demand_id: uuid.UUID
) -> dict[str, Any]:
    """One demand. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.read_demand(conn, principal=principal, demand_id=demand_id)


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
    """Demands, oldest submission first; withdrawn ones only when ``status=withdrawn`` asks.

    Roles: admin, analyst, service, city_bureau (own).
    """
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


@router.post(
    "/{demand_id}/transitions",
    response_model=ChallengeDemandRead,
    responses={404: {"model": Problem}, 409: {"model": Problem}},
)
async def transition_challenge_demand(
    session: SessionDep, principal: Writer, demand_id: uuid.UUID, body: TransitionRequest
) -> ChallengeDemand:
    """Move a demand along its workflow; 409 ``illegal_transition`` lists the allowed targets.

    Roles: admin (every step); city_bureau of the demand's city (claimed, withdrawn).
    """
    return await service.transition_demand(
        session, principal=principal, demand_id=demand_id, data=body
    )


@router.get(
    "/{demand_id}/history",
    response_model=list[TransitionRead],
    responses={404: {"model": Problem}},
)
async def get_challenge_demand_history(
    session: SessionDep, principal: Reader, demand_id: uuid.UUID
) -> list[ChallengeDemandTransition]:
    """Every workflow step of a demand, oldest first (who, when, from, to, why).

    Roles: admin, analyst, service, city_bureau (own city; others 404).
    """
    return await service.demand_history(session, principal=principal, demand_id=demand_id)


# Withdraw, correct, history and correction requests (shared_kit.corrections).
CORRECTIONS.record_routes(router, DEMANDS)


@list_router.get("", response_model=Page[ChallengeListItem])
async def get_challenge_list(
    session: SessionDep,
    principal: PublicReader,
    page: Annotated[PageParams, Depends(page_params)],
    field: Annotated[str | None, Query(max_length=100)] = None,
    city: Annotated[CityCode | None, Query()] = None,
) -> Page[ChallengeListItem]:
    """The public 榜单: demands currently listed, from every city.

    Roles: every authenticated role (admin, analyst, city_bureau, bank, service).
    """
    items, cursor = await service.challenge_list(session, page=page, field=field, city=city)
    return Page[ChallengeListItem](
        items=[ChallengeListItem.model_validate(d) for d in items], next_cursor=cursor
    )
