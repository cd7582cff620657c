from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from enterprise_service.common import PastDate, UsccRef


class ListingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_uscc: UsccRef
    listed_on: PastDate


class ListingDelist(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delisted_on: PastDate


class ListingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    enterprise_uscc: str
    listed_on: date
    delisted_on: date | None
    created_at: datetime
    updated_at: datetime
