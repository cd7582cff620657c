from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params
from talent_service.person import service
from talent_service.person.dependencies import PiiCipherDep
from talent_service.person.schemas import PersonCreate, PersonRead

router = APIRouter(prefix="/people", tags=["people"], responses=PROBLEM_RESPONSES)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]


@router.post(
    "",
    status_code=201,
    response_model=PersonRead,
    responses={409: {"model": Problem}, 503: {"model": Problem}},
)
async def create_person(
    session: SessionDep, principal: Writer, cipher: PiiCipherDep, body: PersonCreate
) -> PersonRead:
    """Record a person; ID number and phone are encrypted. Roles: admin, city_bureau (own)."""
    person = await service.create_person(session, principal=principal, cipher=cipher, data=body)
    return service.person_view(person, principal=principal, cipher=cipher)


@router.get("/{person_id}", response_model=PersonRead, responses={404: {"model": Problem}})
async def get_person(
    session: SessionDep, principal: Reader, cipher: PiiCipherDep, person_id: uuid.UUID
) -> PersonRead:
    """One person; identifiers full for admin, masked otherwise.

    Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    person = await service.get_person(session, principal=principal, person_id=person_id)
    return service.person_view(person, principal=principal, cipher=cipher)


@router.get("", response_model=Page[PersonRead])
async def list_people(
    session: SessionDep,
    principal: Reader,
    cipher: PiiCipherDep,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    field: Annotated[str | None, Query(max_length=100)] = None,
    organisation: Annotated[str | None, Query(max_length=200, description="substring")] = None,
    name: Annotated[str | None, Query(max_length=100, description="substring")] = None,
) -> Page[PersonRead]:
    """People by name. Roles: admin (full identifiers), analyst, service, city_bureau (own)."""
    items, cursor = await service.list_people(
        session,
        principal=principal,
        page=page,
        city=city,
        field=field,
        organisation=organisation,
        name=name,
    )
    return Page[PersonRead](
        items=[service.person_view(p, principal=principal, cipher=cipher) for p in items],
        next_cursor=cursor,
    )
