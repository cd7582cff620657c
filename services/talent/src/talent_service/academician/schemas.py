from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared_kit.patch import Patch
from shared_kit.trimmed import TrimmedModel
from talent_service.common_schemas import Money, PastDate, Text100, Year

Academy = Literal["cae", "cas"]
CandidateStatus = Literal["active", "elected", "withdrawn"]
GrantKind = Literal["team_allowance", "research_project"]
GrantStatus = Literal["paid", "revoked"]


class CandidateCreate(TrimmedModel):
    person_id: uuid.UUID
    academy: Academy = "cae"
    discipline: Text100
    selected_year: Year
    valid_candidate_on: PastDate | None = None


class CandidateUpdate(BaseModel):
    """Mark a candidate valid for 院士增选 (有效候选人), elected, or withdrawn."""

    model_config = ConfigDict(extra="forbid")

    valid_candidate_on: PastDate | None = None
    status: Patch[CandidateStatus] = None


class CandidateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    city: str
    academy: str
    discipline: str
    selected_year: int
    valid_candidate_on: date | None
    status: str
    created_at: datetime


class GrantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidate_id: uuid.UUID
    kind: GrantKind
    amount: Money
    paid_on: PastDate


class GrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    candidate_id: uuid.UUID
    city: str
    kind: str
    amount: Decimal
    paid_on: date
    status: str
    created_at: datetime
