from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from reporting_service.consolidated.schemas import Display


class TrendPoint(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    period: str = Field(description="2023-H1")
    title: str = Field(description="2023年上半年")
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    value: Display | None = Field(description="in the display unit, as the report shows it")
    raw_value: Display | None = Field(description="exact value in the base unit")


class Trend(BaseModel):
    code: str
    label: str
    unit: str
    city: str | None
    points: list[TrendPoint] = Field(description="oldest first, one per half-year")


class LatestPeriod(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    period: str | None = Field(description="the latest half-year with data; null when none")
    title: str | None = None
    from_: date | None = Field(default=None, alias="from", serialization_alias="from")
    to: date | None = None
    city: str | None
    searched_from: str = Field(description="the earliest half-year looked at")
    missing_services: list[str] = Field(
        default_factory=list,
        description="services that did not answer: their figures were not looked at",
    )
