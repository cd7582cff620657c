from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from enterprise_service.db import Base
from shared_kit.db import Timestamps

# Every status and its word: a Chinese message names the word, never the code.
VOUCHER_STATUS_WORDS = {
    "applied": "已申请",
    "issued": "已发放",
    "redeemed": "已兑付",
    "expired": "已过期",
    "cancelled": "已取消",
}
VOUCHER_STATUSES = tuple(VOUCHER_STATUS_WORDS)

# The lifecycle: which statuses each status may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "applied": ("issued", "cancelled"),
    "issued": ("redeemed", "expired", "cancelled"),
    "redeemed": (),
    "expired": (),
    "cancelled": (),
}


class VoucherProvider(Timestamps, Base):
    """A registered service provider (服务机构) where vouchers are spent."""

    __tablename__ = "voucher_providers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    uscc: Mapped[str | None] = mapped_column(String(18))
    city: Mapped[str] = mapped_column(String(6))
    services: Mapped[str] = mapped_column(String(500), default="")
    registered_on: Mapped[date] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)


class Voucher(Timestamps, Base):
    """An innovation voucher (创新券) applied for, issued to and redeemed by an enterprise."""

    __tablename__ = "vouchers"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ",".join(f"'{s}'" for s in VOUCHER_STATUSES) + ")",
            name="status_known",
        ),
        CheckConstraint("face_amount > 0", name="face_positive"),
        CheckConstraint(
            "redeemed_amount > 0 AND redeemed_amount <= face_amount", name="redeemed_within_face"
        ),
        Index("ix_vouchers_issued_on", "issued_on"),
        Index("ix_vouchers_enterprise_issued", "enterprise_uscc", "issued_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    enterprise_uscc: Mapped[str] = mapped_column(
        String(18), ForeignKey("enterprises.uscc", onupdate="CASCADE")
    )
    applied_on: Mapped[date] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(12), default="applied")
    face_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    issued_on: Mapped[date | None] = mapped_column(Date)
    provider_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("voucher_providers.id"))
    provider_name: Mapped[str | None] = mapped_column(String(200))
    contract_no: Mapped[str | None] = mapped_column(String(100))
    invoice_no: Mapped[str | None] = mapped_column(String(100))
    redeemed_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    redeemed_on: Mapped[date | None] = mapped_column(Date)
    expired_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
