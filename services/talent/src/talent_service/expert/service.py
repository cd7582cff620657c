from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows
from talent_service.expert.exceptions import ExpertConflictError, ExpertNotFound
from talent_service.expert.models import Expert, ExpertConflict
from talent_service.expert.schemas import ConflictCreate, ExpertCreate, ExpertUpdate
from talent_service.person import service as person_service
from talent_service.person.models import Person


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


async def create_expert(
    session: AsyncSession, *, principal: Principal, data: ExpertCreate
) -> Expert:
    person = await person_service.person_for_record(
        session, principal=principal, person_id=data.person_id
    )
    taken = await session.scalar(select(Expert.id).where(Expert.person_id == person.id))
    if taken is not None:
        raise ExpertConflictError(
            t(f"人员 {person.id} 已是专家 {taken}", f"person {person.id} is already expert {taken}")
        )
    expert = Expert(
        id=uuid.uuid4(),
        person_id=person.id,
        city=person.city,
        fields=_dedupe(data.fields),
        added_on=data.added_on,
        status="active",
    )
    session.add(expert)
    await session.flush()
    session.add_all(ExpertConflict(expert_id=expert.id, **c.model_dump()) for c in data.conflicts)
    await session.flush()
    await session.refresh(expert)
    return expert


async def get_expert(
    session: AsyncSession, *, principal: Principal, expert_id: uuid.UUID
) -> Expert:
    expert = await session.get(Expert, expert_id)
    if expert is None or not scope.sees(principal, expert.city):
        raise ExpertNotFound(t(f"没有专家 {expert_id}", f"no expert {expert_id}"))
    return expert


async def update_expert(
    session: AsyncSession, *, principal: Principal, expert_id: uuid.UUID, data: ExpertUpdate
) -> Expert:
    expert = await get_expert(session, principal=principal, expert_id=expert_id)
    if data.fields is not None:
        expert.fields = _dedupe(data.fields)
    if data.status is not None:
        expert.status = data.status
    await session.flush()
    await session.refresh(expert)
    return expert


async def list_experts(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    field: str | None = None,
    city: str | None = None,
    status: str | None = None,
    added_from: date | None = None,
    added_to: date | None = None,
) -> tuple[list[Expert], str | None]:
    e = Expert
    stmt = scope.where(select(e), principal, e.city)
    if field is not None:
        stmt = stmt.where(e.fields.contains([field]))
    if city is not None:
        stmt = stmt.where(e.city == city)
    if status is not None:
        stmt = stmt.where(e.status == status)
    if added_from is not None:
        stmt = stmt.where(e.added_on >= added_from)
    if added_to is not None:
        stmt = stmt.where(e.added_on <= added_to)
    order: list[Any] = [e.added_on, e.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.added_on, r.id))


async def add_conflict(
    session: AsyncSession, *, principal: Principal, expert_id: uuid.UUID, data: ConflictCreate
) -> ExpertConflict:
    expert = await get_expert(session, principal=principal, expert_id=expert_id)
    if data.source_ref is not None:
        # projects re-sends a declaration whose answer it lost: the first record stands.
        values = {"expert_id": expert.id, **data.model_dump()}
        stmt = (
            pg_insert(ExpertConflict)
            .values(id=uuid.uuid4(), **values)
            .on_conflict_do_nothing(
                index_elements=["expert_id", "source_ref"],
                index_where=ExpertConflict.source_ref.is_not(None),
            )
        )
        await session.execute(stmt)
        found = await session.scalar(
            select(ExpertConflict).where(
                ExpertConflict.expert_id == expert.id,
                ExpertConflict.source_ref == data.source_ref,
            )
        )
        assert found is not None  # inserted now or before, in a committed row or ours
        return found
    conflict = ExpertConflict(expert_id=expert.id, **data.model_dump())
    session.add(conflict)
    await session.flush()
    return conflict


async def list_conflicts(
    session: AsyncSession, *, principal: Principal, expert_id: uuid.UUID
) -> Sequence[ExpertConflict]:
    expert = await get_expert(session, principal=principal, expert_id=expert_id)
    stmt = (
        select(ExpertConflict)
        .where(ExpertConflict.expert_id == expert.id)
        .order_by(ExpertConflict.declared_on, ExpertConflict.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def eligible_experts(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    field: str | None,
    usccs: list[str],
    names: list[str],
    city: str | None = None,
) -> tuple[list[Any], str | None]:
    """Active experts in ``field`` with no tie to any organisation under review.

    A tie is a declared conflict naming one of the organisations (by USCC or by
    name) or the expert working there. Computed in one query.
    """
    e, p, c = Expert, Person, ExpertConflict
    columns: list[Any] = [e.id, e.person_id, p.name, p.organisation, e.city, e.fields]
    stmt = select(*columns).join(p, p.id == e.person_id).where(e.status == "active")
    stmt = scope.where(stmt, principal, e.city)
    if field is not None:
        stmt = stmt.where(e.fields.contains([field]))
    if city is not None:
        stmt = stmt.where(e.city == city)
    ties = []
    if usccs:
        ties.append(c.organisation_uscc.in_(usccs))
        stmt = stmt.where(or_(p.organisation_uscc.is_(None), p.organisation_uscc.not_in(usccs)))
    if names:
        ties.append(c.organisation_name.in_(names))
        stmt = stmt.where(p.organisation.not_in(names))
    if ties:
        stmt = stmt.where(~select(c.id).where(c.expert_id == e.id, or_(*ties)).exists())
    order: list[Any] = [e.id]
    rows = (await session.execute(keyset(stmt, order, page))).all()
    return page_from_rows(rows, page, lambda r: (r.id,))
