from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

Display = int | Decimal


class IndicatorRow(BaseModel):
    code: str
    section: int
    label: str
    unit: str
    service: str
    definition: str
    region_only: bool
    value: Display | None = Field(description="in the display unit (万元/亿元 rounded half-up)")
    previous: Display | None
    change_abs: Display | None
    change_pct: Decimal | None = None
    change_pp: Decimal | None = None
    raw_value: Display | None = Field(description="exact value in the base unit (yuan, count)")
    raw_previous: Display | None
    numerator: int | None = None
    denominator: int | None = None
    by_city: dict[str, Display | None] | None = None
    unattributed: Display | None = Field(
        default=None,
        description="part of the value in no city column (e.g. loans to firms missing from "
        "the registry); value = sum of by_city + unattributed for additive figures",
    )
    items: list[str] | None = None
    records: str | None = Field(
        default=None, description="gateway path listing the records behind the figure"
    )
    by_city_records: dict[str, str] | None = None


class MissingIndicator(BaseModel):
    code: str
    service: str
    reason: str


class CityApproval(BaseModel):
    city: str
    city_name: str
    state: str = Field(description="open, submitted, returned or approved")
    state_title: str = Field(description="未上报, 已上报, 已退回, 已审核")


class ConsolidatedReport(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    period: str | None
    title: str
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    previous_from: date
    previous_to: date
    city: str | None
    partial: bool = False
    missing: list[MissingIndicator] = Field(default_factory=list)
    indicators: list[IndicatorRow]
    approvals: list[CityApproval] = Field(
        default_factory=list,
        description="each covered city's approval state for the period (data governance)",
    )
