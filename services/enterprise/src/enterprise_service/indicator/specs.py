"""The enterprise.* figures of the consolidated report (see docs/indicators.md).

Every enterprise record takes its city from the registry (by USCC), never from the
digits inside the USCC.
"""

from __future__ import annotations

from typing import Any

from shared_kit.indicators import IndicatorSpec, PeriodQuery
from sqlalchemy import Select, select

from enterprise_service.enterprise.models import Enterprise
from enterprise_service.voucher.models import Voucher


def vouchers_issued(p: PeriodQuery) -> Select[Any]:
    v, e = Voucher, Enterprise
    columns: list[Any] = [
        v.id,
        e.city,
        v.enterprise_uscc,
        e.name.label("enterprise_name"),
        v.status,
        v.issued_on,
        v.face_amount,
    ]
    return (
        select(*columns)
        .join(e, e.uscc == v.enterprise_uscc)
        .where(v.issued_on.between(p.start, p.end), v.status != "cancelled")
    )


SPECS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        "enterprise.voucher_enterprises",
        "count",
        vouchers_issued,
        aggregate="distinct",
        column="enterprise_uscc",
    ),
    IndicatorSpec(
        "enterprise.voucher_amount", "yuan", vouchers_issued, aggregate="sum", column="face_amount"
    ),
)
