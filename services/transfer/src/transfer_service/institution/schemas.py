from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared_kit.codes import CityCode, Uscc
from transfer_service.common import Money, Name

InstitutionKind = Literal["university", "institute"]
TransferMethod = Literal["transfer", "licence", "equity"]


class InstitutionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    uscc: Uscc | None = None
    kind: InstitutionKind
    city: CityCode


class InstitutionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    uscc: str | None
    kind: str
    city: str
    created_at: datetime


class TransferRecordCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    institution_id: uuid.UUID
    title: Annotated[str, Field(min_length=1, max_length=300)]
    method: TransferMethod
    transferee_name: Annotated[str, Field(max_length=200)] = ""
    transferee_uscc: Uscc | None = None
    transferred_on: date
    revenue: Money = Field(description="转化收入, yuan, exact decimal")


class TransferRecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    institution_id: uuid.UUID
    title: str
    method: str
    transferee_name: str
    transferee_uscc: str | None
    transferred_on: date
    revenue: Decimal
    status: str
    created_at: datetime
