from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field


class Violation(BaseModel):
    rule: str = Field(description="the rule's code, or outlier:<figure code>")
    importance: str = Field(description="error or warning")
    message: str
    left: str
    left_value: Decimal | int | None
    right: str | None = None
    right_value: Decimal | int | None = None


class ValidationReport(BaseModel):
    period: str
    city: str
    errors: int
    warnings: int
    violations: list[Violation]
