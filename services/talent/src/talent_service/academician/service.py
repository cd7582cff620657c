from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.errors import FieldError, ValidationFailed
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows
from talent_service.academician.exceptions import (
    CandidateConflict,
    CandidateNotFound,
    GrantNotFound,
    GrantRevoked,
)
from talent_service.academician.models import AcademicianCandidate, AcademicianGrant
from talent_service.academician.schemas import CandidateCreate, CandidateUpdate, GrantCreate
from talent_service.person import service as person_service


async def create_candidate(
    session: AsyncSession, *, principal: Principal, data: CandidateCreate
) -> AcademicianCandidate:
    person = await person_service.person_for_record(
        session, principal=principal, person_id=data.person_id
    )
    active = await session.scalar(
        select(AcademicianCandidate.id).where(
            AcademicianCandidate.person_id == person.id, AcademicianCandidate.status == "active"
        )
    )
    if active is not None:
        raise CandidateConflict(
            t(
                f"人员 {person.id} 已是后备人选 {active}",
                f"person {person.id} is already candidate {active}",
            )
        )
    candidate = AcademicianCandidate(**data.model_dump(), city=person.city, status="active")
    session.add(candidate)
    await session.flush()
    return candidate


async def get_candidate(
    session: AsyncSession, *, principal: Principal, candidate_id: uuid.UUID
) -> AcademicianCandidate:
    candidate = await session.get(AcademicianCandidate, candidate_id)
    if candidate is None or not scope.sees(principal, candidate.city):
        raise CandidateNotFound(
            t(
                f"没有院士后备人选 {candidate_id}",
                f"no academician reserve candidate {candidate_id}",
            )
        )
    return candidate


async def update_candidate(
    session: AsyncSession,
    *,
    principal: Principal,
    candidate_id: uuid.UUID,
    data: CandidateUpdate,
) -> AcademicianCandidate:
    candidate = await get_candidate(session, principal=principal, candidate_id=candidate_id)
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(candidate, key, value)
    await session.flush()
    await session.refresh(candidate)
    return candidate


async def list_candidates(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    person_id: uuid.UUID | None = None,
    city: str | None = None,
    status: str | None = None,
    selected_year: int | None = None,
) -> tuple[list[AcademicianCandidate], str | None]:
    c = AcademicianCandidate
    stmt = scope.where(select(c), principal, c.city)
    if person_id is not None:
        stmt = stmt.where(c.person_id == person_id)
    if city is not None:
        stmt = stmt.where(c.city == city)
    if status is not None:
        stmt = stmt.where(c.status == status)
    if selected_year is not None:
        stmt = stmt.where(c.selected_year == selected_year)
    order: list[Any] = [c.created_at, c.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.created_at, r.id))


async def create_grant(
    session: AsyncSession, *, principal: Principal, data: GrantCreate
) -> AcademicianGrant:
    candidate = await session.get(AcademicianCandidate, data.candidate_id)
    if candidate is None or not scope.sees(principal, candidate.city):
        raise ValidationFailed(
            t("未知的后备人选", "unknown candidate"),
            errors=[
                FieldError(
                    field="body.candidate_id",
                    code="unknown_candidate",
                    message=t(
                        f"没有院士后备人选 {data.candidate_id}",
                        f"no academician reserve candidate {data.candidate_id}",
                    ),
                )
            ],
        )
    grant = AcademicianGrant(**data.model_dump(), city=candidate.city, status="paid")
    session.add(grant)
    await session.flush()
    return grant


async def get_grant(
    session: AsyncSession, *, principal: Principal, grant_id: uuid.UUID
) -> AcademicianGrant:
    grant = await session.get(AcademicianGrant, grant_id)
    if grant is None or not scope.sees(principal, grant.city):
        raise GrantNotFound(t(f"没有院士资助 {grant_id}", f"no academician grant {grant_id}"))
    return grant


async def revoke_grant(
    session: AsyncSession, *, principal: Principal, grant_id: uuid.UUID
) -> AcademicianGrant:
    grant = await get_grant(session, principal=principal, grant_id=grant_id)
    if grant.status == "revoked":
        raise GrantRevoked(t(f"资助 {grant_id} 已撤销", f"grant {grant_id} is already revoked"))
    grant.status = "revoked"
    await session.flush()
    await session.refresh(grant)
    return grant


async def list_grants(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    candidate_id: uuid.UUID | None = None,
    kind: str | None = None,
    city: str | None = None,
    status: str | None = None,
    paid_from: date | None = None,
    paid_to: date | None = None,
) -> tuple[list[AcademicianGrant], str | None]:
    g = AcademicianGrant
    stmt = scope.where(select(g), principal, g.city)
    if candidate_id is not None:
        stmt = stmt.where(g.candidate_id == candidate_id)
    if kind is not None:
        stmt = stmt.where(g.kind == kind)
    if city is not None:
        stmt = stmt.where(g.city == city)
    if status is not None:
        stmt = stmt.where(g.status == status)
    if paid_from is not None:
        stmt = stmt.where(g.paid_on >= paid_from)
    if paid_to is not None:
        stmt = stmt.where(g.paid_on <= paid_to)
    order: list[Any] = [g.paid_on, g.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.paid_on, r.id))
