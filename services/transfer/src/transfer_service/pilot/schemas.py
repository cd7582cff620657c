from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared_kit.codes import CityCode, Uscc
from transfer_service.common import Name

PilotKind = Literal["ownership_reform", "achievement_evaluation"]


class PilotCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: PilotKind
    organisation_name: Name
    organisation_uscc: Uscc | None = None
    city: CityCode
    started_on: date


class PilotRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    organisation_name: str
    organisation_uscc: str | None
    city: str
    started_on: date
    status: str
    created_at: datetime


class PilotBaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    operator_name: Name
    operator_uscc: Uscc | None = None
    field: Annotated[str, Field(max_length=100)] = ""
    city: CityCode
    established_on: date


class PilotBaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    operator_name: str
    operator_uscc: str | None
    field: str
    city: str
    established_on: date
    status: str
    created_at: datetime
