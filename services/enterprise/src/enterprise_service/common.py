"""Small pieces every domain module of this service uses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends
from pydantic import AfterValidator, Field

from shared_kit.auth import Principal, Role, require_roles
from shared_kit.errors import AppError, FieldError, Problem, ValidationFailed
from shared_kit.i18n import localize, t

Money = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=2)]
MoneyOrZero = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]


def _not_future(value: date) -> date:
    if value > date.today():
        raise ValueError(t("日期不能晚于今天", "date is in the future"))
    return value


PastDate = Annotated[date, AfterValidator(_not_future)]
"""A date that is today or earlier (records describe what happened)."""


def _uscc_text(value: str) -> str:
    return value.strip().upper()


# Checked against the registry in the service (a legacy code may be registered by override).
UsccRef = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_uscc_text)]

AdminOnly = Annotated[Principal, Depends(require_roles(Role.admin))]
Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem}}
CONFLICT: dict[int | str, dict[str, Any]] = {404: {"model": Problem}, 409: {"model": Problem}}


class InvalidDates(ValidationFailed):
    code = "date_order"
    title = t("日期先后顺序有误", "Dates out of order")


def not_before(later: date, earlier: date | None, field: str, what: str) -> None:
    """422 ``date_order`` when ``later`` (body field ``field``) precedes ``earlier``
    (``what``: a field name, or a bilingual description)."""
    if earlier is not None and later < earlier:
        raise InvalidDates(
            t(f"{field} 早于 {what}", f"{field} is before {localize(what, 'en')}"),
            errors=[
                FieldError(
                    field=f"body.{field}",
                    code="date_order",
                    message=t(f"早于 {what}", f"before {localize(what, 'en')}"),
                )
            ],
        )


# The terminal states as a refusal names them.
_ENDED = {
    "cancelled": "取消",
    "closed": "撤销",
    "terminated": "终止",
    "revoked": "撤销",
    "withdrawn": "撤回",
    "delisted": "移出名单",
}


def already(exc: type[AppError], what: str, when: date | None) -> None:
    """Raise ``exc`` when a terminal date (revoked_on, cancelled_on…) is already set."""
    if when is not None:
        day = when.isoformat()
        raise exc(t(f"已于 {day} {_ENDED.get(what, what)}", f"already {what} on {day}"))
