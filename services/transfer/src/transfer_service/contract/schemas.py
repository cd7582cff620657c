from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared_kit.codes import CityCode
from shared_kit.errors import FieldError
from shared_kit.i18n import t
from transfer_service.common import Money, Name, Uscc
from transfer_service.party import PartyRegion

ContractType = Literal[
    "development_commissioned",
    "development_cooperative",
    "transfer_patent",
    "transfer_patent_application",
    "transfer_know_how",
    "licence_patent",
    "licence_know_how",
    "consulting",
    "service",
    "service_training",
    "service_intermediary",
]
ContractStatus = Literal["registered", "revoked", "withdrawn"]
# Legacy numbers have 14 digits, newer ones 16 with an unverified layout (domain.md §3),
# so only the character set and a sane length are enforced.
RegistrationNo = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{6,32}$")
]


class TechContractCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    registration_no: RegistrationNo
    type: ContractType
    title: Annotated[str, Field(max_length=300)] = ""
    seller_name: Name
    seller_uscc: Uscc | None = None
    seller_region: PartyRegion = Field(description="GB/T 2260 code, anywhere in China")
    buyer_name: Name
    buyer_uscc: Uscc | None = None
    buyer_region: PartyRegion = Field(description="GB/T 2260 code, anywhere in China")
    contract_amount: Money = Field(description="合同成交额, yuan, exact decimal")
    tech_transaction_amount: Money = Field(description="技术交易额, yuan, ≤ contract_amount")
    signed_on: date
    registered_on: date
    city: CityCode = Field(description="the registering city")


def rule_errors(data: TechContractCreate, *, prefix: str = "body.") -> list[FieldError]:
    """Cross-field rules, shared by the single create and the bulk import."""
    errors: list[FieldError] = []
    if data.tech_transaction_amount > data.contract_amount:
        errors.append(
            FieldError(
                field=f"{prefix}tech_transaction_amount",
                code="tech_amount_exceeds_contract",
                message=t(
                    "技术交易额不能超过合同金额",
                    "the technology transaction amount exceeds the contract amount",
                ),
            )
        )
    if data.registered_on < data.signed_on:
        errors.append(
            FieldError(
                field=f"{prefix}registered_on",
                code="registered_before_signed",
                message=t("登记日期早于签订日期", "registered_on is before signed_on"),
            )
        )
    if data.registered_on > date.today():
        errors.append(
            FieldError(
                field=f"{prefix}registered_on",
                code="date_in_future",
                message=t("登记日期不能晚于今天", "registered_on is in the future"),
            )
        )
    return errors


class TechContractRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    registration_no: str
    type: str
    title: str
    seller_name: str
    seller_uscc: str | None
    seller_region: str
    seller_city: str | None
    buyer_name: str
    buyer_uscc: str | None
    buyer_region: str
    buyer_city: str | None
    contract_amount: Decimal
    tech_transaction_amount: Decimal
    signed_on: date
    registered_on: date
    city: str
    status: str
    revoked_on: date | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    created_at: datetime


class TechContractRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")

    revoked_on: date


class ImportSummary(BaseModel):
    """What an import did, or (dry run, or any failed row) would do for the valid rows."""

    dry_run: bool
    rows: int = Field(description="data rows read (blank rows are skipped)")
    created: int
    updated: int
    unchanged: int
    failed: int = Field(description="rows with at least one error")
    errors: list[FieldError] = Field(
        description="every problem: 1-based data row (the header is row 0), column, reason"
    )
