from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, Index, String, Text, func, true
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base
from shared_kit.db import Timestamps, UUIDPk

ALGORITHMS = ("hmac-sha256", "ed25519")


class BankClient(UUIDPk, Timestamps, Base):
    """A partner bank's signing key. The bank code comes from here, never from the request.

    HMAC secrets must be stored retrievably (the gateway recomputes the MAC); the
    gateway schema is readable by the gateway role only.
    """

    __tablename__ = "bank_clients"
    __table_args__ = (
        CheckConstraint("alg IN ('hmac-sha256','ed25519')", name="alg_known"),
        CheckConstraint(
            "(alg = 'hmac-sha256' AND secret IS NOT NULL AND public_key IS NULL)"
            " OR (alg = 'ed25519' AND public_key IS NOT NULL AND secret IS NULL)",
            name="key_material_matches_alg",
        ),
    )

    key_id: Mapped[str] = mapped_column(String(64), unique=True)
    bank: Mapped[str] = mapped_column(String(64), index=True)
    alg: Mapped[str] = mapped_column(String(16))
    secret: Mapped[str | None] = mapped_column(Text, nullable=True)
    public_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, server_default=true(), default=True)


class BankNonce(Base):
    """Nonces seen inside the replay window.

    (key_id, nonce) is the primary key: it is the uniqueness the replay check
    needs, and a surrogate id would only add a second index to a write-hot table.
    """

    __tablename__ = "bank_nonces"
    __table_args__ = (Index("ix_bank_nonces_created_at", "created_at"),)

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
