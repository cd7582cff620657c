from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from shared_kit.db import Timestamps
from transfer_service.common import in_check
from transfer_service.db import Base

# 民法典 contract types; 技术许可 is its own type since 2021, 技术培训/技术中介 are
# kinds of 技术服务 that are registered separately (domain.md §3).
CONTRACT_TYPES = (
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
)
CONTRACT_STATUSES = ("registered", "revoked", "withdrawn")


class TechContract(Timestamps, Base):
    """A registered technology contract (技术合同认定登记).

    ``seller_city``/``buyer_city`` are derived from the parties' region codes (NULL when
    the party is outside the region) and stored so outflow/absorption group by an index.
    """

    __tablename__ = "tech_contracts"
    __table_args__ = (
        CheckConstraint("contract_amount >= 0", name="contract_amount_non_negative"),
        CheckConstraint(
            "tech_transaction_amount >= 0 AND tech_transaction_amount <= contract_amount",
            name="tech_amount_within_contract",
        ),
        CheckConstraint("registered_on >= signed_on", name="registered_after_signed"),
        CheckConstraint(in_check("type", CONTRACT_TYPES), name="type_known"),
        CheckConstraint(in_check("status", CONTRACT_STATUSES), name="status_known"),
        # Covering partial indexes for the outflow/absorbed figures (date range + city).
        Index(
            "ix_tech_contracts_outflow",
            "registered_on",
            "seller_city",
            postgresql_include=["contract_amount", "tech_transaction_amount"],
            postgresql_where=text("status = 'registered' AND seller_city IS NOT NULL"),
        ),
        Index(
            "ix_tech_contracts_absorbed",
            "registered_on",
            "buyer_city",
            postgresql_where=text("status = 'registered' AND buyer_city IS NOT NULL"),
        ),
        Index("ix_tech_contracts_city_registered", "city", "registered_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    registration_no: Mapped[str] = mapped_column(String(32), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300), default="")
    seller_name: Mapped[str] = mapped_column(String(200))
    seller_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    seller_region: Mapped[str] = mapped_column(String(6))
    seller_city: Mapped[str | None] = mapped_column(String(6), nullable=True)
    buyer_name: Mapped[str] = mapped_column(String(200))
    buyer_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    buyer_region: Mapped[str] = mapped_column(String(6))
    buyer_city: Mapped[str | None] = mapped_column(String(6), nullable=True)
    contract_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    tech_transaction_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    signed_on: Mapped[date] = mapped_column(Date)
    registered_on: Mapped[date] = mapped_column(Date)
    city: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(16), default="registered")
    revoked_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Set by a withdrawal (shared_kit.corrections): the record stays, never counted.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
