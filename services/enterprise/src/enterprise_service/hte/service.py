from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.common import already, not_before
from enterprise_service.enterprise import service as enterprise_service
from enterprise_service.hte.exceptions import (
    AlreadyEnded,
    AwardNotFound,
    CertificateExists,
    PoolEntryNotFound,
    RecognitionNotFound,
)
from enterprise_service.hte.models import HtePoolEntry, HteRecognition, HteRecognitionAward
from enterprise_service.hte.schemas import (
    AwardCancel,
    AwardCreate,
    PoolEntryCreate,
    PoolEntryWithdraw,
    RecognitionCreate,
    RecognitionRevoke,
)
from shared_kit.auth import Principal
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows

RECOGNITION_YEARS = 3


def valid_until(issued_on: date) -> date:
    """Last day of validity: the day before the third anniversary of issue.

    A certificate issued on 29 February has its anniversary on 1 March.
    """
    try:
        anniversary = issued_on.replace(year=issued_on.year + RECOGNITION_YEARS)
    except ValueError:
        anniversary = date(issued_on.year + RECOGNITION_YEARS, 3, 1)
    return anniversary - timedelta(days=1)


# Pool entries ---------------------------------------------------------------


async def create_pool_entry(
    session: AsyncSession, *, principal: Principal, data: PoolEntryCreate
) -> HtePoolEntry:
    await enterprise_service.require_registered(
        session, principal=principal, uscc=data.enterprise_uscc
    )
    entry = HtePoolEntry(**data.model_dump())
    session.add(entry)
    await session.flush()
    return entry


async def get_pool_entry(
    session: AsyncSession, *, principal: Principal, entry_id: uuid.UUID
) -> HtePoolEntry:
    stmt = enterprise_service.scope_by_registry_city(
        select(HtePoolEntry).where(HtePoolEntry.id == entry_id),
        HtePoolEntry.enterprise_uscc,
        principal=principal,
    )
    entry = await session.scalar(stmt)
    if entry is None:
        raise PoolEntryNotFound(t(f"没有培育库记录 {entry_id}", f"no pool entry {entry_id}"))
    return entry


async def withdraw_pool_entry(
    session: AsyncSession, *, principal: Principal, entry_id: uuid.UUID, data: PoolEntryWithdraw
) -> HtePoolEntry:
    entry = await get_pool_entry(session, principal=principal, entry_id=entry_id)
    already(AlreadyEnded, "withdrawn", entry.withdrawn_on)
    not_before(data.withdrawn_on, entry.entered_on, "withdrawn_on", "entered_on")
    entry.withdrawn_on = data.withdrawn_on
    await session.flush()
    await session.refresh(entry)
    return entry


async def list_pool_entries(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    entered_from: date | None = None,
    entered_to: date | None = None,
) -> tuple[list[HtePoolEntry], str | None]:
    e = HtePoolEntry
    stmt = enterprise_service.scope_by_registry_city(
        select(e), e.enterprise_uscc, principal=principal, city=city
    )
    if entered_from is not None:
        stmt = stmt.where(e.entered_on >= entered_from)
    if entered_to is not None:
        stmt = stmt.where(e.entered_on <= entered_to)
    order: list[Any] = [e.entered_on, e.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda x: (x.entered_on, x.id))


# Recognitions ----------------------------------------------------------------


async def create_recognition(
    session: AsyncSession, *, principal: Principal, data: RecognitionCreate
) -> HteRecognition:
    await enterprise_service.require_registered(
        session, principal=principal, uscc=data.enterprise_uscc
    )
    taken = await session.scalar(
        select(HteRecognition.id).where(HteRecognition.certificate_no == data.certificate_no)
    )
    if taken is not None:
        raise CertificateExists(
            t(
                f"证书编号 {data.certificate_no} 已登记",
                f"certificate {data.certificate_no} is already recorded",
            )
        )
    rec = HteRecognition(**data.model_dump(), valid_until=valid_until(data.issued_on))
    session.add(rec)
    await session.flush()
    return rec


