from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from enterprise_service.enterprise.schemas import UsccText, not_future
from shared_kit.codes import CityCode, Uscc
from shared_kit.i18n import t

Money = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=2)]
Text100 = Annotated[str, Field(min_length=1, max_length=100)]


class VoucherCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_uscc: UsccText
    applied_on: date
    purpose: Annotated[str, Field(max_length=500)] = ""

    _applied = field_validator("applied_on")(not_future)

    @field_validator("enterprise_uscc")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return value.strip().upper()


class VoucherIssue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    face_amount: Money = Field(description="yuan, exact decimal string")
    issued_on: date

    _issued = field_validator("issued_on")(not_future)


class VoucherRedeem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider_id: uuid.UUID | None = Field(
        default=None, description="a registered provider; or give provider_name"
    )
    provider_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    contract_no: Text100
    invoice_no: Text100
    redeemed_amount: Money
    redeemed_on: date

    _redeemed = field_validator("redeemed_on")(not_future)

    @model_validator(mode="after")
    def _provider(self) -> VoucherRedeem:
        if self.provider_id is None and self.provider_name is None:
            raise ValueError(
                t("请提供 provider_id 或 provider_name", "give provider_id or provider_name")
            )
        return self


class VoucherExpire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expired_on: date

    _expired = field_validator("expired_on")(not_future)


class VoucherCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cancelled_on: date
    reason: Annotated[str, Field(max_length=500)] = ""

    _cancelled = field_validator("cancelled_on")(not_future)


class VoucherRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    enterprise_uscc: str
    applied_on: date
    purpose: str
    status: str
    face_amount: Decimal | None
    issued_on: date | None
    provider_id: uuid.UUID | None
    provider_name: str | None
    contract_no: str | None
    invoice_no: str | None
    redeemed_amount: Decimal | None
    redeemed_on: date | None
    expired_on: date | None
    cancelled_on: date | None
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime


class ProviderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)]
    uscc: Uscc | None = None
    city: CityCode
    services: Annotated[str, Field(max_length=500)] = ""
    registered_on: date

    _registered = field_validator("registered_on")(not_future)


class ProviderRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")

    revoked_on: date

    _revoked = field_validator("revoked_on")(not_future)


class ProviderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    uscc: str | None
    city: str
    services: str
    registered_on: date
    revoked_on: date | None
    created_at: datetime
