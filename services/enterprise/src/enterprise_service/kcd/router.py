from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from enterprise_service.common import CONFLICT, NOT_FOUND, AdminOnly, Reader
from enterprise_service.kcd import service
from enterprise_service.kcd.models import KcdListing
from enterprise_service.kcd.schemas import ListingCreate, ListingDelist, ListingRead
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/kcd-listings", tags=["kcd-listings"], responses=PROBLEM_RESPONSES)


@router.post("", status_code=201, response_model=ListingRead, responses=CONFLICT)
async def create_kcd_listing(
    session: SessionDep, principal: AdminOnly, body: ListingCreate
) -> KcdListing:
    """Put a registered enterprise on the 科创贷 list. Roles: admin."""
    return await service.create_listing(session, principal=principal, data=body)


@router.get("/{listing_id}", response_model=ListingRead, responses=NOT_FOUND)
async def get_kcd_listing(
    session: SessionDep, principal: Reader, listing_id: uuid.UUID
) -> KcdListing:
    """One listing. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_listing(session, principal=principal, listing_id=listing_id)


@router.post("/{listing_id}/delist", response_model=ListingRead, responses=CONFLICT)
async def delist_kcd_listing(
    session: SessionDep, principal: AdminOnly, listing_id: uuid.UUID, body: ListingDelist
) -> KcdListing:
    """Take an enterprise off the list from a date. Roles: admin."""
    return await service.delist(session, principal=principal, listing_id=listing_id, data=body)


@router.get("", response_model=Page[ListingRead])
async def list_kcd_listings(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    on_date: Annotated[date | None, Query(description="listings in force that day")] = None,
    enterprise_uscc: Annotated[str | None, Query(max_length=18)] = None,
) -> Page[ListingRead]:
    """Listings by listing date. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_listings(
        session,
        principal=principal,
        page=page,
        city=city,
        on_date=on_date,
        enterprise_uscc=enterprise_uscc,
    )
    return Page[ListingRead](
        items=[ListingRead.model_validate(x) for x in items], next_cursor=cursor
    )
