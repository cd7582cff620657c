from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shared_kit.codes import CityCode, CountyCode
from shared_kit.i18n import t
from shared_kit.trimmed import TrimmedModel

CommissionerKind = Literal["individual", "legal_person", "team"]
DispatchStatus = Literal["active", "cancelled", "withdrawn"]
Name = Annotated[str, Field(min_length=1, max_length=200)]


def not_future(value: date) -> date:
    if value > date.today():
        raise ValueError(t("日期不能晚于今天", "the date is in the future"))
    return value


PastDate = Annotated[date, AfterValidator(not_future)]


class CommissionerCreate(TrimmedModel):
    name: Name
    organisation: Name
    kind: CommissionerKind
    home_city: CityCode


class CommissionerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    organisation: str
    kind: str
    home_city: str
    created_at: datetime


class DispatchCreate(TrimmedModel):
    commissioner_id: uuid.UUID
    year: Annotated[int, Field(ge=1990, le=2100, description="选派年度")]
    dispatching_unit: Name
    city: CityCode
    county: CountyCode = Field(description="county-level code inside `city`")
    dispatched_on: PastDate


class DispatchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    commissioner_id: uuid.UUID
    year: int
    dispatching_unit: str
    city: str
    county: str
    dispatched_on: date
    status: str
    cancelled_on: date | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    created_at: datetime


class DispatchCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cancelled_on: PastDate | None = Field(default=None, description="defaults to today")


VillageCode = Annotated[
    str,
    Field(
        pattern=r"^([0-9]{9}|[0-9]{12})$",
        description="行政区划/村级 code, 9 or 12 digits; its first 6 digits are a county",
    ),
]


class ServiceLogCreate(TrimmedModel):
    dispatch_id: uuid.UUID
    village_code: VillageCode
    served_on: PastDate
    days: Annotated[int, Field(ge=1, le=31)]
    content: Annotated[str, Field(min_length=1, max_length=5000)]
    outcome: Annotated[str, Field(max_length=5000)] = ""


class ServiceLogRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    dispatch_id: uuid.UUID
    city: str
    village_code: str
    served_on: date
    days: int
    content: str
    outcome: str
    status: str
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    created_at: datetime


class RowError(BaseModel):
    row: int = Field(description="1-based data row: the first row under the header is 1")
    field: str = Field(description="column (dispatch_id, village_code, served_on, days, …)")
    code: str
    message: str


class ImportSummary(BaseModel):
    dry_run: bool
    rows: int = Field(description="data rows read (blank rows skipped)")
    valid: int
    failed: int
    created: int
    errors: list[RowError]
