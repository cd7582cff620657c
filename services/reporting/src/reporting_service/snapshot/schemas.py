from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from reporting_service.narrative.schemas import FrozenNarrative
from shared_kit.codes import CityCode


class PublishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    period: str | None = Field(default=None, description="2023-H1, 2024-Q1, 2023, 2023-M05")
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    city: CityCode | None = None
    narrative: Literal["latest", "generated"] = Field(
        default="latest",
        description="latest: the newest saved draft of the period's text when there is one; "
        "generated: the text generated from the figures",
    )
    approval_override: str | None = Field(
        default=None,
        min_length=1,
        max_length=2000,
        description="why publish although not every city is approved (kept in the snapshot)",
    )


class PublishedFileRead(BaseModel):
    format: str
    media_type: str
    sha256: str
    size: int


class PublishedReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    period: str | None
    start_on: date
    end_on: date
    city: str | None
    title: str
    content_hash: str
    published_by: str
    published_role: str
    published_at: datetime
    approval_states: dict[str, str] | None = None
    approval_override: str | None = None
    files: list[PublishedFileRead] = Field(default_factory=list)


class PublishedReportDetail(PublishedReportRead):
    figures: dict[str, Any]
    narrative: FrozenNarrative | None = Field(
        default=None, description="the text as published (absent for reports published before)"
    )


class FigureChange(BaseModel):
    code: str
    label: str
    unit: str
    published: int | Decimal | None
    live: int | Decimal | None
    published_raw: int | Decimal | None
    live_raw: int | Decimal | None


class ReportDiff(BaseModel):
    report_id: uuid.UUID
    content_hash: str
    changed: list[FigureChange]
    unchanged: int
