from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from enterprise_service.common import PastDate
from shared_kit.codes import CityCode


class TrainingSessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    city: CityCode
    topic: Annotated[str, Field(min_length=1, max_length=300)]
    held_on: PastDate
    attendees: Annotated[int, Field(ge=0, le=100_000)]
    organiser: Annotated[str, Field(max_length=200)] = ""


class TrainingSessionCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cancelled_on: PastDate


class TrainingSessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    city: str
    topic: str
    held_on: date
    attendees: int
    organiser: str
    cancelled_on: date | None
    status: str
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    created_at: datetime
