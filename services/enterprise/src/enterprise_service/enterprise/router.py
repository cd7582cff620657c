from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from enterprise_service.enterprise import service
from enterprise_service.enterprise.models import Enterprise, EnterpriseChange
from enterprise_service.enterprise.schemas import (
    EnterpriseChangeRead,
    EnterpriseCreate,
    EnterpriseRead,
    EnterpriseUpdate,
)
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/enterprises", tags=["enterprises"], responses=PROBLEM_RESPONSES)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem}}


@router.post(
    "", status_code=201, response_model=EnterpriseRead, responses={409: {"model": Problem}}
)
async def create_enterprise(
    session: SessionDep, principal: Writer, body: EnterpriseCreate
) -> Enterprise:
    """Register an enterprise by USCC. Roles: admin, city_bureau (own city; no override)."""
    return await service.create_enterprise(session, principal=principal, data=body)


@router.get("/{uscc}", response_model=EnterpriseRead, responses=NOT_FOUND)
async def get_enterprise(session: SessionDep, principal: Reader, uscc: str) -> Enterprise:
    """One enterprise. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_enterprise(session, principal=principal, uscc=uscc)


@router.patch("/{uscc}", response_model=EnterpriseRead, responses=NOT_FOUND)
async def update_enterprise(
    session: SessionDep, principal: Writer, uscc: str, body: EnterpriseUpdate
) -> Enterprise:
    """Change name, city or industry; name and city changes are kept as dated history.

    Roles: admin, city_bureau (own city; may not move an enterprise to another city).
    """
    return await service.update_enterprise(session, principal=principal, uscc=uscc, data=body)


@router.get("/{uscc}/history", response_model=list[EnterpriseChangeRead], responses=NOT_FOUND)
async def list_enterprise_history(
    session: SessionDep, principal: Reader, uscc: str
) -> list[EnterpriseChange]:
    """Dated name and city changes, oldest first. Roles: admin, analyst, service, city_bureau."""
    return await service.list_changes(session, principal=principal, uscc=uscc)


@router.get("", response_model=Page[EnterpriseRead])
async def list_enterprises(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    industry: Annotated[str | None, Query(max_length=100)] = None,
    name: Annotated[str | None, Query(max_length=200, description="substring")] = None,
) -> Page[EnterpriseRead]:
    """Enterprises ordered by USCC. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_enterprises(
        session, principal=principal, page=page, city=city, industry=industry, name=name
    )
    return Page[EnterpriseRead](
        items=[EnterpriseRead.model_validate(e) for e in items], next_cursor=cursor
    )
