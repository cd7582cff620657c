from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class LoanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    bank_code: str
    contract_no: str
    uscc: str
    enterprise_name: str
    amount: Decimal
    disbursed_on: date
    maturity_on: date
    annual_rate: Decimal
    guarantee: str
    status: str
    listed: bool
    last_batch_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class LoanHistoryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    batch_id: uuid.UUID | None
    action: str
    status: str
    amount: Decimal
    disbursed_on: date
    maturity_on: date
    recorded_at: datetime


class LoanBatchRead(BaseModel):
    """The answer to a loan batch (also replayed for a retried Idempotency-Key)."""

    model_config = ConfigDict(from_attributes=True)

    batch_id: uuid.UUID | None
    batch_ref: str | None
    format: str
    dry_run: bool = False
    received: int
    created: int
    updated: int
    unchanged: int
    listed: int
    unlisted: int
    created_at: datetime | None


class ListedEnterprise(BaseModel):
    listing_id: uuid.UUID
    uscc: str
    name: str
    city: str
    listed_on: date
    delisted_on: date | None
    updated_at: datetime


class ListedEnterprisesPage(BaseModel):
    items: list[ListedEnterprise]
    next_cursor: str = Field(description="call again with it to receive only later changes")
    has_more: bool = Field(description="more changes are waiting: call again at once")


class StatusFigures(BaseModel):
    count: int
    amount: Decimal


class Reconciliation(BaseModel):
    bank: str
    date: date
    count: int
    total_amount: Decimal
    by_status: dict[str, StatusFigures]
