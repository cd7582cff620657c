from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.common import not_before
from enterprise_service.enterprise import service as enterprise_service
from enterprise_service.rdsubsidy.models import RD_STATUS_WORDS, RdSubsidyApplication
from enterprise_service.rdsubsidy.schemas import RdApplicationCreate
from shared_kit.auth import Principal
from shared_kit.errors import Conflict, FieldError, NotFound, ValidationFailed
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "submitted": ("approved", "rejected", "withdrawn"),
    "approved": (),
    "rejected": (),
    "withdrawn": (),
}


class RdApplicationNotFound(NotFound):
    code = "rd_application_not_found"
    title = t("未找到研发费用补助申请", "R&D subsidy application not found")


class IllegalTransition(Conflict):
    code = "illegal_transition"
    title = t(
        "申请的当前状态不允许此变更",
        "This status change is not allowed from the application's current status",
    )


class ApprovedOverRequested(ValidationFailed):
    code = "exceeds_requested_amount"
    title = t("核定金额超过申请金额", "The approved amount exceeds the requested amount")


async def create_application(
    session: AsyncSession, *, principal: Principal, data: RdApplicationCreate
) -> RdSubsidyApplication:
    await enterprise_service.require_registered(
        session, principal=principal, uscc=data.enterprise_uscc
    )
    app = RdSubsidyApplication(**data.model_dump(), status="submitted")
    session.add(app)
    await session.flush()
    return app


async def get_application(
    session: AsyncSession, *, principal: Principal, application_id: uuid.UUID
) -> RdSubsidyApplication:
    stmt = enterprise_service.scope_by_registry_city(
        select(RdSubsidyApplication).where(RdSubsidyApplication.id == application_id),
        RdSubsidyApplication.enterprise_uscc,
        principal=principal,
    )
    app = await session.scalar(stmt.with_for_update(of=RdSubsidyApplication))
    if app is None:
        raise RdApplicationNotFound(
            t(f"没有申请 {application_id}", f"no application {application_id}")
        )
    return app


async def decide(
    session: AsyncSession,
    *,
    principal: Principal,
    application_id: uuid.UUID,
    target: str,
    decided_on: date,
    approved_amount: Decimal | None = None,
) -> RdSubsidyApplication:
    app = await get_application(session, principal=principal, application_id=application_id)
    allowed = TRANSITIONS[app.status]
    if target not in allowed:
        raise IllegalTransition(
            t(
                f"「{RD_STATUS_WORDS[app.status]}」的申请不能转为「{RD_STATUS_WORDS[target]}」",
                f"a {app.status} application cannot become {target}",
            ),
            extra={"current_status": app.status, "allowed": list(allowed)},
        )
    not_before(decided_on, app.submitted_on, "decided_on", "submitted_on")
    if approved_amount is not None and approved_amount > app.requested_amount:
        raise ApprovedOverRequested(
            t(f"不能超过 {app.requested_amount} 元", f"at most {app.requested_amount}"),
            errors=[
                FieldError(
                    field="body.approved_amount",
                    code="exceeds_requested_amount",
                    message=t(
                        f"不能超过 {app.requested_amount} 元", f"at most {app.requested_amount}"
                    ),
                )
            ],
        )
    app.status = target
    app.decided_on = decided_on
    if approved_amount is not None:
        app.approved_amount = approved_amount
    await session.flush()
    await session.refresh(app)
    return app


async def list_applications(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    year: int | None = None,
    status: str | None = None,
    submitted_from: date | None = None,
    submitted_to: date | None = None,
) -> tuple[list[RdSubsidyApplication], str | None]:
    a = RdSubsidyApplication
    stmt = enterprise_service.scope_by_registry_city(
        select(a), a.enterprise_uscc, principal=principal, city=city
    )
    if year is not None:
        stmt = stmt.where(a.year == year)
    if status is not None:
        stmt = stmt.where(a.status == status)
    if submitted_from is not None:
        stmt = stmt.where(a.submitted_on >= submitted_from)
    if submitted_to is not None:
        stmt = stmt.where(a.submitted_on <= submitted_to)
    order: list[Any] = [a.submitted_on, a.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda x: (x.submitted_on, x.id))
