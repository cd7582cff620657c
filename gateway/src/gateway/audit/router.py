"""``/gateway/v1/audit-log``: the write audit, for admins; ``/gateway/v1/caller-names``:
who a recorded subject (``key:…`` as "published by") is, by name."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from gateway.audit.schemas import AuditEntryRead, CallerName, CallerNames
from gateway.audit.service import AuditFilter, caller_names, list_entries
from gateway.identity.service import gateway_roles
from shared_kit.auth import Principal, Role
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, FieldError, ValidationFailed
from shared_kit.i18n import t
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/gateway/v1", tags=["audit"], responses=PROBLEM_RESPONSES)


@router.get("/audit-log", response_model=Page[AuditEntryRead])
async def audit_log(
    session: SessionDep,
    _: Annotated[Principal, Depends(gateway_roles(Role.admin))],
    page: Annotated[PageParams, Depends(page_params)],
    client: Annotated[
        str | None, Query(description="client id (API key id, user, bank key)")
    ] = None,
    role: Annotated[Role | None, Query()] = None,
    city: Annotated[str | None, Query(max_length=6)] = None,
    bank: Annotated[str | None, Query(max_length=64)] = None,
    method: Annotated[
        str | None, Query(pattern="^(POST|PUT|PATCH|DELETE|post|put|patch|delete)$")
    ] = None,
    status: Annotated[int | None, Query(ge=100, le=599)] = None,
    path_prefix: Annotated[str | None, Query(max_length=2000)] = None,
    from_: Annotated[datetime | None, Query(alias="from", description="inclusive")] = None,
    to: Annotated[datetime | None, Query(description="inclusive")] = None,
) -> Page[AuditEntryRead]:
    """Writes through the gateway, newest first, with filters. Roles: admin."""
    filters = AuditFilter(
        client=client,
        role=role.value if role else None,
        city=city,
        bank=bank,
        method=method,
        status=status,
        path_prefix=path_prefix,
        occurred_from=from_,
        occurred_to=to,
    )
    items, cursor = await list_entries(session, filters=filters, page=page)
    return Page[AuditEntryRead](
        items=[AuditEntryRead.model_validate(row, from_attributes=True) for row in items],
        next_cursor=cursor,
    )


@router.get("/caller-names", response_model=CallerNames)
async def get_caller_names(
    session: SessionDep,
    _: Annotated[Principal, Depends(gateway_roles(Role.admin, Role.analyst))],
    subject: Annotated[list[str], Query(description="key:…, user:…, bank-key:… (up to 100)")],
) -> CallerNames:
    """Names of API keys, banks and users, for subjects services record (e.g. a published
    report's ``published_by``). Roles: admin, analyst."""
    if len(subject) > 100 or any(len(s) > 200 for s in subject):
        raise ValidationFailed(
            t(
                "一次最多查询 100 个调用方，每个不超过 200 个字符",
                "at most 100 callers per query, each at most 200 characters",
            ),
            errors=[
                FieldError(
                    field="query.subject", code="too_many", message=t("最多 100 个", "at most 100")
                )
            ],
        )
    found = await caller_names(session, subject)
    return CallerNames(
        items=[CallerName(subject=c.subject, name=c.name, kind=c.kind) for c in found]
    )
