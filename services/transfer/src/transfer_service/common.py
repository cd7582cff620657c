"""Small pieces every module's schemas and models share."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

CENT = Decimal("0.01")
# Quantised so the answer shows the stored scale ("100.00"), not the input's ("100").
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=18, decimal_places=2),
    AfterValidator(lambda v: v.quantize(CENT)),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def in_check(column: str, values: tuple[str, ...]) -> str:
    """SQL for ``column IN (...)`` over fixed, known values (a check constraint body)."""
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"
