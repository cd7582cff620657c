from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Sequence, String, text
from sqlalchemy.orm import Mapped, mapped_column

from enterprise_service.db import SCHEMA, Base
from shared_kit.db import Timestamps

# Every insert or change of a listing takes the next value: banks sync by it.
LISTING_SYNC_SEQ = Sequence("kcd_listing_sync_seq", schema=SCHEMA)


class KcdListing(Timestamps, Base):
    """A period an enterprise spends on the 科创贷 list (名单企业)."""

    __tablename__ = "kcd_listings"
    __table_args__ = (
        Index("ix_kcd_listings_uscc_listed", "enterprise_uscc", "listed_on"),
        # At most one open listing per enterprise.
        Index(
            "uq_kcd_listings_open",
            "enterprise_uscc",
            unique=True,
            postgresql_where=text("delisted_on IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    enterprise_uscc: Mapped[str] = mapped_column(
        String(18), ForeignKey("enterprises.uscc", onupdate="CASCADE")
    )
    listed_on: Mapped[date] = mapped_column(Date)
    delisted_on: Mapped[date | None] = mapped_column(Date)
    sync_seq: Mapped[int] = mapped_column(
        BigInteger, LISTING_SYNC_SEQ, server_default=LISTING_SYNC_SEQ.next_value(), unique=True
    )
