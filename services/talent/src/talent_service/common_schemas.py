"""Field types shared by the talent modules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

from shared_kit.i18n import t


def not_future(value: date) -> date:
    if value > date.today():
        raise ValueError(t("日期不能晚于今天", "the date is in the future"))
    return value


PastDate = Annotated[date, AfterValidator(not_future)]
Money = Annotated[
    Decimal, Field(gt=0, max_digits=18, decimal_places=2, description="yuan, exact decimal")
]
Year = Annotated[int, Field(ge=1990, le=2100)]
Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Text100 = Annotated[str, Field(min_length=1, max_length=100)]
