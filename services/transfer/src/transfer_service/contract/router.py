from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import ReadConnDep, SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params
from transfer_service.contract import service
from transfer_service.contract.corrections import CONTRACTS
from transfer_service.contract.models import TechContract
from transfer_service.contract.schemas import (
    ContractStatus,
    ContractType,
    TechContractCreate,
    TechContractRead,
    TechContractRevoke,
)
from transfer_service.db import CORRECTIONS

router = APIRouter(prefix="/tech-contracts", tags=["tech-contracts"], responses=PROBLEM_RESPONSES)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]


@router.post(
    "",
    status_code=201,
    response_model=TechContractRead,
    responses={409: {"model": Problem}},
)
async def create_tech_contract(
    session: SessionDep, principal: Writer, body: TechContractCreate
) -> TechContract:
    """Register a technology contract. Roles: admin, city_bureau (registering city = own)."""
    return await service.create_contract(session, principal=principal, data=body)


@router.get("/{contract_id}", response_model=TechContractRead, responses={404: {"model": Problem}})
async def get_tech_contract(
    conn: ReadConnDep, principal: Reader, contract_id: uuid.UUID
) -> dict[str, Any]:
    """One contract. Roles: admin, analyst, service, city_bureau (registered in, or a party
    in, its city; others 404)."""
    return await service.read_contract(conn, principal=principal, contract_id=contract_id)


@router.post(
    "/{contract_id}/revoke",
    response_model=TechContractRead,
    responses={404: {"model": Problem}, 409: {"model": Problem}},
)
async def revoke_tech_contract(
    session: SessionDep, principal: Writer, contract_id: uuid.UUID, body: TechContractRevoke
) -> TechContract:
    """Revoke a registration; it stops counting in every figure. Roles: admin, city_bureau
    (registering city = own)."""
    return await service.revoke_contract(
        session, principal=principal, contract_id=contract_id, revoked_on=body.revoked_on
    )


@router.get("", response_model=Page[TechContractRead])
async def list_tech_contracts(
    conn: ReadConnDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query(description="registering city")] = None,
    seller_city: Annotated[CityCode | None, Query()] = None,
    buyer_city: Annotated[CityCode | None, Query()] = None,
    type: Annotated[ContractType | None, Query()] = None,
    status: Annotated[ContractStatus | None, Query()] = None,
    registration_no: Annotated[str | None, Query(max_length=32)] = None,
    registered_from: Annotated[date | None, Query()] = None,
    registered_to: Annotated[date | None, Query()] = None,
) -> Page[TechContractRead]:
    """Contracts, oldest registration first. Roles: admin, analyst, service, city_bureau
    (registered in, or a party in, its city)."""
    items, cursor = await service.list_contracts(
        conn,
        principal=principal,
        page=page,
        city=city,
        seller_city=seller_city,
        buyer_city=buyer_city,
        type_=type,
        status=status,
        registration_no=registration_no,
        registered_from=registered_from,
        registered_to=registered_to,
    )
    return Page[TechContractRead](
        items=[TechContractRead.model_validate(c) for c in items], next_cursor=cursor
    )


# Withdraw, correct, history and correction requests (shared_kit.corrections).
CORRECTIONS.record_routes(router, CONTRACTS)
