from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from shared_kit.db import Timestamps
from transfer_service.common import in_check
from transfer_service.db import Base

INSTITUTION_KINDS = ("university", "institute")
TRANSFER_METHODS = ("transfer", "licence", "equity")
TRANSFER_STATUSES = ("recorded", "withdrawn")


class Institution(Timestamps, Base):
    """A university or research institute (高校院所) that reports its transfers."""

    __tablename__ = "institutions"
    __table_args__ = (CheckConstraint(in_check("kind", INSTITUTION_KINDS), name="kind_known"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    uscc: Mapped[str | None] = mapped_column(String(18), nullable=True, unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(6), index=True)


class TransferRecord(Timestamps, Base):
    """One achievement an institution transferred, licensed or put in as equity."""

    __tablename__ = "transfer_records"
    __table_args__ = (
        CheckConstraint("revenue >= 0", name="revenue_non_negative"),
        CheckConstraint(in_check("method", TRANSFER_METHODS), name="method_known"),
        CheckConstraint(in_check("status", TRANSFER_STATUSES), name="status_known"),
        Index(
            "ix_transfer_records_transferred",
            "transferred_on",
            postgresql_include=["institution_id", "revenue"],
            postgresql_where=text("status = 'recorded'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    institution_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("institutions.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(16))
    transferee_name: Mapped[str] = mapped_column(String(200), default="")
    transferee_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    transferred_on: Mapped[date] = mapped_column(Date)
    revenue: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    status: Mapped[str] = mapped_column(String(16), default="recorded")
