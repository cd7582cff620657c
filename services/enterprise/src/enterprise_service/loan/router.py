"""The department's read-only view of the loans banks report."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from enterprise_service.common import NOT_FOUND, Reader
from enterprise_service.loan import service
from enterprise_service.loan.models import Loan
from enterprise_service.loan.schemas import LoanHistoryRead, LoanRead
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/loans", tags=["loans"], responses=PROBLEM_RESPONSES)


@router.get("/{loan_id}", response_model=LoanRead, responses=NOT_FOUND)
async def get_loan(session: SessionDep, principal: Reader, loan_id: uuid.UUID) -> Loan:
    """One loan. Roles: admin, analyst, service, city_bureau (borrower in own city; else 404)."""
    return await service.get_loan(session, principal=principal, loan_id=loan_id)


@router.get("/{loan_id}/history", response_model=list[LoanHistoryRead], responses=NOT_FOUND)
async def list_loan_history(
    session: SessionDep, principal: Reader, loan_id: uuid.UUID
) -> list[LoanHistoryRead]:
    """Every version the bank reported, oldest first. Roles: admin, analyst, service, city."""
    return await service.loan_history(session, principal=principal, loan_id=loan_id)


@router.get("", response_model=Page[LoanRead])
async def list_loans(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    bank_code: Annotated[str | None, Query(max_length=64)] = None,
    uscc: Annotated[str | None, Query(max_length=18)] = None,
    disbursed_from: Annotated[date | None, Query()] = None,
    disbursed_to: Annotated[date | None, Query()] = None,
) -> Page[LoanRead]:
    """Loans by disbursement date. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_loans(
        session,
        principal=principal,
        page=page,
        city=city,
        bank_code=bank_code,
        uscc=uscc,
        disbursed_from=disbursed_from,
        disbursed_to=disbursed_to,
    )
    return Page[LoanRead](items=[LoanRead.model_validate(x) for x in items], next_cursor=cursor)
