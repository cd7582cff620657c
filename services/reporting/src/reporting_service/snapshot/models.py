from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from reporting_service.db import Base


class PublishedReport(Base):
    """A frozen consolidated report: figures exactly as published.

    Rows are never updated or deleted (a trigger in the migration refuses it).
    """

    __tablename__ = "published_reports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    period: Mapped[str | None] = mapped_column(String(20), nullable=True)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    city: Mapped[str | None] = mapped_column(String(6), nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    figures: Mapped[dict[str, Any]] = mapped_column(JSONB)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The text the report was told with (FrozenNarrative): an edited draft or the generated one.
    narrative: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    published_by: Mapped[str] = mapped_column(String(200))
    published_role: Mapped[str] = mapped_column(String(20))
    published_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # Each city's approval state when published, and why it was published without every
    # city approved (None: every city was approved).
    approval_states: Mapped[dict[str, str] | None] = mapped_column(JSONB, nullable=True)
    approval_override: Mapped[str | None] = mapped_column(Text, nullable=True)


class PublishedFile(Base):
    """A generated file of a published report (markdown, docx, xlsx), stored as published."""

    __tablename__ = "published_files"

    report_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("published_reports.id"), primary_key=True
    )
    format: Mapped[str] = mapped_column(String(10), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
