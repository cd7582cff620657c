from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.corrections import WITHDRAWN, RecordWithdrawn, not_withdrawn
from shared_kit.db import ReadConn, compile_select
from shared_kit.errors import ValidationFailed
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows
from shared_kit.period_lock import assert_unlocked
from transfer_service.contract.exceptions import (
    ContractAlreadyRevoked,
    RegisteredBeforeSigned,
    RegistrationNoTaken,
    TechAmountExceedsContract,
    TechContractNotFound,
)
from transfer_service.contract.models import TechContract
from transfer_service.contract.schemas import TechContractCreate, rule_errors
from transfer_service.db import SCHEMA
from transfer_service.party import party_city

# The problem's own code names the first broken rule; every broken rule is in errors[].
_RULE_ERRORS: dict[str, type[ValidationFailed]] = {
    "tech_amount_exceeds_contract": TechAmountExceedsContract,
    "registered_before_signed": RegisteredBeforeSigned,
}


def lock_keys(contract: TechContract) -> list[tuple[str | None, date | None]]:
    """The cities whose figures a contract counts in, with the date the figures read."""
    day = contract.registered_on
    return [(contract.city, day), (contract.seller_city, day), (contract.buyer_city, day)]


async def create_contract(
    session: AsyncSession, *, principal: Principal, data: TechContractCreate
) -> TechContract:
    scope.check_write(principal, data.city)
    errors = rule_errors(data)
    if errors:
        exc = _RULE_ERRORS.get(errors[0].code, ValidationFailed)
        raise exc(errors[0].text, errors=errors)
    contract = TechContract(
        **data.model_dump(),
        seller_city=party_city(data.seller_region),
        buyer_city=party_city(data.buyer_region),
    )
    await assert_unlocked(session, schema=SCHEMA, records=lock_keys(contract))
    try:
        # A savepoint, so a duplicate number becomes a 409 and not a broken transaction.
        async with session.begin_nested():
            session.add(contract)
            await session.flush()
    except IntegrityError as exc:
        if "registration_no" not in str(exc.orig):
            raise
        raise RegistrationNoTaken(
            t(
                f"登记编号 {data.registration_no} 已登记",
                f"registration number {data.registration_no} is already registered",
            )
        ) from exc
    return contract


async def get_contract(
    session: AsyncSession, *, principal: Principal, contract_id: uuid.UUID
) -> TechContract:
    contract = await session.get(TechContract, contract_id)
    # Another city's contract answers exactly like a missing one: no existence leak.
    if contract is None or not scope.sees(
        principal, contract.city, contract.seller_city, contract.buyer_city
    ):
        raise TechContractNotFound(
            t(f"没有技术合同 {contract_id}", f"no technology contract {contract_id}")
        )
    return contract


async def revoke_contract(
    session: AsyncSession, *, principal: Principal, contract_id: uuid.UUID, revoked_on: date
) -> TechContract:
    contract = await get_contract(session, principal=principal, contract_id=contract_id)
    scope.check_write(principal, contract.city)
    if contract.status == WITHDRAWN:
        raise RecordWithdrawn(t("该合同已撤回，不能注销", "the contract has been withdrawn"))
    if contract.status == "revoked":
        raise ContractAlreadyRevoked(
            t(
                f"合同 {contract.registration_no} 已撤销",
                f"contract {contract.registration_no} is already revoked",
            )
        )
    await assert_unlocked(session, schema=SCHEMA, records=lock_keys(contract))
    contract.status = "revoked"
    contract.revoked_on = revoked_on
    await session.flush()
    return contract


async def read_contract(
    conn: ReadConn, *, principal: Principal, contract_id: uuid.UUID
) -> dict[str, Any]:
    """The read-only twin of :func:`get_contract` on the fast path (one statement)."""
    sql, params = compile_select(
        select(TechContract.__table__).where(TechContract.id == contract_id)
    )
    row = await conn.fetchrow(sql, *params)
    if row is None or not scope.sees(principal, row["city"], row["seller_city"], row["buyer_city"]):
        raise TechContractNotFound(
            t(f"没有技术合同 {contract_id}", f"no technology contract {contract_id}")
        )
    return dict(row)


async def list_contracts(
    conn: ReadConn,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    seller_city: str | None = None,
    buyer_city: str | None = None,
    type_: str | None = None,
    status: str | None = None,
    registration_no: str | None = None,
    registered_from: date | None = None,
    registered_to: date | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    c = TechContract
    stmt: Select[Any] = select(TechContract.__table__)
    # A contract is its seller's and buyer's city's as well as its own.
    stmt = scope.where(stmt, principal, c.city, c.seller_city, c.buyer_city, city=city)
    if seller_city is not None:
        stmt = stmt.where(c.seller_city == seller_city)
    if buyer_city is not None:
        stmt = stmt.where(c.buyer_city == buyer_city)
    if type_ is not None:
        stmt = stmt.where(c.type == type_)
    if status is not None:
        stmt = stmt.where(c.status == status)
    else:
        stmt = stmt.where(not_withdrawn(c.status))
    if registration_no is not None:
        stmt = stmt.where(c.registration_no == registration_no)
    if registered_from is not None:
        stmt = stmt.where(c.registered_on >= registered_from)
    if registered_to is not None:
        stmt = stmt.where(c.registered_on <= registered_to)
    order: list[Any] = [c.registered_on, c.id]
    sql, params = compile_select(keyset(stmt, order, page))
    rows = [dict(r) for r in await conn.fetch(sql, *params)]
    return page_from_rows(rows, page, lambda r: (r["registered_on"], r["id"]))
