from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from enterprise_service.common import Money, MoneyOrZero, PastDate, UsccRef


class RdApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_uscc: UsccRef
    year: Annotated[int, Field(ge=2000, le=2100, description="the R&D spending year")]
    requested_amount: Money = Field(description="yuan, exact decimal string")
    submitted_on: PastDate


class RdApprove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approved_amount: MoneyOrZero
    decided_on: PastDate


class RdDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decided_on: PastDate


class RdApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    enterprise_uscc: str
    year: int
    requested_amount: Decimal
    approved_amount: Decimal | None
    submitted_on: date
    decided_on: date | None
    status: str
    created_at: datetime
