from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from enterprise_service.common import NOT_FOUND, AdminOnly, Reader, Writer
from enterprise_service.rdsubsidy import service
from enterprise_service.rdsubsidy.models import RdSubsidyApplication
from enterprise_service.rdsubsidy.schemas import (
    RdApplicationCreate,
    RdApplicationRead,
    RdApprove,
    RdDecision,
)
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(
    prefix="/rd-subsidy-applications",
    tags=["rd-subsidy-applications"],
    responses=PROBLEM_RESPONSES,
)
TRANSITION: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem},
    409: {"model": Problem, "description": "illegal_transition; `allowed` lists the options"},
}


@router.post("", status_code=201, response_model=RdApplicationRead)
async def create_rd_subsidy_application(
    session: SessionDep, principal: Writer, body: RdApplicationCreate
) -> RdSubsidyApplication:
    """Record a 研发经费奖补 application. Roles: admin, city_bureau (own city's firms)."""
    return await service.create_application(session, principal=principal, data=body)


@router.get("/{application_id}", response_model=RdApplicationRead, responses=NOT_FOUND)
async def get_rd_subsidy_application(
    session: SessionDep, principal: Reader, application_id: uuid.UUID
) -> RdSubsidyApplication:
    """One application. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_application(
        session, principal=principal, application_id=application_id
    )


@router.post("/{application_id}/approve", response_model=RdApplicationRead, responses=TRANSITION)
async def approve_rd_subsidy_application(
    session: SessionDep, principal: AdminOnly, application_id: uuid.UUID, body: RdApprove
) -> RdSubsidyApplication:
    """Approve with an amount ≤ the requested one. Roles: admin."""
    return await service.decide(
        session,
        principal=principal,
        application_id=application_id,
        target="approved",
        decided_on=body.decided_on,
        approved_amount=body.approved_amount,
    )


@router.post("/{application_id}/reject", response_model=RdApplicationRead, responses=TRANSITION)
async def reject_rd_subsidy_application(
    session: SessionDep, principal: AdminOnly, application_id: uuid.UUID, body: RdDecision
) -> RdSubsidyApplication:
    """Reject (the application still counts as submitted). Roles: admin."""
    return await service.decide(
        session,
        principal=principal,
        application_id=application_id,
        target="rejected",
        decided_on=body.decided_on,
    )


@router.post("/{application_id}/withdraw", response_model=RdApplicationRead, responses=TRANSITION)
async def withdraw_rd_subsidy_application(
    session: SessionDep, principal: Writer, application_id: uuid.UUID, body: RdDecision
) -> RdSubsidyApplication:
    """Withdraw: it never counts. Roles: admin, city_bureau (own city)."""
    return await service.decide(
        session,
        principal=principal,
        application_id=application_id,
        target="withdrawn",
        decided_on=body.decided_on,
    )


@router.get("", response_model=Page[RdApplicationRead])
async def list_rd_subsidy_applications(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    # Bounded as on application; an unbounded int overflows the int4 column's parameter.
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    status: Annotated[
        Literal["submitted", "approved", "rejected", "withdrawn"] | None, Query()
    ] = None,
    submitted_from: Annotated[date | None, Query()] = None,
    submitted_to: Annotated[date | None, Query()] = None,
) -> Page[RdApplicationRead]:
    """Applications by date. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_applications(
        session,
        principal=principal,
        page=page,
        city=city,
        year=year,
        status=status,
        submitted_from=submitted_from,
        submitted_to=submitted_to,
    )
    return Page[RdApplicationRead](
        items=[RdApplicationRead.model_validate(x) for x in items], next_cursor=cursor
    )
