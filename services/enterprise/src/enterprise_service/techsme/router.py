from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from enterprise_service.common import CONFLICT, NOT_FOUND, Reader, Writer
from enterprise_service.techsme import service
from enterprise_service.techsme.models import TechSmeRegistration
from enterprise_service.techsme.schemas import (
    TechSmeRegistrationCreate,
    TechSmeRegistrationRead,
    TechSmeRevoke,
)
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(
    prefix="/tech-sme-registrations", tags=["tech-sme-registrations"], responses=PROBLEM_RESPONSES
)


@router.post("", status_code=201, response_model=TechSmeRegistrationRead, responses=CONFLICT)
async def create_tech_sme_registration(
    session: SessionDep, principal: Writer, body: TechSmeRegistrationCreate
) -> TechSmeRegistration:
    """Record a 科技型中小企业 registration. Roles: admin, city_bureau (own city's firms)."""
    return await service.create_registration(session, principal=principal, data=body)


@router.get("/{registration_id}", response_model=TechSmeRegistrationRead, responses=NOT_FOUND)
async def get_tech_sme_registration(
    session: SessionDep, principal: Reader, registration_id: uuid.UUID
) -> TechSmeRegistration:
    """One registration. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_registration(
        session, principal=principal, registration_id=registration_id
    )


@router.post(
    "/{registration_id}/revoke", response_model=TechSmeRegistrationRead, responses=CONFLICT
)
async def revoke_tech_sme_registration(
    session: SessionDep, principal: Writer, registration_id: uuid.UUID, body: TechSmeRevoke
) -> TechSmeRegistration:
    """Revoke a registration: it then never counts. Roles: admin, city_bureau (own city)."""
    return await service.revoke_registration(
        session, principal=principal, registration_id=registration_id, data=body
    )


@router.get("", response_model=Page[TechSmeRegistrationRead])
async def list_tech_sme_registrations(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    # Bounded as on registration; an unbounded int overflows the int4 column's parameter.
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    batch: Annotated[int | None, Query(ge=1, le=999)] = None,
    enterprise_uscc: Annotated[str | None, Query(max_length=18)] = None,
    registered_from: Annotated[date | None, Query()] = None,
    registered_to: Annotated[date | None, Query()] = None,
) -> Page[TechSmeRegistrationRead]:
    """Registrations by date. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_registrations(
        session,
        principal=principal,
        page=page,
        city=city,
        year=year,
        batch=batch,
        enterprise_uscc=enterprise_uscc,
        registered_from=registered_from,
        registered_to=registered_to,
    )
    return Page[TechSmeRegistrationRead](
        items=[TechSmeRegistrationRead.model_validate(x) for x in items], next_cursor=cursor
    )
