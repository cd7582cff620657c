"""PATCH bodies: a field may be left out, but not set to null when its column is NOT NULL.

``name: str | None = None`` lets a client send ``{"name": null}``, which a
``model_dump(exclude_unset=True)`` update then writes to a NOT NULL column: a
server error. ``Patch[str]`` keeps the field optional, refuses an explicit null
with 422 and leaves null out of the documented schema.
"""

from __future__ import annotations

from typing import Annotated, TypeVar, Union

from pydantic import AfterValidator
from pydantic.json_schema import SkipJsonSchema

from shared_kit.i18n import t

T = TypeVar("T")


def _present(value: T | None) -> T:
    if value is None:
        raise ValueError(t("可以省略，但不能设为 null", "may be left out, but not set to null"))
    return value


# Union (not |): the alias is subscripted at runtime with Annotated types.
Patch = Annotated[Union[T, SkipJsonSchema[None]], AfterValidator(_present)]  # noqa: UP007
"""An optional, non-nullable PATCH field: ``status: Patch[Status] = None``."""
