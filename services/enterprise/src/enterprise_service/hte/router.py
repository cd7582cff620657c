from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from enterprise_service.common import CONFLICT, NOT_FOUND, AdminOnly, Reader, Writer
from enterprise_service.hte import service
from enterprise_service.hte.models import HtePoolEntry, HteRecognition, HteRecognitionAward
from enterprise_service.hte.schemas import (
    AwardCancel,
    AwardCreate,
    AwardRead,
    PoolEntryCreate,
    PoolEntryRead,
    PoolEntryWithdraw,
    RecognitionCreate,
    RecognitionRead,
    RecognitionRevoke,
)
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(tags=["high-tech-enterprises"], responses=PROBLEM_RESPONSES)
PageDep = Annotated[PageParams, Depends(page_params)]


@router.post("/hte-pool-entries", status_code=201, response_model=PoolEntryRead)
async def create_hte_pool_entry(
    session: SessionDep, principal: Writer, body: PoolEntryCreate
) -> HtePoolEntry:
    """An enterprise enters the 高企培育库. Roles: admin, city_bureau (own city's firms)."""
    return await service.create_pool_entry(session, principal=principal, data=body)


@router.get("/hte-pool-entries/{entry_id}", response_model=PoolEntryRead, responses=NOT_FOUND)
async def get_hte_pool_entry(
    session: SessionDep, principal: Reader, entry_id: uuid.UUID
) -> HtePoolEntry:
    """One pool entry. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_pool_entry(session, principal=principal, entry_id=entry_id)


@router.post(
    "/hte-pool-entries/{entry_id}/withdraw", response_model=PoolEntryRead, responses=CONFLICT
)
async def withdraw_hte_pool_entry(
    session: SessionDep, principal: Writer, entry_id: uuid.UUID, body: PoolEntryWithdraw
) -> HtePoolEntry:
    """Withdraw an entry: it never counts again. Roles: admin, city_bureau (own city)."""
    return await service.withdraw_pool_entry(
        session, principal=principal, entry_id=entry_id, data=body
    )


@router.get("/hte-pool-entries", response_model=Page[PoolEntryRead])
async def list_hte_pool_entries(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    city: Annotated[CityCode | None, Query()] = None,
    entered_from: Annotated[date | None, Query()] = None,
    entered_to: Annotated[date | None, Query()] = None,
) -> Page[PoolEntryRead]:
    """Pool entries by date. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_pool_entries(
        session,
        principal=principal,
        page=page,
        city=city,
        entered_from=entered_from,
        entered_to=entered_to,
    )
    return Page[PoolEntryRead](
        items=[PoolEntryRead.model_validate(x) for x in items], next_cursor=cursor
    )


@router.post(
    "/hte-recognitions", status_code=201, response_model=RecognitionRead, responses=CONFLICT
)
async def create_hte_recognition(
    session: SessionDep, principal: AdminOnly, body: RecognitionCreate
) -> HteRecognition:
    """Record a 高企 certificate (valid three years). Roles: admin."""
    return await service.create_recognition(session, principal=principal, data=body)


@router.get(
    "/hte-recognitions/{recognition_id}", response_model=RecognitionRead, responses=NOT_FOUND
)
async def get_hte_recognition(
    session: SessionDep, principal: Reader, recognition_id: uuid.UUID
) -> HteRecognition:
    """One recognition. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_recognition(
        session, principal=principal, recognition_id=recognition_id
    )


@router.post(
    "/hte-recognitions/{recognition_id}/revoke",
    response_model=RecognitionRead,
    responses=CONFLICT,
)
async def revoke_hte_recognition(
    session: SessionDep, principal: AdminOnly, recognition_id: uuid.UUID, body: RecognitionRevoke
) -> HteRecognition:
    """Revoke a certificate; its awards stop counting. Roles: admin."""
    return await service.revoke_recognition(
        session, principal=principal, recognition_id=recognition_id, data=body
    )


@router.get("/hte-recognitions", response_model=Page[RecognitionRead])
async def list_hte_recognitions(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    city: Annotated[CityCode | None, Query()] = None,
    enterprise_uscc: Annotated[str | None, Query(max_length=18)] = None,
    valid_on: Annotated[date | None, Query(description="certificates valid that day")] = None,
) -> Page[RecognitionRead]:
    """Recognitions by issue date. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_recognitions(
        session,
        principal=principal,
        page=page,
        city=city,
        enterprise_uscc=enterprise_uscc,
        valid_on=valid_on,
    )
    return Page[RecognitionRead](
        items=[RecognitionRead.model_validate(x) for x in items], next_cursor=cursor
    )


@router.post(
    "/hte-recognitions/{recognition_id}/awards",
    status_code=201,
    response_model=AwardRead,
    responses=CONFLICT,
)
async def create_hte_recognition_award(
    session: SessionDep, principal: AdminOnly, recognition_id: uuid.UUID, body: AwardCreate
) -> HteRecognitionAward:
    """Record a recognition award (高企认定奖励) payment. Roles: admin."""
    return await service.create_award(
        session, principal=principal, recognition_id=recognition_id, data=body
    )


@router.get("/hte-recognition-awards/{award_id}", response_model=AwardRead, responses=NOT_FOUND)
async def get_hte_recognition_award(
    session: SessionDep, principal: Reader, award_id: uuid.UUID
) -> HteRecognitionAward:
    """One award. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_award(session, principal=principal, award_id=award_id)


@router.post(
    "/hte-recognition-awards/{award_id}/cancel", response_model=AwardRead, responses=CONFLICT
)
async def cancel_hte_recognition_award(
    session: SessionDep, principal: AdminOnly, award_id: uuid.UUID, body: AwardCancel
) -> HteRecognitionAward:
    """Cancel an award: it never counts. Roles: admin."""
    return await service.cancel_award(session, principal=principal, award_id=award_id, data=body)


@router.get("/hte-recognition-awards", response_model=Page[AwardRead])
async def list_hte_recognition_awards(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    city: Annotated[CityCode | None, Query()] = None,
    awarded_from: Annotated[date | None, Query()] = None,
    awarded_to: Annotated[date | None, Query()] = None,
) -> Page[AwardRead]:
    """Awards by date. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_awards(
        session,
        principal=principal,
        page=page,
        city=city,
        awarded_from=awarded_from,
        awarded_to=awarded_to,
    )
    return Page[AwardRead](items=[AwardRead.model_validate(x) for x in items], next_cursor=cursor)
