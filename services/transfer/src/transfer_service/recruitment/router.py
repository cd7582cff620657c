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
from transfer_service.recruitment import service
from transfer_service.recruitment.models import CooperationIntention, RecruitmentEvent
from transfer_service.recruitment.schemas import (
    CooperationIntentionCreate,
    CooperationIntentionRead,
    RecruitmentEventCreate,
    RecruitmentEventRead,
)

router = APIRouter(tags=["recruitment"], responses=PROBLEM_RESPONSES)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": Problem}}


@router.post("/recruitment-events", status_code=201, response_model=RecruitmentEventRead)
async def create_recruitment_event(
    session: SessionDep, principal: Writer, body: RecruitmentEventCreate
) -> RecruitmentEvent:
    """Record a 科技招商 event. Roles: admin, city_bureau (own city)."""
    return await service.create_event(session, principal=principal, data=body)


@router.get(
    "/recruitment-events/{event_id}", response_model=RecruitmentEventRead, responses=NOT_FOUND
)
async def get_recruitment_event(
    session: SessionDep, principal: Reader, event_id: uuid.UUID
) -> RecruitmentEvent:
    """One event. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_event(session, principal=principal, event_id=event_id)


@router.get("/recruitment-events", response_model=Page[RecruitmentEventRead])
async def list_recruitment_events(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    held_from: Annotated[date | None, Query()] = None,
    held_to: Annotated[date | None, Query()] = None,
) -> Page[RecruitmentEventRead]:
    """Events, oldest first. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_events(
        session, principal=principal, page=page, city=city, held_from=held_from, held_to=held_to
    )
    return Page[RecruitmentEventRead](
        items=[RecruitmentEventRead.model_validate(e) for e in items], next_cursor=cursor
    )


@router.post(
    "/cooperation-intentions",
    status_code=201,
    response_model=CooperationIntentionRead,
    responses=NOT_FOUND,
)
async def create_cooperation_intention(
    session: SessionDep, principal: Writer, body: CooperationIntentionCreate
) -> CooperationIntention:
    """Record a signed cooperation intention. Roles: admin, city_bureau (own city)."""
    return await service.create_intention(session, principal=principal, data=body)


@router.get(
    "/cooperation-intentions/{intention_id}",
    response_model=CooperationIntentionRead,
    responses=NOT_FOUND,
)
async def get_cooperation_intention(
    session: SessionDep, principal: Reader, intention_id: uuid.UUID
) -> CooperationIntention:
    """One intention. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_intention(session, principal=principal, intention_id=intention_id)


@router.post(
    "/cooperation-intentions/{intention_id}/withdraw",
    response_model=CooperationIntentionRead,
    responses={**NOT_FOUND, 409: {"model": Problem}},
)
async def withdraw_cooperation_intention(
    session: SessionDep, principal: Writer, intention_id: uuid.UUID
) -> CooperationIntention:
    """Withdraw an intention; it stops counting. Roles: admin, city_bureau (own city)."""
    return await service.withdraw_intention(session, principal=principal, intention_id=intention_id)


@router.get("/cooperation-intentions", response_model=Page[CooperationIntentionRead])
async def list_cooperation_intentions(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    event_id: Annotated[uuid.UUID | None, Query()] = None,
    enterprise_uscc: Annotated[str | None, Query(max_length=18)] = None,
    signed_from: Annotated[date | None, Query()] = None,
    signed_to: Annotated[date | None, Query()] = None,
) -> Page[CooperationIntentionRead]:
    """Intentions, oldest first. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_intentions(
        session,
        principal=principal,
        page=page,
        city=city,
        event_id=event_id,
        enterprise_uscc=enterprise_uscc,
        signed_from=signed_from,
        signed_to=signed_to,
    )
    return Page[CooperationIntentionRead](
        items=[CooperationIntentionRead.model_validate(i) for i in items], next_cursor=cursor
    )
