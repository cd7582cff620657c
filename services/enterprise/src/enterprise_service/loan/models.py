from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from enterprise_service.db import Base
from shared_kit.db import Timestamps

GUARANTEES = ("credit", "guaranteed", "collateral", "ip_pledge")
LOAN_STATUSES = ("disbursed", "repaid", "cancelled")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class Loan(Timestamps, Base):
    """A 科创贷 loan as last reported by its bank; keyed by (bank, contract_no)."""

    __tablename__ = "loans"
    __table_args__ = (
        UniqueConstraint("bank_code", "contract_no"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("maturity_on > disbursed_on", name="maturity_after_disbursement"),
        CheckConstraint(_in("guarantee", GUARANTEES), name="guarantee_known"),
        CheckConstraint(_in("status", LOAN_STATUSES), name="status_known"),
        Index("ix_loans_disbursed_on", "disbursed_on"),
        Index("ix_loans_uscc_disbursed", "uscc", "disbursed_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    bank_code: Mapped[str] = mapped_column(String(64))
    contract_no: Mapped[str] = mapped_column(String(64))
    # Not a foreign key: a bank may lend to a firm the registry does not hold yet.
    uscc: Mapped[str] = mapped_column(String(18))
    enterprise_name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    disbursed_on: Mapped[date] = mapped_column(Date)
    maturity_on: Mapped[date] = mapped_column(Date)
    annual_rate: Mapped[Decimal] = mapped_column(Numeric(7, 4))
    guarantee: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    listed: Mapped[bool] = mapped_column(Boolean)
    # No foreign key: the batch row is written first in the same transaction and batches
    # are never deleted, and the key's check would cost a trigger call per upserted loan.
    last_batch_id: Mapped[uuid.UUID | None] = mapped_column()


class LoanHistory(Base):
    """A version of a loan that a later report replaced (the loan row is the current one)."""

    __tablename__ = "loan_history"
    __table_args__ = (Index("ix_loan_history_loan_recorded", "loan_id", "recorded_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    loan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("loans.id", ondelete="CASCADE"))
    batch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("loan_batches.id"))
    action: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    disbursed_on: Mapped[date] = mapped_column(Date)
    maturity_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class LoanBatch(Base):
    """One accepted batch of loans from a bank, with its counts."""

    __tablename__ = "loan_batches"
    __table_args__ = (Index("ix_loan_batches_bank_created", "bank_code", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    bank_code: Mapped[str] = mapped_column(String(64))
    batch_ref: Mapped[str | None] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(8))
    received: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    listed: Mapped[int] = mapped_column(Integer)
    unlisted: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class IdempotencyRecord(Base):
    """The answer given to a bank's (Idempotency-Key, body), replayed on retries for 7 days."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("bank_code", "key"),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    bank_code: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int] = mapped_column(Integer)
    # The exact bytes first sent (as text), so a replay is byte-identical.
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
