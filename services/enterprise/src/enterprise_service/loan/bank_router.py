"""The partner-bank interface (docs/bank-api.md), behind the gateway's /bank/v1/….

The gateway verifies the bank's RFC 9421 signature and forwards a principal with
role ``bank``, its bank code and the signed mark (shared_kit.auth refuses a bank
principal without it); everything here is scoped to that bank, and every call
needs the bank to be a partner whose agreement is in force (partner registry).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from starlette.responses import Response

from enterprise_service.dependencies import SettingsDep
from enterprise_service.loan import service
from enterprise_service.loan.exceptions import IdempotencyKeyRequired, UnsupportedBatchType
from enterprise_service.loan.schemas import (
    ListedEnterprisesPage,
    LoanBatchRead,
    Reconciliation,
)
from enterprise_service.partner.service import require_active
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Forbidden, Problem
from shared_kit.i18n import t
from shared_kit.pagination import MAX_LIMIT

router = APIRouter(prefix="/bank", tags=["bank"], responses=PROBLEM_RESPONSES)
MEDIA_TYPES = ("application/json", "text/csv")

BATCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": LoanBatchRead, "description": "dry run: what would be stored"},
    400: {"model": Problem, "description": "idempotency_key_required"},
    409: {
        "model": Problem,
        "description": "idempotency_in_flight; period_locked (rows in a city's reported "
        "half-year, each in errors[])",
    },
    415: {"model": Problem},
    422: {
        "model": Problem,
        "description": "batch_invalid (every failing row in errors[]), idempotency_key_reused",
    },
}
BATCH_BODY: dict[str, Any] = {
    # Required, but a missing one is answered 400 idempotency_key_required (bank-api.md),
    # not the framework's 422: declared here, read as optional below.
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": True,
            "description": "1–255 characters; a retry sends the same key with the same body",
            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        }
    ],
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["loans"],
                    "properties": {
                        "batch_ref": {"type": "string", "maxLength": 200},
                        "loans": {"type": "array", "maxItems": 10000, "items": {"type": "object"}},
                    },
                }
            },
            "text/csv": {"schema": {"type": "string"}},
        },
    },
}


async def partner_bank(
    session: SessionDep, principal: Annotated[Principal, Depends(require_roles(Role.bank))]
) -> str:
    """The calling bank's code, once the partner registry says its agreement is in force."""
    bank = principal.bank
    # The verifier refuses bank principals without a bank; the length is our column's.
    if not bank or len(bank) > 64:
        raise Forbidden(
            t(
                "此银行身份没有可用的银行代码（1–64 个字符）",
                "this bank principal carries no usable bank code (1–64 characters)",
            )
        )
    await require_active(session, code=bank)
    return bank


Bank = Annotated[str, Depends(partner_bank)]


@router.post(
    "/loan-batches",
    status_code=201,
    response_model=LoanBatchRead,
    responses=BATCH_RESPONSES,
    openapi_extra=BATCH_BODY,
)
async def create_loan_batch(
    request: Request,
    session: SessionDep,
    bank: Bank,
    settings: SettingsDep,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", include_in_schema=False)
    ] = None,
    dry_run: Annotated[bool, Query(description="validate and count, store nothing")] = False,
    batch_ref: Annotated[str | None, Query(max_length=200, description="CSV batches")] = None,
) -> Response:
    """Push up to 10,000 loans (JSON or CSV), atomically, upserted by contract_no. Roles: bank."""
    if not idempotency_key or len(idempotency_key) > 255:
        raise IdempotencyKeyRequired(
            t(
                "请发送 1–255 个字符的 Idempotency-Key 请求头",
                "send an Idempotency-Key header of 1–255 characters",
            )
        )
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in MEDIA_TYPES:
        raise UnsupportedBatchType(
            t(
                f"不支持的内容类型 {media_type or '（未声明）'}",
                f"unsupported content type {media_type or '(none)'}",
            )
        )
    status, payload, replayed = await service.submit_batch(
        session,
        bank=bank,
        idempotency_key=idempotency_key,
        body=await request.body(),
        media_type=media_type,
        batch_ref=batch_ref,
        dry_run=dry_run,
        max_rows=settings.loan_batch_max_rows,
        ttl_days=settings.idempotency_ttl_days,
        wait_seconds=settings.idempotency_wait_seconds,
    )
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return Response(payload, status_code=status, media_type="application/json", headers=headers)


@router.get(
    "/loan-batches/{batch_id}", response_model=LoanBatchRead, responses={404: {"model": Problem}}
)
async def get_loan_batch(session: SessionDep, bank: Bank, batch_id: uuid.UUID) -> LoanBatchRead:
    """A batch's summary; another bank's batch answers 404. Roles: bank."""
    return await service.get_batch(session, bank=bank, batch_id=batch_id)


@router.get("/listed-enterprises", response_model=ListedEnterprisesPage)
async def list_listed_enterprises(
    session: SessionDep,
    bank: Bank,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous call")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 1000,
) -> ListedEnterprisesPage:
    """Incremental sync of the 科创贷 list: all first, then what changed. Roles: bank."""
    items, next_cursor, has_more = await service.listed_enterprises(
        session, cursor=cursor, limit=limit
    )
    return ListedEnterprisesPage(items=items, next_cursor=next_cursor, has_more=has_more)


@router.get("/reconciliation", response_model=Reconciliation)
async def get_reconciliation(
    session: SessionDep,
    bank: Bank,
    date_: Annotated[date, Query(alias="date", description="disbursement date")],
) -> Reconciliation:
    """This bank's loans disbursed on a date: count, amount, per status. Roles: bank."""
    return await service.reconciliation(session, bank=bank, on=date_)
