"""Request models whose text is trimmed after validation, so lengths are checked as sent.

pydantic's ``str_strip_whitespace`` trims before the length constraints, so a value
over the document's ``maxLength`` was accepted when surrounding spaces brought it
under: the API took input its own OpenAPI document calls invalid. Here the
constraints hold for the value as sent; the stored value has no surrounding spaces.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError


class TrimmedModel(BaseModel):
    """``extra="forbid"``; string fields (and lists of strings) trimmed once validated."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _trim(self) -> Self:
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            # Keep model_fields_set as it was (PATCH bodies): no validated assignment.
            if isinstance(value, str):
                required = any(getattr(m, "min_length", 0) for m in info.metadata)
                self.__dict__[name] = _trimmed(name, value, required=required)
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                self.__dict__[name] = [_trimmed(name, v, required=True) for v in value]
        return self


def _trimmed(field: str, value: str, *, required: bool) -> str:
    """``value`` trimmed; blank refused where text is required (a minLength, a list item)."""
    trimmed = value.strip()
    if required and not trimmed:
        raise PydanticCustomError("blank_text", "{field} 不能只含空白字符", {"field": field})
    return trimmed
