from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES
from shared_kit.pagination import Page, PageParams, page_params
from talent_service.programme import service
from talent_service.programme.models import InternationalTalent, NationalNomination, YoungPhdGrant
from talent_service.programme.schemas import (
    InternationalProgram,
    InternationalStatus,
    InternationalTalentCreate,
    InternationalTalentRead,
    InternationalTalentUpdate,
    NominationCreate,
    NominationRead,
    NominationStatus,
    NominationUpdate,
    YoungPhdGrantCreate,
    YoungPhdGrantRead,
    YoungPhdGrantUpdate,
    YoungPhdStatus,
)
from talent_service.roles import NOT_FOUND, Admin, Reader

router = APIRouter(responses=PROBLEM_RESPONSES)
Paging = Annotated[PageParams, Depends(page_params)]
PersonQ = Annotated[uuid.UUID | None, Query()]
CityQ = Annotated[CityCode | None, Query()]
DateQ = Annotated[date | None, Query()]

# --- young-talent PhD grants -----------------------------------------------------------
YOUNG = "young-phd-grants"


@router.post(f"/{YOUNG}", status_code=201, response_model=YoungPhdGrantRead, tags=[YOUNG])
async def create_young_phd_grant(
    session: SessionDep, principal: Admin, body: YoungPhdGrantCreate
) -> YoungPhdGrant:
    """Record a 博士毕业生 research subsidy (立项资助). Roles: admin."""
    return await service.create_record(session, principal=principal, model=YoungPhdGrant, data=body)


@router.get(
    f"/{YOUNG}/{{grant_id}}", response_model=YoungPhdGrantRead, responses=NOT_FOUND, tags=[YOUNG]
)
async def get_young_phd_grant(
    session: SessionDep, principal: Reader, grant_id: uuid.UUID
) -> YoungPhdGrant:
    """One grant. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_record(
        session, principal=principal, model=YoungPhdGrant, record_id=grant_id
    )


@router.patch(
    f"/{YOUNG}/{{grant_id}}", response_model=YoungPhdGrantRead, responses=NOT_FOUND, tags=[YOUNG]
)
async def update_young_phd_grant(
    session: SessionDep, principal: Admin, grant_id: uuid.UUID, body: YoungPhdGrantUpdate
) -> YoungPhdGrant:
    """Change the status (revoked grants never count). Roles: admin."""
    return await service.update_status(
        session, principal=principal, model=YoungPhdGrant, record_id=grant_id, status=body.status
    )


@router.get(f"/{YOUNG}", response_model=Page[YoungPhdGrantRead], tags=[YOUNG])
async def list_young_phd_grants(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    person_id: PersonQ = None,
    city: CityQ = None,
    status: Annotated[YoungPhdStatus | None, Query()] = None,
    awarded_from: DateQ = None,
    awarded_to: DateQ = None,
) -> Page[YoungPhdGrantRead]:
    """Grants by award date. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_records(
        session,
        principal=principal,
        model=YoungPhdGrant,
        page=page,
        person_id=person_id,
        city=city,
        status=status,
        date_from=awarded_from,
        date_to=awarded_to,
    )
    return Page[YoungPhdGrantRead](
        items=[YoungPhdGrantRead.model_validate(r) for r in items], next_cursor=cursor
    )


# --- national talent nominations -------------------------------------------------------
NOMINATIONS = "national-nominations"


@router.post(f"/{NOMINATIONS}", status_code=201, response_model=NominationRead, tags=[NOMINATIONS])
async def create_nomination(
    session: SessionDep, principal: Admin, body: NominationCreate
) -> NationalNomination:
    """Record a 万人计划 recommendation to the ministry. Roles: admin."""
    return await service.create_record(
        session, principal=principal, model=NationalNomination, data=body
    )


