from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared_kit.codes import CityCode, Uscc
from shared_kit.i18n import t
from shared_kit.patch import Patch

Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]
Category = Literal["major_special", "key_rd", "platform"]
ProjectStatus = Literal["approved", "in_progress", "completed", "cancelled"]
# A listing may also ask for withdrawn projects (set by POST …/withdraw only).
ProjectStatusFilter = Literal["approved", "in_progress", "completed", "cancelled", "withdrawn"]


def _not_future(value: date | None) -> date | None:
    if value is not None and value > date.today():
        raise ValueError(t("日期不能晚于今天", "the date is in the future"))
    return value


class FundedProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project_code: Annotated[str, Field(min_length=1, max_length=64)]
    name: Annotated[str, Field(min_length=1, max_length=300)]
    category: Category
    field: Annotated[str, Field(min_length=1, max_length=100)]
    lead_organisation_name: Annotated[str, Field(min_length=1, max_length=200)]
    lead_organisation_uscc: Uscc
    city: CityCode = Field(description="city of the lead organisation")
    approved_on: date
    funding_amount: Money = Field(description="yuan, exact decimal")
    status: ProjectStatus = "approved"

    _past = field_validator("approved_on")(_not_future)


class FundedProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Patch[Annotated[str, Field(min_length=1, max_length=300)]] = None
    field: Patch[Annotated[str, Field(min_length=1, max_length=100)]] = None
    funding_amount: Patch[Money] = None
    status: Patch[ProjectStatus] = None


class FundedProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    project_code: str
    name: str
    category: str
    field: str
    lead_organisation_name: str
    lead_organisation_uscc: str
    city: str
    approved_on: date
    funding_amount: Decimal
    status: str
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    created_at: datetime


class MilestoneCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=300)]
    due_on: date
    done_on: date | None = None

    _past = field_validator("done_on")(_not_future)


class MilestoneUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    due_on: Patch[date] = None
    done_on: date | None = None

    _past = field_validator("done_on")(_not_future)


class MilestoneRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    due_on: date
    done_on: date | None


class FundedProjectDetail(FundedProjectRead):
    milestones: list[MilestoneRead]
