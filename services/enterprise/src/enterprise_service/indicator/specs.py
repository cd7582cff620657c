"""The enterprise.* figures of the consolidated report (see docs/indicators.md).

Every enterprise record takes its city from the registry (by USCC), never from the
digits inside the USCC. Cancelled, revoked and withdrawn records never count; later
statuses (expired, redeemed, rejected, repaid, terminated) do not undo a dated event.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, and_, case, cast, exists, func, literal, null, select
from sqlalchemy import String as SqlString
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.enterprise.models import Enterprise
from enterprise_service.hte.models import HtePoolEntry, HteRecognition, HteRecognitionAward
from enterprise_service.kcd.models import KcdListing
from enterprise_service.loan.models import Loan
from enterprise_service.partner.models import PartnerBank
from enterprise_service.rdsubsidy.models import RdSubsidyApplication
from enterprise_service.techsme.models import TechSmeRegistration
from enterprise_service.training.models import TrainingSession
from enterprise_service.voucher.models import Voucher
from enterprise_service.zone.models import HitechZone, ZoneQuarterStat
from enterprise_service.zone.service import first_whole_quarter
from shared_kit.corrections import not_withdrawn
from shared_kit.indicators import IndicatorFigure, IndicatorSpec, PeriodQuery, compute_figure

E = Enterprise
NULL_CITY = cast(null(), SqlString).label("city")


def training_sessions(p: PeriodQuery) -> Select[Any]:
    t = TrainingSession
    cols: list[Any] = [t.id, t.city, t.topic, t.held_on, t.attendees, t.organiser]
    return select(*cols).where(
        t.held_on.between(p.start, p.end), t.cancelled_on.is_(None), not_withdrawn(t.status)
    )


def _tech_sme(p: PeriodQuery, city: Any) -> Select[Any]:
    r = TechSmeRegistration
    cols: list[Any] = [
        r.id,
        city,
        (cast(r.year, SqlString) + literal("-") + cast(r.batch, SqlString)).label("batch_key"),
        r.year,
        r.batch,
        r.registration_no,
        r.enterprise_uscc,
        r.registered_on,
    ]
    stmt = select(*cols).where(r.registered_on.between(p.start, p.end), r.revoked_on.is_(None))
    return stmt.join(E, E.uscc == r.enterprise_uscc) if city is not NULL_CITY else stmt


def tech_sme_batches(p: PeriodQuery) -> Select[Any]:
    return _tech_sme(p, NULL_CITY)


def tech_sme_registered(p: PeriodQuery) -> Select[Any]:
    return _tech_sme(p, E.city)


def hte_pool_entered(p: PeriodQuery) -> Select[Any]:
    h = HtePoolEntry
    cols: list[Any] = [
        h.id,
        E.city,
        h.enterprise_uscc,
        E.name.label("enterprise_name"),
        h.entered_on,
    ]
    return (
        select(*cols)
        .join(E, E.uscc == h.enterprise_uscc)
        .where(h.entered_on.between(p.start, p.end), h.withdrawn_on.is_(None))
    )


def hte_recognition_awards(p: PeriodQuery) -> Select[Any]:
    a, r = HteRecognitionAward, HteRecognition
    cols: list[Any] = [
        a.id,
        E.city,
        r.enterprise_uscc,
        r.certificate_no,
        a.amount,
        a.awarded_on,
    ]
    return (
        select(*cols)
        .join(r, r.id == a.recognition_id)
        .join(E, E.uscc == r.enterprise_uscc)
        # A revoked certificate's award does not count either.
        .where(a.awarded_on.between(p.start, p.end), a.cancelled_on.is_(None))
        .where(r.revoked_on.is_(None))
    )


def partner_banks_signed(p: PeriodQuery) -> Select[Any]:
    b = PartnerBank
    cols: list[Any] = [b.id, NULL_CITY, b.code, b.name, b.agreement_signed_on]
    return select(*cols).where(
        b.agreement_signed_on.between(p.start, p.end), b.cancelled_on.is_(None)
    )


def vouchers_issued(p: PeriodQuery) -> Select[Any]:
    v = Voucher
    cols: list[Any] = [
        v.id,
        E.city,
        v.enterprise_uscc,
        E.name.label("enterprise_name"),
        v.status,
        v.issued_on,
        v.face_amount,
    ]
    return (
        select(*cols)
        .join(E, E.uscc == v.enterprise_uscc)
        .where(v.issued_on.between(p.start, p.end), v.status != "cancelled")
    )


def loans_disbursed(p: PeriodQuery) -> Select[Any]:
    loan = Loan
    cols: list[Any] = [
        loan.id,
        E.city,
        loan.bank_code,
        loan.contract_no,
        loan.uscc,
        loan.enterprise_name,
        loan.amount,
        loan.disbursed_on,
        loan.status,
    ]
    # Outer join: a loan to a firm the registry lacks still counts in the region total.
    return (
        select(*cols)
        .outerjoin(E, E.uscc == loan.uscc)
        .where(loan.disbursed_on.between(p.start, p.end), loan.status != "cancelled")
    )


def listed_at_period_end(p: PeriodQuery) -> Select[Any]:
    """The 科创贷 list at period end, each with whether it got a loan in the period (rule 10)."""
    k, loan = KcdListing, Loan
    got_loan = exists().where(
        loan.uscc == k.enterprise_uscc,
        loan.disbursed_on.between(p.start, p.end),
        loan.status != "cancelled",
    )
    cols: list[Any] = [
        k.id,
        E.city,
        k.enterprise_uscc,
        E.name.label("enterprise_name"),
        k.listed_on,
        k.delisted_on,
        got_loan.label("has_loan"),
    ]
    return (
        select(*cols)
        .join(E, E.uscc == k.enterprise_uscc)
        .where(k.listed_on <= p.end, k.delisted_on.is_(None) | (k.delisted_on > p.end))
    )


def _rate(numerator: int, denominator: int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(100 * numerator) / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


async def loan_listed_rate(session: AsyncSession, p: PeriodQuery) -> IndicatorFigure:
    sub = listed_at_period_end(p).subquery()
    # An enterprise counts once (distinct USCC) in its city and in the total.
    den = func.count(func.distinct(sub.c.enterprise_uscc))
    num = func.count(func.distinct(case((sub.c.has_loan, sub.c.enterprise_uscc))))
    stmt = select(sub.c.city, num, den, func.grouping(sub.c.city)).group_by(func.rollup(sub.c.city))
    if p.city is not None:
        stmt = stmt.where(sub.c.city == p.city)
    total_num, total_den = 0, 0
    by_city: dict[str, int | Decimal | None] = {}
    for city, n, d, grouping in (await session.execute(stmt)).all():
        if grouping:
            total_num, total_den = int(n), int(d)
        elif city is not None:
            by_city[city] = _rate(int(n), int(d))
    return IndicatorFigure(
        code="enterprise.loan_listed_rate",
        unit="percent",
        value=_rate(total_num, total_den),
        by_city=by_city,
        numerator=total_num,
        denominator=total_den,
    )


def rd_applications(p: PeriodQuery) -> Select[Any]:
    a = RdSubsidyApplication
    cols: list[Any] = [
        a.id,
        E.city,
        a.enterprise_uscc,
        E.name.label("enterprise_name"),
        a.year,
        a.requested_amount,
        a.submitted_on,
        a.status,
    ]
    return (
        select(*cols)
        .join(E, E.uscc == a.enterprise_uscc)
        .where(a.submitted_on.between(p.start, p.end), a.status != "withdrawn")
    )


def zones_active_at_end(p: PeriodQuery) -> Select[Any]:
    z = HitechZone
    cols: list[Any] = [z.id, NULL_CITY, z.name, z.level, z.established_on, z.closed_on]
    return select(*cols).where(
        z.established_on <= p.end, z.closed_on.is_(None) | (z.closed_on > p.end)
    )


def zone_quarters_inside(p: PeriodQuery) -> Select[Any]:
    s, z = ZoneQuarterStat, HitechZone
    cols: list[Any] = [
        s.id,
        z.city,
        z.name.label("zone_name"),
        s.year,
        s.quarter,
        s.gross_output,
    ]
    return (
        select(*cols)
        .join(z, z.id == s.zone_id)
        .where(and_(s.quarter_start >= p.start, s.quarter_end <= p.end))
    )


_ZONE_OUTPUT_SUM = IndicatorSpec(
    "enterprise.hitech_zone_output",
    "yuan",
    zone_quarters_inside,
    aggregate="sum",
    column="gross_output",
)


async def hitech_zone_output(session: AsyncSession, p: PeriodQuery) -> IndicatorFigure:
    # Reading rule 5: a period holding no whole quarter has no zone output at all.
    if first_whole_quarter(p.start, p.end) is None:
        return IndicatorFigure(code=_ZONE_OUTPUT_SUM.code, unit="yuan", value=None, by_city={})
    return await compute_figure(session, _ZONE_OUTPUT_SUM, p)


SPECS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("enterprise.training_sessions", "count", training_sessions),
    IndicatorSpec(
        "enterprise.tech_sme_batches",
        "count",
        tech_sme_batches,
        aggregate="distinct",
        column="batch_key",
        region_only=True,
    ),
    IndicatorSpec(
        "enterprise.tech_sme_registered",
        "count",
        tech_sme_registered,
        aggregate="distinct",
        column="enterprise_uscc",
    ),
    IndicatorSpec(
        "enterprise.hte_pool_entered",
        "count",
        hte_pool_entered,
        aggregate="distinct",
        column="enterprise_uscc",
    ),
    IndicatorSpec(
        "enterprise.hte_recognition_award",
        "yuan",
        hte_recognition_awards,
        aggregate="sum",
        column="amount",
    ),
    IndicatorSpec(
        "enterprise.partner_banks_signed",
        "count",
        partner_banks_signed,
        region_only=True,
        names_column="name",
    ),
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
    IndicatorSpec(
        "enterprise.loan_amount", "yuan", loans_disbursed, aggregate="sum", column="amount"
    ),
    IndicatorSpec(
        "enterprise.loan_listed_rate", "percent", listed_at_period_end, compute=loan_listed_rate
    ),
    IndicatorSpec(
        "enterprise.rd_subsidy_applicants",
        "count",
        rd_applications,
        aggregate="distinct",
        column="enterprise_uscc",
    ),
    IndicatorSpec(
        "enterprise.rd_subsidy_amount",
        "yuan",
        rd_applications,
        aggregate="sum",
        column="requested_amount",
    ),
    IndicatorSpec(
        "enterprise.hitech_zones",
        "count",
        zones_active_at_end,
        region_only=True,
        names_column="name",
    ),
    IndicatorSpec(
        "enterprise.hitech_zone_output",
        "yuan",
        zone_quarters_inside,
        aggregate="sum",
        column="gross_output",
        compute=hitech_zone_output,
    ),
)
