from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shared_kit.codes import CityCode, Uscc
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES
from shared_kit.pagination import Page, PageParams, page_params
from talent_service.expert import service
from talent_service.expert.models import Expert, ExpertConflict
from talent_service.expert.schemas import (
    ConflictCreate,
    ConflictRead,
    EligibleExpert,
    ExpertCreate,
    ExpertRead,
    ExpertStatus,
    ExpertUpdate,
)
from talent_service.roles import CONFLICT, NOT_FOUND, Admin, ConflictWriter, Reader

router = APIRouter(prefix="/experts", tags=["experts"], responses=PROBLEM_RESPONSES)
Paging = Annotated[PageParams, Depends(page_params)]


@router.post("", status_code=201, response_model=ExpertRead, responses=CONFLICT)
async def create_expert(session: SessionDep, principal: Admin, body: ExpertCreate) -> Expert:
    """Add a person to the expert database, with declared conflicts. Roles: admin."""
    return await service.create_expert(session, principal=principal, data=body)


@router.get("/eligible", response_model=Page[EligibleExpert])
async def list_eligible_experts(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    field: Annotated[str | None, Query(max_length=100)] = None,
    uscc: Annotated[
        list[Uscc] | None, Query(description="USCC of an organisation under review; repeatable")
    ] = None,
    organisation: Annotated[
        list[str] | None,
        Query(max_length=200, description="name of an organisation under review; repeatable"),
    ] = None,
    city: Annotated[CityCode | None, Query()] = None,
) -> Page[EligibleExpert]:
    """Active experts for a review, excluding anyone tied to a reviewed organisation.

    Roles: admin, analyst, service, city_bureau (own city)."""
    rows, cursor = await service.eligible_experts(
        session,
        principal=principal,
        page=page,
        field=field,
        usccs=list(dict.fromkeys(uscc or [])),
        names=[n.strip() for n in organisation or [] if n.strip()],
        city=city,
    )
    return Page[EligibleExpert](
        items=[EligibleExpert.model_validate(r) for r in rows], next_cursor=cursor
    )


@router.get("/{expert_id}", response_model=ExpertRead, responses=NOT_FOUND)
async def get_expert(session: SessionDep, principal: Reader, expert_id: uuid.UUID) -> Expert:
    """One expert. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_expert(session, principal=principal, expert_id=expert_id)


@router.patch("/{expert_id}", response_model=ExpertRead, responses=NOT_FOUND)
async def update_expert(
    session: SessionDep, principal: Admin, expert_id: uuid.UUID, body: ExpertUpdate
) -> Expert:
    """Change fields or status (a revoked entry never counts as added). Roles: admin."""
    return await service.update_expert(session, principal=principal, expert_id=expert_id, data=body)


@router.get("", response_model=Page[ExpertRead])
async def list_experts(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    field: Annotated[str | None, Query(max_length=100)] = None,
    city: Annotated[CityCode | None, Query()] = None,
    status: Annotated[ExpertStatus | None, Query()] = None,
    added_from: Annotated[date | None, Query()] = None,
    added_to: Annotated[date | None, Query()] = None,
) -> Page[ExpertRead]:
    """Experts by date added. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_experts(
        session,
        principal=principal,
        page=page,
        field=field,
        city=city,
        status=status,
        added_from=added_from,
        added_to=added_to,
    )
    return Page[ExpertRead](items=[ExpertRead.model_validate(e) for e in items], next_cursor=cursor)


@router.post(
    "/{expert_id}/conflicts", status_code=201, response_model=ConflictRead, responses=NOT_FOUND
)
async def add_expert_conflict(
    session: SessionDep, principal: ConflictWriter, expert_id: uuid.UUID, body: ConflictCreate
) -> ExpertConflict:
    """Declare a conflict of interest with an organisation. Roles: admin, service (projects
    sends the conflicts experts declare in review rounds, with a ``source_ref``)."""
    return await service.add_conflict(session, principal=principal, expert_id=expert_id, data=body)


@router.get("/{expert_id}/conflicts", response_model=list[ConflictRead], responses=NOT_FOUND)
async def list_expert_conflicts(
    session: SessionDep, principal: Reader, expert_id: uuid.UUID
) -> Sequence[ExpertConflict]:
    """An expert's declared conflicts. Roles: admin, analyst, service, city_bureau (own)."""
    return await service.list_conflicts(session, principal=principal, expert_id=expert_id)
