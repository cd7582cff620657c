from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field


class Slot(BaseModel):
    slot: str = Field(description="2023-06 (a month) or 2023-Q2 (a quarter)")
    due: date
    received_at: date | None = None


class CityDataset(BaseModel):
    city: str
    city_name: str
    dataset: str
    title: str
    expected: int = Field(description="slots that ended on or before as_of")
    received: int
    on_time: int
    late: int = Field(description="received after the due date")
    overdue: int = Field(description="not received, and the due date has passed")
    pending: int = Field(description="not received, not yet due")
    missing: list[Slot] = Field(description="the slots not received, with their due dates")
    late_slots: list[Slot]


class Rates(BaseModel):
    expected: int
    received: int
    on_time: int
    overdue: int
    completeness_rate: Decimal | None = Field(description="received ÷ expected, %")
    timeliness_rate: Decimal | None = Field(description="received on time ÷ expected, %")


class DatasetRates(Rates):
    dataset: str
    title: str
    frequency: str
    due_day: int


class CompletenessReport(BaseModel):
    period: str
    as_of: date
    rows: list[CityDataset]
    datasets: list[DatasetRates]
    total: Rates = Field(description="over every row shown (the region, or a bureau's city)")
