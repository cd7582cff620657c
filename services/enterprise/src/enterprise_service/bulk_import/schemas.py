from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from enterprise_service.common import Money, PastDate, UsccRef
from shared_kit.i18n import t


class VoucherImportRow(BaseModel):
    """A voucher application, issued too when face_amount and issued_on are given."""

    model_config = ConfigDict(extra="forbid")

    enterprise_uscc: UsccRef
    applied_on: PastDate
    purpose: Annotated[str, Field(max_length=500)] = ""
    face_amount: Money | None = None
    issued_on: PastDate | None = None

    @model_validator(mode="after")
    def _issue_pair(self) -> VoucherImportRow:
        if (self.face_amount is None) != (self.issued_on is None):
            raise ValueError(
                t(
                    "面额与发放日期须同时填写或都不填",
                    "give both face_amount and issued_on, or neither",
                )
            )
        if self.issued_on is not None and self.issued_on < self.applied_on:
            raise ValueError(t("发放日期早于申请日期", "issued_on is before applied_on"))
        return self


class ImportSummary(BaseModel):
    kind: str
    dry_run: bool
    rows: int
    created: int
    by_city: dict[str, int]
    amount: Decimal | None = Field(
        default=None, description="vouchers: face amount issued; R&D: amount requested (yuan)"
    )
    first_date: date | None = None
    last_date: date | None = None
