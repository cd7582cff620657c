from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from sqlalchemy import Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from enterprise_service.db import Base
from shared_kit.db import Timestamps


class PartnerBank(Timestamps, Base):
    """A bank with a strategic cooperation agreement (战略合作银行) for 科创贷.

    ``code`` is the bank code the gateway puts in a bank principal's ``bank`` claim.
    """

    __tablename__ = "partner_banks"
    __table_args__ = (Index("ix_partner_banks_signed_on", "agreement_signed_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    agreement_signed_on: Mapped[date] = mapped_column(Date)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)

    @property
    def status(self) -> Literal["active", "terminated", "cancelled"]:
        """The agreement's state: the one rule of which banks may use the bank interface."""
        if self.cancelled_on is not None:
            return "cancelled"
        return "terminated" if self.terminated_on is not None else "active"
