from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows
from transfer_service.institution.exceptions import (
    InstitutionConflict,
    InstitutionNotFound,
    TransferRecordAlreadyWithdrawn,
    TransferRecordNotFound,
)
from transfer_service.institution.models import Institution, TransferRecord
from transfer_service.institution.schemas import InstitutionCreate, TransferRecordCreate


async def create_institution(
    session: AsyncSession, *, principal: Principal, data: InstitutionCreate
) -> Institution:
    scope.check_write(principal, data.city)
    institution = Institution(**data.model_dump())
    try:
        async with session.begin_nested():
            session.add(institution)
            await session.flush()
    except IntegrityError as exc:
        raise InstitutionConflict(
            t(f"机构 {data.name} 已存在", f"institution {data.name} already exists")
        ) from exc
    return institution


async def get_institution(
    session: AsyncSession, *, principal: Principal, institution_id: uuid.UUID
) -> Institution:
    institution = await session.get(Institution, institution_id)
    if institution is None or not scope.sees(principal, institution.city):
        raise InstitutionNotFound(
            t(f"没有机构 {institution_id}", f"no institution {institution_id}")
        )
    return institution


async def list_institutions(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    kind: str | None = None,
) -> tuple[list[Institution], str | None]:
    i = Institution
    stmt = select(i)
    stmt = scope.where(stmt, principal, i.city, city=city)
    if kind is not None:
        stmt = stmt.where(i.kind == kind)
    order: list[Any] = [i.name, i.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.name, r.id))


async def create_transfer_record(
    session: AsyncSession, *, principal: Principal, data: TransferRecordCreate
) -> TransferRecord:
    institution = await session.get(Institution, data.institution_id)
    if institution is None:
        raise InstitutionNotFound(
            t(f"没有机构 {data.institution_id}", f"no institution {data.institution_id}")
        )
    # The record belongs to the institution's city: another city's is a refused write.
    scope.check_write(principal, institution.city)
    record = TransferRecord(**data.model_dump())
    session.add(record)
    await session.flush()
    return record


async def _record_with_city(
    session: AsyncSession, record_id: uuid.UUID
) -> tuple[TransferRecord, str] | None:
    row = (
        await session.execute(
            select(TransferRecord, Institution.city)
            .join(Institution, Institution.id == TransferRecord.institution_id)
            .where(TransferRecord.id == record_id)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def get_transfer_record(
    session: AsyncSession, *, principal: Principal, record_id: uuid.UUID
) -> TransferRecord:
    found = await _record_with_city(session, record_id)
    if found is None or not scope.sees(principal, found[1]):
        raise TransferRecordNotFound(
            t(f"没有成果转化记录 {record_id}", f"no transfer record {record_id}")
        )
    return found[0]


async def withdraw_transfer_record(
    session: AsyncSession, *, principal: Principal, record_id: uuid.UUID
) -> TransferRecord:
    found = await _record_with_city(session, record_id)
    if found is None or not scope.sees(principal, found[1]):
        raise TransferRecordNotFound(
            t(f"没有成果转化记录 {record_id}", f"no transfer record {record_id}")
        )
    record, city = found
    scope.check_write(principal, city)
    if record.status == "withdrawn":
        raise TransferRecordAlreadyWithdrawn(
            t(f"成果转化记录 {record_id} 已撤回", f"transfer record {record_id} is withdrawn")
        )
    record.status = "withdrawn"
    await session.flush()
    return record


async def list_transfer_records(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    institution_id: uuid.UUID | None = None,
    city: str | None = None,
    method: str | None = None,
    transferred_from: date | None = None,
    transferred_to: date | None = None,
) -> tuple[list[TransferRecord], str | None]:
    t = TransferRecord
    stmt = select(t).join(Institution, Institution.id == t.institution_id)
    stmt = scope.where(stmt, principal, Institution.city, city=city)
    if institution_id is not None:
        stmt = stmt.where(t.institution_id == institution_id)
    if method is not None:
        stmt = stmt.where(t.method == method)
    if transferred_from is not None:
        stmt = stmt.where(t.transferred_on >= transferred_from)
    if transferred_to is not None:
        stmt = stmt.where(t.transferred_on <= transferred_to)
    order: list[Any] = [t.transferred_on, t.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.transferred_on, r.id))
