from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from enterprise_service.common import MoneyOrZero, PastDate
from shared_kit.codes import CityCode


class ZoneCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)]
    city: CityCode
    level: Literal["national", "regional"]
    established_on: PastDate


class ZoneClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    closed_on: PastDate


class ZoneRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    city: str
    level: str
    established_on: date
    closed_on: date | None
    created_at: datetime


class QuarterStatPut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gross_output: MoneyOrZero = Field(description="园区生产总值, yuan")
    revenue: MoneyOrZero | None = Field(default=None, description="营业收入, yuan")
    enterprises: Annotated[int, Field(ge=0)] | None = None


class QuarterStatRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    zone_id: uuid.UUID
    year: int
    quarter: int
    quarter_start: date
    quarter_end: date
    gross_output: Decimal
    revenue: Decimal | None
    enterprises: int | None
    updated_at: datetime
