"""Query parameters are read exactly as the OpenAPI document declares them.

FastAPI (through pydantic's lax mode) reads ``?on=0`` as a Unix timestamp, so a
``date`` parameter accepted numbers, and it keeps the last of ``?city=a&city=b``
for a single-value parameter, silently dropping the other. :func:`strict_query`
runs before every route's own parameters and refuses both with a 422 problem:
a ``date`` parameter must be an ISO 8601 calendar date (``YYYY-MM-DD``), and a
parameter that is not declared as a list may appear once.
"""

from __future__ import annotations

import re
import types
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from shared_kit.errors import FieldError, ValidationFailed

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEQUENCES = (list, set, frozenset, tuple, Sequence)


class QueryInvalid(ValidationFailed):
    code, title = "invalid_query", "查询参数无效"


@dataclass(frozen=True)
class QueryParam:
    repeatable: bool
    is_date: bool


def _members(annotation: Any) -> list[Any]:
    """The types an annotation admits: Annotated unwrapped, unions flattened."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [m for arg in get_args(annotation) for m in _members(arg)]
    return [annotation]


def _describe(annotation: Any) -> QueryParam:
    members = _members(annotation)
    repeatable = any(get_origin(m) in _SEQUENCES or m in _SEQUENCES for m in members)
    is_date = any(m is date for m in members) and not any(m is datetime for m in members)
    return QueryParam(repeatable=repeatable, is_date=is_date)


def declared_query(dependant: Dependant) -> dict[str, QueryParam]:
    """Name (alias) → shape of every query parameter of a route and its dependencies."""
    out: dict[str, QueryParam] = {}
    for field in dependant.query_params:
        annotation = field.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for name, sub in annotation.model_fields.items():
                out[sub.alias or name] = _describe(sub.annotation)
        else:
            out[field.alias] = _describe(annotation)
    for sub_dependant in dependant.dependencies:
        out.update(declared_query(sub_dependant))
    return out


_CACHE = "_declared_query"


def query_problems(
    declared: dict[str, QueryParam], items: list[tuple[str, str]]
) -> list[FieldError]:
    """What is wrong with the query ``items`` against the ``declared`` parameters."""
    errors = []
    counts = Counter(name for name, _ in items)
    for name, count in counts.items():
        param = declared.get(name)
        if param is not None and count > 1 and not param.repeatable:
            errors.append(
                FieldError(
                    field=f"query.{name}",
                    code="repeated_parameter",
                    message=f"参数只能出现一次，实际出现 {count} 次",
                )
            )
    for name, value in items:
        param = declared.get(name)
        if param is not None and param.is_date and not _ISO_DATE.fullmatch(value):
            errors.append(
                FieldError(
                    field=f"query.{name}",
                    code="date_format",
                    message="日期须为 ISO 8601 格式 YYYY-MM-DD",
                )
            )
    return errors


async def strict_query(request: Request) -> None:
    """App-wide dependency: 422 ``invalid_query`` for a repeated single-value or non-ISO date."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.scope.get("query_string"):
        return
    declared: dict[str, QueryParam] | None = getattr(route, _CACHE, None)
    if declared is None:
        declared = declared_query(route.dependant)
        setattr(route, _CACHE, declared)  # once per route: the walk is not free
    errors = query_problems(declared, list(request.query_params.multi_items()))
    if errors:
        raise QueryInvalid(f"{len(errors)} 个查询参数无效", errors=errors)