@router.get(
    f"/{NOMINATIONS}/{{nomination_id}}",
    response_model=NominationRead,
    responses=NOT_FOUND,
    tags=[NOMINATIONS],
)
async def get_nomination(
    session: SessionDep, principal: Reader, nomination_id: uuid.UUID
) -> NationalNomination:
    """One nomination. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_record(
        session, principal=principal, model=NationalNomination, record_id=nomination_id
    )


@router.patch(
    f"/{NOMINATIONS}/{{nomination_id}}",
    response_model=NominationRead,
    responses=NOT_FOUND,
    tags=[NOMINATIONS],
)
async def update_nomination(
    session: SessionDep, principal: Admin, nomination_id: uuid.UUID, body: NominationUpdate
) -> NationalNomination:
    """Record the outcome or a withdrawal (withdrawn never counts). Roles: admin."""
    return await service.update_status(
        session,
        principal=principal,
        model=NationalNomination,
        record_id=nomination_id,
        status=body.status,
    )


@router.get(f"/{NOMINATIONS}", response_model=Page[NominationRead], tags=[NOMINATIONS])
async def list_nominations(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    person_id: PersonQ = None,
    city: CityQ = None,
    status: Annotated[NominationStatus | None, Query()] = None,
    nominated_from: DateQ = None,
    nominated_to: DateQ = None,
) -> Page[NominationRead]:
    """Nominations by date. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_records(
        session,
        principal=principal,
        model=NationalNomination,
        page=page,
        person_id=person_id,
        city=city,
        status=status,
        date_from=nominated_from,
        date_to=nominated_to,
    )
    return Page[NominationRead](
        items=[NominationRead.model_validate(r) for r in items], next_cursor=cursor
    )


# --- international talents -------------------------------------------------------------
INTERNATIONAL = "international-talents"


@router.post(
    f"/{INTERNATIONAL}",
    status_code=201,
    response_model=InternationalTalentRead,
    tags=[INTERNATIONAL],
)
async def create_international_talent(
    session: SessionDep, principal: Admin, body: InternationalTalentCreate
) -> InternationalTalent:
    """Record a received 东盟杰青 or 港澳台英才. Roles: admin."""
    return await service.create_record(
        session, principal=principal, model=InternationalTalent, data=body
    )


@router.get(
    f"/{INTERNATIONAL}/{{talent_id}}",
    response_model=InternationalTalentRead,
    responses=NOT_FOUND,
    tags=[INTERNATIONAL],
)
async def get_international_talent(
    session: SessionDep, principal: Reader, talent_id: uuid.UUID
) -> InternationalTalent:
    """One record. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_record(
        session, principal=principal, model=InternationalTalent, record_id=talent_id
    )


@router.patch(
    f"/{INTERNATIONAL}/{{talent_id}}",
    response_model=InternationalTalentRead,
    responses=NOT_FOUND,
    tags=[INTERNATIONAL],
)
async def update_international_talent(
    session: SessionDep, principal: Admin, talent_id: uuid.UUID, body: InternationalTalentUpdate
) -> InternationalTalent:
    """Change the status (cancelled never counts). Roles: admin."""
    return await service.update_status(
        session,
        principal=principal,
        model=InternationalTalent,
        record_id=talent_id,
        status=body.status,
    )


@router.get(f"/{INTERNATIONAL}", response_model=Page[InternationalTalentRead], tags=[INTERNATIONAL])
async def list_international_talents(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    person_id: PersonQ = None,
    city: CityQ = None,
    program: Annotated[InternationalProgram | None, Query()] = None,
    status: Annotated[InternationalStatus | None, Query()] = None,
    received_from: DateQ = None,
    received_to: DateQ = None,
) -> Page[InternationalTalentRead]:
    """Records by reception date. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_records(
        session,
        principal=principal,
        model=InternationalTalent,
        page=page,
        person_id=person_id,
        city=city,
        status=status,
        date_from=received_from,
        date_to=received_to,
        program=program,
    )
    return Page[InternationalTalentRead](
        items=[InternationalTalentRead.model_validate(r) for r in items], next_cursor=cursor
    )
