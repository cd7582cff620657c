from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared_kit.codes import CityCode, Uscc
from shared_kit.i18n import t

Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]

DemandStatus = Literal[
    "submitted",
    "under_review",
    "listed",
    "rejected",
    "claimed",
    "contracted",
    "accepted",
    "terminated",
    "withdrawn",
]


class ChallengeDemandCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_ref: Annotated[str | None, Field(min_length=1, max_length=64)] = None
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
            raise ValueError(
                t("提交日期（submitted_on）不能晚于今天", "submitted_on is in the future")
            )
        return value


class ChallengeDemandRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    external_ref: str | None
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
    reward_amount: Decimal | None
    deadline: date | None
    eligibility: str | None
    claimed_on: date | None
    solver_name: str | None
    solver_uscc: str | None
    contracted_on: date | None
    closed_on: date | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    created_at: datetime


class ChallengeListItem(BaseModel):
    """One entry of the public 榜单: what a would-be solver needs to know."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    organisation_name: str
    city: str
    field: str
    goal: str
    reward_amount: Decimal | None
    deadline: date | None
    eligibility: str | None
    listed_on: date | None


class TransitionRequest(BaseModel):
    """Move a demand to ``to``; stage fields are required by (and only allowed for) their stage.

    listed: reward_amount (榜额), deadline, eligibility; claimed: solver_name, solver_uscc;
    rejected, terminated, withdrawn: reason.
    """

    model_config = ConfigDict(extra="forbid")

    to: DemandStatus
    reason: Annotated[str, Field(max_length=2000)] = ""
    on: date | None = Field(default=None, description="date of the event; default today")
    reward_amount: Money | None = None
    deadline: date | None = None
    eligibility: Annotated[str | None, Field(min_length=1, max_length=5000)] = None
    solver_name: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    solver_uscc: Uscc | None = None


class TransitionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    seq: int
    from_status: str | None
    to_status: str
    reason: str
    actor_subject: str
    actor_role: str
    occurred_on: date
    recorded_at: datetime
