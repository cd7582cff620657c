"""The transfer.* figures of the consolidated report (see docs/indicators.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Select,
    String,
    cast,
    literal,
    literal_column,
    select,
    union_all,
)

from shared_kit.indicators import (
    IndicatorSpec,
    PeriodQuery,
    RecordsQuery,
)
from transfer_service.achievement.models import Achievement
from transfer_service.contract.models import TechContract
from transfer_service.institution.models import Institution, TransferRecord
from transfer_service.pilot.models import Pilot, PilotBase
from transfer_service.recruitment.models import CooperationIntention

# Revoked registrations never count (reading rule 1), whenever they were revoked. Written
# into the SQL, not bound: a prepared statement's generic plan can use the partial indexes
# on status = 'registered' only when the query says so literally (a bound value took the
# figures from an index-only scan to a sequential one, 5× slower).
_COUNTS = literal_column("'registered'", String)


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


def _cols(*columns: Any) -> Select[Any]:
    """``select()`` typed loosely: the specs share one records-query type."""
    return select(*columns)


def _pilots(kind: str) -> RecordsQuery:
    def records(p: PeriodQuery) -> Select[Any]:
        t = Pilot
        return _cols(
            t.id, t.city, t.kind, t.organisation_name, t.organisation_uscc, t.started_on
        ).where(t.kind == kind, t.started_on.between(p.start, p.end), t.status == "active")

    return records


def pilot_bases(p: PeriodQuery) -> Select[Any]:
    b = PilotBase
    return _cols(b.id, b.city, b.name, b.operator_name, b.field, b.established_on).where(
        b.established_on.between(p.start, p.end), b.status == "active"
    )


def institution_transfers(p: PeriodQuery) -> Select[Any]:
    """Transfer records of the period, attributed to the institution's city."""
    t, i = TransferRecord, Institution
    return (
        _cols(
            t.id,
            i.city,
            t.institution_id,
            i.name.label("institution_name"),
            t.title,
            t.method,
            t.transferred_on,
            t.revenue,
        )
        .join(i, i.id == t.institution_id)
        .where(t.transferred_on.between(p.start, p.end), t.status == "recorded")
    )


def recruitment_intentions(p: PeriodQuery) -> Select[Any]:
    c = CooperationIntention
    return _cols(
        c.id, c.city, c.enterprise_uscc, c.enterprise_name, c.project_name, c.signed_on
    ).where(c.signed_on.between(p.start, p.end), c.status == "signed")


def achievements_registered(p: PeriodQuery) -> Select[Any]:
    a = Achievement
    return _cols(
        a.id,
        a.city,
        a.registration_no,
        a.title,
        a.category,
        a.organisation_name,
        a.registered_on,
    ).where(a.registered_on.between(p.start, p.end), a.status == "registered")


SPECS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("transfer.ownership_reform_pilots", "count", _pilots("ownership_reform")),
    IndicatorSpec(
        "transfer.evaluation_pilot_institutions", "count", _pilots("achievement_evaluation")
    ),
    IndicatorSpec("transfer.pilot_bases", "count", pilot_bases),
    IndicatorSpec(
        "transfer.institutions_reporting",
        "count",
        institution_transfers,
        "distinct",
        column="institution_id",
    ),
    IndicatorSpec("transfer.institution_transfers", "count", institution_transfers),
    IndicatorSpec(
        "transfer.institution_transfer_revenue",
        "yuan",
        institution_transfers,
        "sum",
        column="revenue",
    ),
    IndicatorSpec(
        "transfer.recruitment_intentions",
        "count",
        recruitment_intentions,
        "distinct",
        column="enterprise_uscc",
    ),
    # Outflow count and both sums read the same records (one scan, shared_kit batches
    # them); the total is outflow plus absorption per city, added up, not scanned again.
    IndicatorSpec("transfer.contracts_outflow", "count", contracts_outflow),
    IndicatorSpec("transfer.contracts_absorbed", "count", contracts_absorbed),
    IndicatorSpec(
        "transfer.contracts_total",
        "count",
        contracts_total,
        sum_of=("transfer.contracts_outflow", "transfer.contracts_absorbed"),
    ),
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
    IndicatorSpec("transfer.achievements_registered", "count", achievements_registered),
)
