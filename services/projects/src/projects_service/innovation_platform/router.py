from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from projects_service.db import CORRECTIONS
from projects_service.innovation_platform import service
from projects_service.innovation_platform.corrections import APPLICATIONS
from projects_service.innovation_platform.models import KeyLabApplication, KeyLabBatch, Platform
from projects_service.innovation_platform.schemas import (
    KeyLabApplicationCreate,
    KeyLabApplicationRead,
    KeyLabApplicationUpdate,
    KeyLabBatchCreate,
    KeyLabBatchRead,
    Kind,
    Level,
    PlatformCreate,
    PlatformRead,
    PlatformUpdate,
)
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(tags=["innovation-platforms"], responses=PROBLEM_RESPONSES)

# Platforms and batches are approvals by the department; applications come in through cities.
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
Paging = Annotated[PageParams, Depends(page_params)]
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": Problem}}


@router.post("/platforms", status_code=201, response_model=PlatformRead)
async def create_platform(session: SessionDep, principal: Admin, body: PlatformCreate) -> Platform:
    """Record an innovation platform. Roles: admin."""
    return await service.create_platform(session, principal=principal, data=body)


@router.get("/platforms", response_model=Page[PlatformRead])
async def list_platforms(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    city: Annotated[CityCode | None, Query()] = None,
    level: Annotated[Level | None, Query()] = None,
    kind: Annotated[Kind | None, Query()] = None,
) -> Page[PlatformRead]:
    """Platforms by name. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_platforms(
        session, principal=principal, page=page, city=city, level=level, kind=kind
    )
    return Page[PlatformRead](
        items=[PlatformRead.model_validate(i) for i in items], next_cursor=cursor
    )


@router.get("/platforms/{platform_id}", response_model=PlatformRead, responses=NOT_FOUND)
async def get_platform(session: SessionDep, principal: Reader, platform_id: uuid.UUID) -> Platform:
    """One platform. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_platform(session, principal=principal, platform_id=platform_id)


@router.patch("/platforms/{platform_id}", response_model=PlatformRead, responses=NOT_FOUND)
async def update_platform(
    session: SessionDep, principal: Admin, platform_id: uuid.UUID, body: PlatformUpdate
) -> Platform:
    """Record approval dates or revoke a platform. Roles: admin."""
    return await service.update_platform(
        session, principal=principal, platform_id=platform_id, data=body
    )


@router.post(
    "/key-lab-batches",
    status_code=201,
    response_model=KeyLabBatchRead,
    responses={409: {"model": Problem}},
)
async def create_key_lab_batch(
    session: SessionDep, principal: Admin, body: KeyLabBatchCreate
) -> KeyLabBatch:
    """Open a key-lab application batch (第N批). Roles: admin."""
    return await service.create_batch(session, data=body)


@router.get("/key-lab-batches", response_model=Page[KeyLabBatchRead])
async def list_key_lab_batches(
    session: SessionDep, principal: Reader, page: Paging
) -> Page[KeyLabBatchRead]:
    """Batches by number. Roles: admin, analyst, city_bureau, service."""
    items, cursor = await service.list_batches(session, page=page)
    return Page[KeyLabBatchRead](
        items=[KeyLabBatchRead.model_validate(i) for i in items], next_cursor=cursor
    )


@router.post(
    "/key-lab-applications",
    status_code=201,
    response_model=KeyLabApplicationRead,
    responses=NOT_FOUND,
)
async def create_key_lab_application(
    session: SessionDep, principal: Writer, body: KeyLabApplicationCreate
) -> KeyLabApplication:
    """Record a key-lab application. Roles: admin, city_bureau (own city)."""
    return await service.create_application(session, principal=principal, data=body)


@router.patch(
    "/key-lab-applications/{application_id}",
    response_model=KeyLabApplicationRead,
    responses=NOT_FOUND,
)
async def update_key_lab_application(
    session: SessionDep,
    principal: Writer,
    application_id: uuid.UUID,
    body: KeyLabApplicationUpdate,
) -> KeyLabApplication:
    """Change an application's status (e.g. withdrawn). Roles: admin, city_bureau (own city)."""
    return await service.update_application(
        session, principal=principal, application_id=application_id, data=body
    )


@router.get("/key-lab-applications", response_model=Page[KeyLabApplicationRead])
async def list_key_lab_applications(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    city: Annotated[CityCode | None, Query()] = None,
    batch_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[KeyLabApplicationRead]:
    """Applications by submission date. Roles: admin, analyst, service, city_bureau (own)."""
    items, cursor = await service.list_applications(
        session, principal=principal, page=page, city=city, batch_id=batch_id
    )
    return Page[KeyLabApplicationRead](
        items=[KeyLabApplicationRead.model_validate(i) for i in items], next_cursor=cursor
    )


# Withdraw (with a reason), correct, history and correction requests of key-lab
# applications (shared_kit.corrections).
CORRECTIONS.record_routes(router, APPLICATIONS, prefix="/key-lab-applications")
