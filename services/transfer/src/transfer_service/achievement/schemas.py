from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared_kit.codes import CityCode, Uscc
from transfer_service.common import Name

AchievementCategory = Literal["applied", "basic", "soft_science"]


class AchievementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    registration_no: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{4,32}$")
    ]
    title: Annotated[str, Field(min_length=1, max_length=300)]
    category: AchievementCategory
    organisation_name: Name
    organisation_uscc: Uscc | None = None
    city: CityCode = Field(description="city of the registering organisation")
    registered_on: date


class AchievementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    registration_no: str
    title: str
    category: str
    organisation_name: str
    organisation_uscc: str | None
    city: str
    registered_on: date
    status: str
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    created_at: datetime
