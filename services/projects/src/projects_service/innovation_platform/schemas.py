from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared_kit.codes import CityCode, Uscc
from shared_kit.i18n import t
from shared_kit.patch import Patch

Level = Literal["national", "regional"]
Kind = Literal[
    "state_key_lab",
    "joint_state_key_lab",
    "regional_key_lab",
    "engineering_center",
    "new_rd_institution",
    "other",
]
PlatformStatus = Literal["active", "revoked"]
ApplicationStatus = Literal["submitted", "approved", "rejected", "withdrawn"]
Name = Annotated[str, Field(min_length=1, max_length=200)]


def _not_future(value: date | None) -> date | None:
    if value is not None and value > date.today():
        raise ValueError(t("日期不能晚于今天", "the date is in the future"))
    return value


class PlatformCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=300)]
    level: Level
    kind: Kind
    host_organisation_name: Name
    host_organisation_uscc: Uscc | None = None
    city: CityCode = Field(description="city of the host organisation")
    approved_on: date | None = None
    plan_approved_on: date | None = None

    _past = field_validator("approved_on", "plan_approved_on")(_not_future)


class PlatformUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approved_on: date | None = None
    plan_approved_on: date | None = None
    status: Patch[PlatformStatus] = None

    _past = field_validator("approved_on", "plan_approved_on")(_not_future)


class PlatformRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    level: str
    kind: str
    host_organisation_name: str
    host_organisation_uscc: str | None
    city: str
    approved_on: date | None
    plan_approved_on: date | None
    status: str
    created_at: datetime


class KeyLabBatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: Annotated[int, Field(ge=1, le=1000, description="N of 第N批")]
    opened_on: date


class KeyLabBatchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: int
    label: str
    opened_on: date


class KeyLabApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    batch_id: uuid.UUID
    lab_name: Annotated[str, Field(min_length=1, max_length=300)]
    organisation_name: Name
    organisation_uscc: Uscc | None = None
    city: CityCode
    submitted_on: date

    _past = field_validator("submitted_on")(_not_future)


class KeyLabApplicationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ApplicationStatus


class KeyLabApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    batch_id: uuid.UUID
    lab_name: str
    organisation_name: str
    organisation_uscc: str | None
    city: str
    submitted_on: date
    status: str
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
