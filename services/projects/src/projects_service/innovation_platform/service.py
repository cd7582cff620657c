from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from projects_service.innovation_platform.exceptions import (
    BatchNumberTaken,
    KeyLabApplicationNotFound,
    KeyLabBatchNotFound,
    PlatformNotFound,
)
from projects_service.innovation_platform.models import KeyLabApplication, KeyLabBatch, Platform
from projects_service.innovation_platform.schemas import (
    KeyLabApplicationCreate,
    KeyLabApplicationUpdate,
    KeyLabBatchCreate,
    PlatformCreate,
    PlatformUpdate,
)
from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.corrections import not_withdrawn
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows


async def create_platform(
    session: AsyncSession, *, principal: Principal, data: PlatformCreate
) -> Platform:
    scope.check_write(principal, data.city)
    platform = Platform(**data.model_dump())
    session.add(platform)
    await session.flush()
    return platform


async def get_platform(
    session: AsyncSession, *, principal: Principal, platform_id: uuid.UUID
) -> Platform:
    platform = await session.get(Platform, platform_id)
    if platform is None or not scope.sees(principal, platform.city):
        raise PlatformNotFound(t(f"没有创新平台 {platform_id}", f"no platform {platform_id}"))
    return platform


async def update_platform(
    session: AsyncSession, *, principal: Principal, platform_id: uuid.UUID, data: PlatformUpdate
) -> Platform:
    platform = await get_platform(session, principal=principal, platform_id=platform_id)
    scope.check_write(principal, platform.city)
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(platform, key, value)
    await session.flush()
    return platform


async def list_platforms(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    level: str | None = None,
    kind: str | None = None,
) -> tuple[list[Platform], str | None]:
    p = Platform
    stmt = scope.where(select(p), principal, p.city, city=city)
    if level is not None:
        stmt = stmt.where(p.level == level)
    if kind is not None:
        stmt = stmt.where(p.kind == kind)
    order: list[Any] = [p.name, p.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.name, r.id))


async def create_batch(session: AsyncSession, *, data: KeyLabBatchCreate) -> KeyLabBatch:
    batch = KeyLabBatch(**data.model_dump())
    session.add(batch)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise BatchNumberTaken(
            t(f"批次 {data.number} 已存在", f"batch {data.number} already exists")
        ) from exc
    return batch


async def list_batches(
    session: AsyncSession, *, page: PageParams
) -> tuple[list[KeyLabBatch], str | None]:
    order: list[Any] = [KeyLabBatch.number, KeyLabBatch.id]
    rows = (await session.execute(keyset(select(KeyLabBatch), order, page))).scalars().all()
    return page_from_rows(rows, page, lambda b: (b.number, b.id))


async def create_application(
    session: AsyncSession, *, principal: Principal, data: KeyLabApplicationCreate
) -> KeyLabApplication:
    scope.check_write(principal, data.city)
    if await session.get(KeyLabBatch, data.batch_id) is None:
        raise KeyLabBatchNotFound(
            t(f"没有重点实验室申报批次 {data.batch_id}", f"no key-lab batch {data.batch_id}")
        )
    application = KeyLabApplication(**data.model_dump())
    session.add(application)
    await session.flush()
    return application


async def update_application(
    session: AsyncSession,
    *,
    principal: Principal,
    application_id: uuid.UUID,
    data: KeyLabApplicationUpdate,
) -> KeyLabApplication:
    application = await session.get(KeyLabApplication, application_id)
    if application is None or not scope.sees(principal, application.city):
        raise KeyLabApplicationNotFound(
            t(f"没有重点实验室申报 {application_id}", f"no key-lab application {application_id}")
        )
    scope.check_write(principal, application.city)
    application.status = data.status
    await session.flush()
    return application


async def list_applications(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    batch_id: uuid.UUID | None = None,
) -> tuple[list[KeyLabApplication], str | None]:
    a = KeyLabApplication
    stmt = scope.where(select(a), principal, a.city, city=city).where(not_withdrawn(a.status))
    if batch_id is not None:
        stmt = stmt.where(a.batch_id == batch_id)
    order: list[Any] = [a.submitted_on, a.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.submitted_on, r.id))