async def get_recognition(
    session: AsyncSession, *, principal: Principal, recognition_id: uuid.UUID
) -> HteRecognition:
    stmt = enterprise_service.scope_by_registry_city(
        select(HteRecognition).where(HteRecognition.id == recognition_id),
        HteRecognition.enterprise_uscc,
        principal=principal,
    )
    rec = await session.scalar(stmt)
    if rec is None:
        raise RecognitionNotFound(
            t(f"没有高新技术企业认定 {recognition_id}", f"no recognition {recognition_id}")
        )
    return rec


async def revoke_recognition(
    session: AsyncSession,
    *,
    principal: Principal,
    recognition_id: uuid.UUID,
    data: RecognitionRevoke,
) -> HteRecognition:
    rec = await get_recognition(session, principal=principal, recognition_id=recognition_id)
    already(AlreadyEnded, "revoked", rec.revoked_on)
    not_before(data.revoked_on, rec.issued_on, "revoked_on", "issued_on")
    rec.revoked_on = data.revoked_on
    await session.flush()
    await session.refresh(rec)
    return rec


async def list_recognitions(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    enterprise_uscc: str | None = None,
    valid_on: date | None = None,
) -> tuple[list[HteRecognition], str | None]:
    r = HteRecognition
    stmt = enterprise_service.scope_by_registry_city(
        select(r), r.enterprise_uscc, principal=principal, city=city
    )
    if enterprise_uscc is not None:
        stmt = stmt.where(r.enterprise_uscc == enterprise_uscc.strip().upper())
    if valid_on is not None:
        stmt = stmt.where(
            r.issued_on <= valid_on,
            r.valid_until >= valid_on,
            (r.revoked_on.is_(None)) | (r.revoked_on > valid_on),
        )
    order: list[Any] = [r.issued_on, r.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda x: (x.issued_on, x.id))


# Awards ----------------------------------------------------------------------


async def create_award(
    session: AsyncSession, *, principal: Principal, recognition_id: uuid.UUID, data: AwardCreate
) -> HteRecognitionAward:
    rec = await get_recognition(session, principal=principal, recognition_id=recognition_id)
    already(AlreadyEnded, "revoked", rec.revoked_on)
    not_before(
        data.awarded_on,
        rec.issued_on,
        "awarded_on",
        t("证书签发日期", "the certificate's issue date"),
    )
    award = HteRecognitionAward(recognition_id=rec.id, **data.model_dump())
    session.add(award)
    await session.flush()
    return award


async def get_award(
    session: AsyncSession, *, principal: Principal, award_id: uuid.UUID
) -> HteRecognitionAward:
    a, r = HteRecognitionAward, HteRecognition
    stmt = enterprise_service.scope_by_registry_city(
        select(a).join(r, r.id == a.recognition_id).where(a.id == award_id),
        r.enterprise_uscc,
        principal=principal,
    )
    award = await session.scalar(stmt)
    if award is None:
        raise AwardNotFound(t(f"没有认定奖励 {award_id}", f"no award {award_id}"))
    return award


async def cancel_award(
    session: AsyncSession, *, principal: Principal, award_id: uuid.UUID, data: AwardCancel
) -> HteRecognitionAward:
    award = await get_award(session, principal=principal, award_id=award_id)
    already(AlreadyEnded, "cancelled", award.cancelled_on)
    not_before(data.cancelled_on, award.awarded_on, "cancelled_on", "awarded_on")
    award.cancelled_on = data.cancelled_on
    await session.flush()
    await session.refresh(award)
    return award


async def list_awards(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    awarded_from: date | None = None,
    awarded_to: date | None = None,
) -> tuple[list[HteRecognitionAward], str | None]:
    a, r = HteRecognitionAward, HteRecognition
    stmt = enterprise_service.scope_by_registry_city(
        select(a).join(r, r.id == a.recognition_id),
        r.enterprise_uscc,
        principal=principal,
        city=city,
    )
    if awarded_from is not None:
        stmt = stmt.where(a.awarded_on >= awarded_from)
    if awarded_to is not None:
        stmt = stmt.where(a.awarded_on <= awarded_to)
    order: list[Any] = [a.awarded_on, a.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda x: (x.awarded_on, x.id))
