from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from reporting_service.narrative.schemas import EditedNarrative

Display = int | Decimal
CHINA = timezone(timedelta(hours=8))


def today_in_china() -> date:
    return datetime.now(CHINA).date()


class IndicatorRow(BaseModel):
    code: str
    section: int
    label: str
    unit: str
    service: str
    definition: str
    region_only: bool
    compare: Literal["pct", "pp", "abs"] = Field(
        default="pct",
        description="how the report compares it: pct 同比%, pp 个百分点, abs 增减数 (+38项)",
    )
    value: Display | None = Field(description="in the display unit (万元/亿元 rounded half-up)")
    previous: Display | None
    change_abs: Display | None = Field(
        description="value − previous in the display unit; for a rate, in percentage points "
        "(equal to change_pp)"
    )
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
    label: str = ""
    section: int = 0
    service: str
    reason: str


class CityApproval(BaseModel):
    city: str
    city_name: str
    state: str = Field(description="open, submitted, returned or approved")
    state_title: str = Field(description="未上报, 已上报, 已退回, 已审核")
    changed_by: str | None = Field(default=None, description="who moved it to this state")
    changed_at: datetime | None = Field(default=None, description="when")
    comment: str | None = Field(default=None, description="the return's comment or unlock reason")


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
    generated_on: date = Field(
        default_factory=today_in_china,
        description="the day the figures were gathered (China time); the files' 成文日期",
    )

    # The edited text the report is told with, when a draft exists; never serialised
    # (a published report keeps the text it used in its own field).
    _narrative: EditedNarrative | None = PrivateAttr(default=None)

    @property
    def narrative(self) -> EditedNarrative | None:
        return self._narrative

    def with_narrative(self, edited: EditedNarrative | None) -> ConsolidatedReport:
        self._narrative = edited
        return self
