"""A technology contract as a correctable record (shared_kit.corrections).

The registering city bureau corrects what it registered (type, parties, amounts,
dates) and may withdraw a registration it made in error: withdrawn is never counted.
The registering city and the registration number are the department's: a city bureau
asks for those through a correction request.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit.codes import CityCode
from shared_kit.corrections import Correctable
from shared_kit.errors import FieldError
from shared_kit.patch import Patch
from transfer_service.common import Money, Name, Uscc
from transfer_service.contract.exceptions import TechContractNotFound
from transfer_service.contract.models import TechContract
from transfer_service.contract.schemas import (
    ContractType,
    RegistrationNo,
    TechContractCreate,
    TechContractRead,
    rule_errors,
)
from transfer_service.contract.service import lock_keys
from transfer_service.party import PartyRegion, party_city


class ContractChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Patch[ContractType] = None
    title: Patch[Annotated[str, Field(max_length=300)]] = None
    seller_name: Patch[Name] = None
    seller_uscc: Uscc | None = None
    seller_region: Patch[PartyRegion] = None
    buyer_name: Patch[Name] = None
    buyer_uscc: Uscc | None = None
    buyer_region: Patch[PartyRegion] = None
    contract_amount: Patch[Money] = None
    tech_transaction_amount: Patch[Money] = None
    signed_on: Patch[date] = None
    registered_on: Patch[date] = None
    # The department's alone (a city bureau files a correction request).
    city: Patch[CityCode] = None
    registration_no: Patch[RegistrationNo] = None


async def _party_cities(session: AsyncSession, contract: Any) -> None:
    contract.seller_city = party_city(contract.seller_region)
    contract.buyer_city = party_city(contract.buyer_region)


def _rules(contract: Any) -> list[FieldError]:
    # The create's cross-field rules hold for the corrected contract as a whole.
    whole = TechContractCreate.model_validate(contract, from_attributes=True)
    return rule_errors(whole, prefix="body.changes.")


CONTRACTS = Correctable(
    kind="tech_contract",
    model=TechContract,
    read_model=TechContractRead,
    changes=ContractChanges,
    not_found=TechContractNotFound,
    lock_points=lock_keys,
    department_only=frozenset({"city", "registration_no"}),
    seen_by=lambda c: (c.city, c.seller_city, c.buyer_city),
    after_change=_party_cities,
    extra_checks=_rules,
)
