from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES
from shared_kit.pagination import Page, PageParams, page_params
from talent_service.academician import service
from talent_service.academician.models import AcademicianCandidate, AcademicianGrant
from talent_service.academician.schemas import (
    CandidateCreate,
    CandidateRead,
    CandidateStatus,
    CandidateUpdate,
    GrantCreate,
    GrantKind,
    GrantRead,
    GrantStatus,
)
from talent_service.roles import CONFLICT, NOT_FOUND, Admin, Reader

router = APIRouter(responses=PROBLEM_RESPONSES)
Paging = Annotated[PageParams, Depends(page_params)]
CANDIDATES, GRANTS = "academician-candidates", "academician-grants"


@router.post(
    "/academician-candidates",
    status_code=201,
    response_model=CandidateRead,
    responses=CONFLICT,
    tags=[CANDIDATES],
)
async def create_candidate(
    session: SessionDep, principal: Admin, body: CandidateCreate
) -> AcademicianCandidate:
    """Enrol a person as 院士后备人选. Roles: admin."""
    return await service.create_candidate(session, principal=principal, data=body)


@router.get(
    "/academician-candidates/{candidate_id}",
    response_model=CandidateRead,
    responses=NOT_FOUND,
    tags=[CANDIDATES],
)
async def get_candidate(
    session: SessionDep, principal: Reader, candidate_id: uuid.UUID
) -> AcademicianCandidate:
    """One candidate. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_candidate(session, principal=principal, candidate_id=candidate_id)


@router.patch(
    "/academician-candidates/{candidate_id}",
    response_model=CandidateRead,
    responses=NOT_FOUND,
    tags=[CANDIDATES],
)
async def update_candidate(
    session: SessionDep, principal: Admin, candidate_id: uuid.UUID, body: CandidateUpdate
) -> AcademicianCandidate:
    """Set valid_candidate_on (有效候选人) or the status. Roles: admin."""
    return await service.update_candidate(
        session, principal=principal, candidate_id=candidate_id, data=body
    )


@router.get("/academician-candidates", response_model=Page[CandidateRead], tags=[CANDIDATES])
async def list_candidates(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    person_id: Annotated[uuid.UUID | None, Query()] = None,
    city: Annotated[CityCode | None, Query()] = None,
    status: Annotated[CandidateStatus | None, Query()] = None,
    selected_year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> Page[CandidateRead]:
    """Candidates in enrolment order. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_candidates(
        session,
        principal=principal,
        page=page,
        person_id=person_id,
        city=city,
        status=status,
        selected_year=selected_year,
    )
    return Page[CandidateRead](
        items=[CandidateRead.model_validate(c) for c in items], next_cursor=cursor
    )


@router.post("/academician-grants", status_code=201, response_model=GrantRead, tags=[GRANTS])
async def create_grant(
    session: SessionDep, principal: Admin, body: GrantCreate
) -> AcademicianGrant:
    """Record a payment (team allowance or research project funds). Roles: admin."""
    return await service.create_grant(session, principal=principal, data=body)


@router.get(
    "/academician-grants/{grant_id}", response_model=GrantRead, responses=NOT_FOUND, tags=[GRANTS]
)
async def get_grant(
    session: SessionDep, principal: Reader, grant_id: uuid.UUID
) -> AcademicianGrant:
    """One grant. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_grant(session, principal=principal, grant_id=grant_id)


@router.post(
    "/academician-grants/{grant_id}/revoke",
    response_model=GrantRead,
    responses={**NOT_FOUND, **CONFLICT},
    tags=[GRANTS],
)
async def revoke_grant(
    session: SessionDep, principal: Admin, grant_id: uuid.UUID
) -> AcademicianGrant:
    """Revoke a grant: it stops counting in every period. Roles: admin."""
    return await service.revoke_grant(session, principal=principal, grant_id=grant_id)


@router.get("/academician-grants", response_model=Page[GrantRead], tags=[GRANTS])
async def list_grants(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    candidate_id: Annotated[uuid.UUID | None, Query()] = None,
    kind: Annotated[GrantKind | None, Query()] = None,
    city: Annotated[CityCode | None, Query()] = None,
    status: Annotated[GrantStatus | None, Query()] = None,
    paid_from: Annotated[date | None, Query()] = None,
    paid_to: Annotated[date | None, Query()] = None,
) -> Page[GrantRead]:
    """Grants by payment date. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_grants(
        session,
        principal=principal,
        page=page,
        candidate_id=candidate_id,
        kind=kind,
        city=city,
        status=status,
        paid_from=paid_from,
        paid_to=paid_to,
    )
    return Page[GrantRead](items=[GrantRead.model_validate(g) for g in items], next_cursor=cursor)
