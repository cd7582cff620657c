"""The transfer.* figures of the consolidated report (see docs/indicators.md)."""

from __future__ import annotations

from typing import Any

from shared_kit.indicators import IndicatorSpec, PeriodQuery
from sqlalchemy import Select, String, cast, literal, select, union_all

from transfer_service.contract.models import TechContract

# Revoked registrations never count (reading rule 1), whenever they were revoked.
_COUNTS = "registered"


def _contract_side(p: PeriodQuery, side: str) -> Select[Any]:
    """Registered contracts of the period seen from one side: outflow is attributed to the
    seller's city, absorption to the buyer's; a party outside the region has no city."""
    c = TechContract
    city = c.seller_city if side == "outflow" else c.buyer_city
    columns: list[Any] = [
        (literal(side + ":") + cast(c.id, String)).label("id"),
        city.label("city"),
        literal(side).label("side"),
        c.id.label("contract_id"),
        c.registration_no,
        c.type,
        c.seller_name,
        c.seller_region,
        c.buyer_name,
        c.buyer_region,
        c.contract_amount,
        c.tech_transaction_amount,
        c.registered_on,
    ]
    return select(*columns).where(
        c.registered_on.between(p.start, p.end), c.status == _COUNTS, city.is_not(None)
    )


def _contract_columns(city: Any) -> list[Any]:
    c = TechContract
    return [
        c.id,
        city.label("city"),
        c.registration_no,
        c.type,
        c.seller_name,
        c.seller_region,
        c.buyer_name,
        c.buyer_region,
        c.contract_amount,
        c.tech_transaction_amount,
        c.signed_on,
        c.registered_on,
    ]


def contracts_outflow(p: PeriodQuery) -> Select[Any]:
    c = TechContract
    return select(*_contract_columns(c.seller_city)).where(
        c.registered_on.between(p.start, p.end), c.status == _COUNTS, c.seller_city.is_not(None)
    )


def contracts_absorbed(p: PeriodQuery) -> Select[Any]:
    c = TechContract
    return select(*_contract_columns(c.buyer_city)).where(
        c.registered_on.between(p.start, p.end), c.status == _COUNTS, c.buyer_city.is_not(None)
    )


def contracts_total(p: PeriodQuery) -> Select[Any]:
    """Outflow plus absorption as one UNION ALL: a contract with both parties in the region
    is two records (ids ``outflow:<uuid>`` and ``absorbed:<uuid>``), so a same-city
    contract counts twice in that city (reading rule 11)."""
    both = union_all(_contract_side(p, "outflow"), _contract_side(p, "absorbed")).subquery()
    return select(both)


SPECS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("transfer.contracts_outflow", "count", contracts_outflow),
    IndicatorSpec("transfer.contracts_absorbed", "count", contracts_absorbed),
    IndicatorSpec("transfer.contracts_total", "count", contracts_total),
    IndicatorSpec(
        "transfer.contract_value", "yuan", contracts_outflow, "sum", column="contract_amount"
    ),
    IndicatorSpec(
        "transfer.tech_transaction_value",
        "yuan",
        contracts_outflow,
        "sum",
        column="tech_transaction_amount",
    ),
)
