from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from enterprise_service.db import Base
from shared_kit.db import Timestamps

RECOGNITION_KINDS = ("new", "re_recognition")


class HtePoolEntry(Timestamps, Base):
    """An enterprise entering the high-tech-enterprise cultivation pool (高企培育库)."""

    __tablename__ = "hte_pool_entries"
    __table_args__ = (Index("ix_hte_pool_entries_entered_on", "entered_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    enterprise_uscc: Mapped[str] = mapped_column(
        String(18), ForeignKey("enterprises.uscc", onupdate="CASCADE"), index=True
    )
    entered_on: Mapped[date] = mapped_column(Date)
    batch_label: Mapped[str] = mapped_column(String(100), default="")
    withdrawn_on: Mapped[date | None] = mapped_column(Date)


class HteRecognition(Timestamps, Base):
    """A high-tech enterprise certificate (高企认定), valid three years from issue."""

    __tablename__ = "hte_recognitions"
    __table_args__ = (
        CheckConstraint(
            "kind IN (" + ",".join(f"'{k}'" for k in RECOGNITION_KINDS) + ")", name="kind_known"
        ),
        CheckConstraint("valid_until > issued_on", name="validity_after_issue"),
        Index("ix_hte_recognitions_issued_on", "issued_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    enterprise_uscc: Mapped[str] = mapped_column(
        String(18), ForeignKey("enterprises.uscc", onupdate="CASCADE"), index=True
    )
    certificate_no: Mapped[str] = mapped_column(String(14), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)


class HteRecognitionAward(Timestamps, Base):
    """A reward paid for a recognition (高企认定奖励)."""

    __tablename__ = "hte_recognition_awards"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_hte_recognition_awards_awarded_on", "awarded_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    recognition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hte_recognitions.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    awarded_on: Mapped[date] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
