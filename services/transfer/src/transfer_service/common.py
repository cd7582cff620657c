"""Small pieces every module's schemas and models share."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from shared_kit.codes import USCC_SCHEMA, uscc_problem

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


_uscc_problem = lru_cache(maxsize=65_536)(uscc_problem)


def _uscc(value: str) -> str:
    value = value.strip().upper()
    problem = _uscc_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Uscc = Annotated[str, AfterValidator(_uscc), USCC_SCHEMA]
"""shared_kit's USCC check, memoised: a contracts file names the same parties again and
again, and the check digit is the costliest part of validating a row."""
