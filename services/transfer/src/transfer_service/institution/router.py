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
from transfer_service.institution import service
from transfer_service.institution.models import Institution, TransferRecord
from transfer_service.institution.schemas import (
    InstitutionCreate,
    InstitutionKind,
    InstitutionRead,
    TransferMethod,
    TransferRecordCreate,
    TransferRecordRead,
)

router = APIRouter(tags=["institutions"], responses=PROBLEM_RESPONSES)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": Problem}}


@router.post(
    "/institutions",
    status_code=201,
    response_model=InstitutionRead,
    responses={409: {"model": Problem}},
)
async def create_institution(
    session: SessionDep, principal: Writer, body: InstitutionCreate
) -> Institution:
    """Add a university or institute. Roles: admin, city_bureau (own city)."""
    return await service.create_institution(session, principal=principal, data=body)


@router.get("/institutions/{institution_id}", response_model=InstitutionRead, responses=NOT_FOUND)
async def get_institution(
    session: SessionDep, principal: Reader, institution_id: uuid.UUID
) -> Institution:
    """One institution. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_institution(
        session, principal=principal, institution_id=institution_id
    )


@router.get("/institutions", response_model=Page[InstitutionRead])
async def list_institutions(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    kind: Annotated[InstitutionKind | None, Query()] = None,
) -> Page[InstitutionRead]:
    """Institutions by name. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_institutions(
        session, principal=principal, page=page, city=city, kind=kind
    )
    return Page[InstitutionRead](
        items=[InstitutionRead.model_validate(i) for i in items], next_cursor=cursor
    )


@router.post(
    "/transfer-records", status_code=201, response_model=TransferRecordRead, responses=NOT_FOUND
)
async def create_transfer_record(
    session: SessionDep, principal: Writer, body: TransferRecordCreate
) -> TransferRecord:
    """Record an institution's transfer. Roles: admin, city_bureau (institution in own city)."""
    return await service.create_transfer_record(session, principal=principal, data=body)


@router.get("/transfer-records/{record_id}", response_model=TransferRecordRead, responses=NOT_FOUND)
async def get_transfer_record(
    session: SessionDep, principal: Reader, record_id: uuid.UUID
) -> TransferRecord:
    """One transfer record. Roles: admin, analyst, service, city_bureau (own city)."""
    return await service.get_transfer_record(session, principal=principal, record_id=record_id)


@router.post(
    "/transfer-records/{record_id}/withdraw",
    response_model=TransferRecordRead,
    responses={**NOT_FOUND, 409: {"model": Problem}},
)
async def withdraw_transfer_record(
    session: SessionDep, principal: Writer, record_id: uuid.UUID
) -> TransferRecord:
    """Withdraw a record; it stops counting. Roles: admin, city_bureau (own city)."""
    return await service.withdraw_transfer_record(session, principal=principal, record_id=record_id)


@router.get("/transfer-records", response_model=Page[TransferRecordRead])
async def list_transfer_records(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    institution_id: Annotated[uuid.UUID | None, Query()] = None,
    city: Annotated[CityCode | None, Query()] = None,
    method: Annotated[TransferMethod | None, Query()] = None,
    transferred_from: Annotated[date | None, Query()] = None,
    transferred_to: Annotated[date | None, Query()] = None,
) -> Page[TransferRecordRead]:
    """Transfer records, oldest first. Roles: admin, analyst, service, city_bureau (own)."""
    items, cursor = await service.list_transfer_records(
        session,
        principal=principal,
        page=page,
        institution_id=institution_id,
        city=city,
        method=method,
        transferred_from=transferred_from,
        transferred_to=transferred_to,
    )
    return Page[TransferRecordRead](
        items=[TransferRecordRead.model_validate(r) for r in items], next_cursor=cursor
    )
