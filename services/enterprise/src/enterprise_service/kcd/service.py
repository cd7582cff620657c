from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.common import already, not_before
from enterprise_service.enterprise import service as enterprise_service
from enterprise_service.kcd.models import LISTING_SYNC_SEQ, KcdListing
from enterprise_service.kcd.schemas import ListingCreate, ListingDelist
from shared_kit.auth import Principal
from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows


class ListingNotFound(NotFound):
    code = "kcd_listing_not_found"
    title = t("未找到科创贷名单记录", "Sci-tech loan listing not found")


class AlreadyListed(Conflict):
    code = "already_listed"
    title = t("该企业已在科创贷名单中", "The enterprise is already on the sci-tech loan list")


class AlreadyDelisted(Conflict):
    code = "already_ended"
    title = t("该名单记录已关闭", "The listing is already closed")


async def create_listing(
    session: AsyncSession, *, principal: Principal, data: ListingCreate
) -> KcdListing:
    await enterprise_service.require_registered(
        session, principal=principal, uscc=data.enterprise_uscc, for_update=True
    )
    k = KcdListing
    last = await session.scalar(
        select(k)
        .where(k.enterprise_uscc == data.enterprise_uscc)
        .order_by(k.listed_on.desc())
        .limit(1)
    )
    if last is not None and last.delisted_on is None:
        raise AlreadyListed(
            t(
                f"{data.enterprise_uscc} 自 {last.listed_on} 起已在名单中",
                f"{data.enterprise_uscc} is on the list since {last.listed_on}",
            )
        )
    if last is not None and last.delisted_on is not None:
        not_before(
            data.listed_on,
            last.delisted_on,
            "listed_on",
            t("上次移出名单的日期", "the previous delisting"),
        )
    listing = KcdListing(enterprise_uscc=data.enterprise_uscc, listed_on=data.listed_on)
    session.add(listing)
    await session.flush()
    await session.refresh(listing)
    return listing


async def get_listing(
    session: AsyncSession, *, principal: Principal, listing_id: uuid.UUID
) -> KcdListing:
    stmt = enterprise_service.scope_by_registry_city(
        select(KcdListing).where(KcdListing.id == listing_id),
        KcdListing.enterprise_uscc,
        principal=principal,
    )
    listing = await session.scalar(stmt)
    if listing is None:
        raise ListingNotFound(t(f"没有名单记录 {listing_id}", f"no listing {listing_id}"))
    return listing


async def delist(
    session: AsyncSession, *, principal: Principal, listing_id: uuid.UUID, data: ListingDelist
) -> KcdListing:
    listing = await get_listing(session, principal=principal, listing_id=listing_id)
    already(AlreadyDelisted, "delisted", listing.delisted_on)
    not_before(data.delisted_on, listing.listed_on, "delisted_on", "listed_on")
    listing.delisted_on = data.delisted_on
    # A change moves the row to the end of the banks' sync order.
    listing.sync_seq = LISTING_SYNC_SEQ.next_value()
    await session.flush()
    await session.refresh(listing)
    return listing


async def list_listings(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    on_date: date | None = None,
    enterprise_uscc: str | None = None,
) -> tuple[list[KcdListing], str | None]:
    k = KcdListing
    stmt = enterprise_service.scope_by_registry_city(
        select(k), k.enterprise_uscc, principal=principal, city=city
    )
    if on_date is not None:
        stmt = stmt.where(
            k.listed_on <= on_date, k.delisted_on.is_(None) | (k.delisted_on > on_date)
        )
    if enterprise_uscc is not None:
        stmt = stmt.where(k.enterprise_uscc == enterprise_uscc.strip().upper())
    order: list[Any] = [k.listed_on, k.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda x: (x.listed_on, x.id))
