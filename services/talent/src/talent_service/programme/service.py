"""One generic flow for the three record kinds: they differ only in columns."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.errors import NotFound
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows
from talent_service.person import service as person_service
from talent_service.programme.exceptions import (
    InternationalTalentNotFound,
    NominationNotFound,
    YoungPhdGrantNotFound,
)
from talent_service.programme.models import InternationalTalent, NationalNomination, YoungPhdGrant
from talent_service.programme.schemas import PersonRecordCreate

Record = TypeVar("Record", YoungPhdGrant, NationalNomination, InternationalTalent)

# The date that places each kind in a period, and its listing order.
DATE_COLUMN: dict[type[Any], str] = {
    YoungPhdGrant: "awarded_on",
    NationalNomination: "nominated_on",
    InternationalTalent: "received_on",
}
NOT_FOUND: dict[type[Any], type[NotFound]] = {
    YoungPhdGrant: YoungPhdGrantNotFound,
    NationalNomination: NominationNotFound,
    InternationalTalent: InternationalTalentNotFound,
}


async def create_record(
    session: AsyncSession, *, principal: Principal, model: type[Record], data: PersonRecordCreate
) -> Record:
    person = await person_service.person_for_record(
        session, principal=principal, person_id=data.person_id
    )
    record = model(**data.model_dump(), city=person.city)
    session.add(record)
    await session.flush()
    await session.refresh(record)
    return record


async def get_record(
    session: AsyncSession, *, principal: Principal, model: type[Record], record_id: uuid.UUID
) -> Record:
    record = await session.get(model, record_id)
    if record is None or not scope.sees(principal, record.city):
        missing = NOT_FOUND[model]
        what = model.__tablename__[:-1].replace("_", " ")
        raise missing(t(f"{missing.title}：{record_id}", f"no {what} {record_id}"))
    return record


async def update_status(
    session: AsyncSession,
    *,
    principal: Principal,
    model: type[Record],
    record_id: uuid.UUID,
    status: str,
) -> Record:
    record = await get_record(session, principal=principal, model=model, record_id=record_id)
    record.status = status
    await session.flush()
    await session.refresh(record)
    return record


async def list_records(
    session: AsyncSession,
    *,
    principal: Principal,
    model: type[Record],
    page: PageParams,
    person_id: uuid.UUID | None = None,
    city: str | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    **equals: Any,
) -> tuple[list[Record], str | None]:
    on = getattr(model, DATE_COLUMN[model])
    stmt = scope.where(select(model), principal, model.city)
    if person_id is not None:
        stmt = stmt.where(model.person_id == person_id)
    if city is not None:
        stmt = stmt.where(model.city == city)
    if status is not None:
        stmt = stmt.where(model.status == status)
    if date_from is not None:
        stmt = stmt.where(on >= date_from)
    if date_to is not None:
        stmt = stmt.where(on <= date_to)
    for name, value in equals.items():
        if value is not None:
            stmt = stmt.where(getattr(model, name) == value)
    order: list[Any] = [on, model.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    date_name = DATE_COLUMN[model]
    return page_from_rows(rows, page, lambda r: (getattr(r, date_name), r.id))
