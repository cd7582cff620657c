from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base


class RateBucket(Base):
    """One client's token bucket, shared by every gateway replica.

    UNLOGGED: a crash empties it (every client starts with a full bucket), which
    costs nothing that matters and spares the write-ahead log a write per request.
    """

    __tablename__ = "rate_buckets"
    __table_args__ = {"prefixes": ["UNLOGGED"]}  # noqa: RUF012

    client: Mapped[str] = mapped_column(String(200), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float, nullable=False)
    granted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
