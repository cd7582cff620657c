from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from reporting_service.narrative.schemas import NarrativeTemplate, RenderedNarrative
from shared_kit.codes import CityCode


class PeriodScope(BaseModel):
    """Which report a text belongs to: a period (named or from/to) and the region or a city."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    period: str | None = Field(default=None, description="2023-H1, 2024-Q1, 2023, 2023-M05")
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    city: CityCode | None = Field(default=None, description="a city's report; none: the region's")


class DraftCreate(PeriodScope):
    template: NarrativeTemplate
    note: str | None = Field(default=None, max_length=200, description="what this version changed")


class PreviewRequest(PeriodScope):
    template: NarrativeTemplate


class DraftRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    period: str | None
    start_on: date
    end_on: date
    city: str | None
    version: int
    note: str | None
    created_by: str
    created_at: datetime


class DraftDetail(DraftRead):
    template: NarrativeTemplate


class PreviewResponse(BaseModel):
    narrative: RenderedNarrative
    markdown: str = Field(description="the text as the Markdown download would carry it")
    empty_placeholders: list[str] = Field(
        description="placeholders whose figure has no value in this report (written （无数据）)"
    )


class GeneratedTemplate(BaseModel):
    period: str | None
    start_on: date
    end_on: date
    city: str | None
    template: NarrativeTemplate
    latest_draft: DraftRead | None = Field(
        description="the newest saved version for this report, if any"
    )


class PlaceholderGuide(BaseModel):
    globals: list[str]
    attributes: list[str]
    placeholders: list[str] = Field(description="every valid placeholder name")
