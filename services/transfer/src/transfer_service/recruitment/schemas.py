from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared_kit.codes import CityCode, RegionCode, Uscc
from transfer_service.common import Money, Name


class RecruitmentEventCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    organiser: Annotated[str, Field(max_length=200)] = ""
    city: CityCode
    held_on: date


class RecruitmentEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    organiser: str
    city: str
    held_on: date
    status: str
    created_at: datetime


class CooperationIntentionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: uuid.UUID | None = None
    enterprise_name: Name
    enterprise_uscc: Uscc
    enterprise_region: RegionCode | None = Field(
        default=None, description="where the enterprise is registered, anywhere in China"
    )
    project_name: Annotated[str, Field(max_length=300)] = ""
    intended_investment: Money | None = Field(default=None, description="yuan")
    city: CityCode | None = Field(
        default=None,
        description="the city where the cooperation lands; defaults to the event's city",
    )
    signed_on: date


class CooperationIntentionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event_id: uuid.UUID | None
    enterprise_name: str
    enterprise_uscc: str
    enterprise_region: str | None
    project_name: str
    intended_investment: Decimal | None
    city: str
    signed_on: date
    status: str
    created_at: datetime
