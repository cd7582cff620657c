from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared_kit.codes import CityCode, Uscc

Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]


class ChallengeDemandCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=300)]
    organisation_name: Annotated[str, Field(min_length=1, max_length=200)]
    organisation_uscc: Uscc
    city: CityCode
    field: Annotated[str, Field(min_length=1, max_length=100)]
    goal: Annotated[str, Field(max_length=5000)] = ""
    budget: Money = Field(description="yuan, exact decimal")
    submitted_on: date

    @field_validator("submitted_on")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("submitted_on is in the future")
        return value


class ChallengeDemandRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    organisation_name: str
    organisation_uscc: str
    city: str
    field: str
    goal: str
    budget: Decimal
    submitted_on: date
    status: str
    listed_on: date | None
    created_at: datetime
