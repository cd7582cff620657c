from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from enterprise_service.common import Money, PastDate, UsccRef


class PoolEntryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_uscc: UsccRef
    entered_on: PastDate
    batch_label: Annotated[str, Field(max_length=100)] = ""


class PoolEntryWithdraw(BaseModel):
    model_config = ConfigDict(extra="forbid")

    withdrawn_on: PastDate


class PoolEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    enterprise_uscc: str
    entered_on: date
    batch_label: str
    withdrawn_on: date | None
    created_at: datetime


class RecognitionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_uscc: UsccRef
    certificate_no: Annotated[
        str,
        Field(pattern=r"^GR\d{12}$", description="GR + year(4) + province(2) + serial(6)"),
    ]
    kind: Literal["new", "re_recognition"]
    issued_on: PastDate


class RecognitionRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")

    revoked_on: PastDate


class RecognitionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    enterprise_uscc: str
    certificate_no: str
    kind: str
    issued_on: date
    valid_until: date
    revoked_on: date | None
    created_at: datetime


class AwardCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Money = Field(description="yuan, exact decimal string")
    awarded_on: PastDate


class AwardCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cancelled_on: PastDate


class AwardRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    recognition_id: uuid.UUID
    amount: Decimal
    awarded_on: date
    cancelled_on: date | None
    created_at: datetime
