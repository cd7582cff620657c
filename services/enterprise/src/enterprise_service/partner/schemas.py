from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from enterprise_service.common import PastDate


class PartnerBankCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[
        str,
        Field(
            pattern=r"^[A-Za-z0-9_.-]{1,64}$",
            description="the bank code of its gateway client (the principal's bank claim)",
        ),
    ]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    agreement_signed_on: PastDate


class PartnerBankEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: PastDate


class PartnerBankRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    agreement_signed_on: date
    terminated_on: date | None
    cancelled_on: date | None
    status: Literal["active", "terminated", "cancelled"] = Field(
        description="active: the bank may sign requests and push loans; otherwise refused"
    )
    created_at: datetime
