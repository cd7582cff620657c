from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from enterprise_service.db import Base
from shared_kit.db import Timestamps

# Every status and its word: a Chinese message names the word, never the code.
RD_STATUS_WORDS = {
    "submitted": "已提交",
    "approved": "已批准",
    "rejected": "未通过",
    "withdrawn": "已撤回",
}
RD_STATUSES = tuple(RD_STATUS_WORDS)


class RdSubsidyApplication(Timestamps, Base):
    """An application for the R&D spending subsidy (研发经费奖补) for one year's spending."""

    __tablename__ = "rd_subsidy_applications"
    __table_args__ = (
        CheckConstraint("requested_amount > 0", name="requested_positive"),
        CheckConstraint("approved_amount >= 0", name="approved_non_negative"),
        CheckConstraint(
            "status IN (" + ",".join(f"'{s}'" for s in RD_STATUSES) + ")", name="status_known"
        ),
        Index("ix_rd_subsidy_applications_submitted_on", "submitted_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    enterprise_uscc: Mapped[str] = mapped_column(
        String(18), ForeignKey("enterprises.uscc", onupdate="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    requested_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    approved_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    submitted_on: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="submitted")
