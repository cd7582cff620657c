from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from enterprise_service.common import PastDate, UsccRef


class TechSmeRegistrationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_uscc: UsccRef
    year: Annotated[int, Field(ge=2000, le=2100)]
    batch: Annotated[int, Field(ge=1, le=999, description="批次: 第N批")]
    registration_no: Annotated[
        str, Field(pattern=r"^[0-9A-Z]{18}$", description="入库登记编号, 18 characters")
    ]
    registered_on: PastDate


class TechSmeRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")

    revoked_on: PastDate
    reason: Annotated[str, Field(max_length=500)] = ""


class TechSmeRegistrationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    enterprise_uscc: str
    year: int
    batch: int
    registration_no: str
    registered_on: date
    revoked_on: date | None
    revoke_reason: str | None
    created_at: datetime
