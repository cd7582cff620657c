from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared_kit.trimmed import TrimmedModel
from talent_service.common_schemas import Money, PastDate, Text100, Text200

YoungPhdStatus = Literal["awarded", "revoked"]
NominationStatus = Literal["nominated", "selected", "not_selected", "withdrawn"]
InternationalProgram = Literal["asean_young_scientist", "hong_kong_macao_taiwan"]
InternationalStatus = Literal["received", "completed", "cancelled"]


class PersonRecordCreate(TrimmedModel):
    person_id: uuid.UUID


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    city: str
    status: str
    created_at: datetime


class YoungPhdGrantCreate(PersonRecordCreate):
    university: Text200
    amount: Money | None = None
    awarded_on: PastDate


class YoungPhdGrantRead(_Read):
    university: str
    amount: Decimal | None
    awarded_on: date


class YoungPhdGrantUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: YoungPhdStatus


class NominationCreate(PersonRecordCreate):
    programme: Text100 = "万人计划"
    category: Text100
    nominated_on: PastDate


class NominationRead(_Read):
    programme: str
    category: str
    nominated_on: date


class NominationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: NominationStatus


class InternationalTalentCreate(PersonRecordCreate):
    program: InternationalProgram
    origin: Text100
    host_organisation: Text200
    received_on: PastDate


class InternationalTalentRead(_Read):
    program: str
    origin: str
    host_organisation: str
    received_on: date


class InternationalTalentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: InternationalStatus
