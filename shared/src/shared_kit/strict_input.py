"""Input is read exactly as the OpenAPI document declares it.

FastAPI (through pydantic's lax mode) reads ``?on=0`` or ``{"on": 0}`` as a Unix
timestamp, ``{"count": false}`` as 0, and keeps the last of ``?city=a&city=b`` for
a single-value parameter, silently dropping the other. :func:`strict_input` runs
before every route's own parameters and refuses these with a 422 problem: a
``date`` (query parameter or JSON body field, nested ones included) must be an
ISO 8601 calendar date (``YYYY-MM-DD``), a JSON body field must have the JSON type
its schema documents (integer, number, boolean, string), and a query parameter that
is not declared as a list may appear once.
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
from shared_kit.i18n import t

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The date part of an ISO 8601 date-time; pydantic checks the rest (a number is not one).
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ].+")
_SEQUENCES = (list, set, frozenset, tuple, Sequence)


# The code of every other 422 (clients handle one); errors[].code says what was wrong.
class QueryInvalid(ValidationFailed):
    title = t("查询参数无效", "Invalid query parameters")


class BodyTypeInvalid(ValidationFailed):
    title = t("字段类型与接口声明不符", "Field types do not match the API")


DATE_MESSAGE = t("日期须为 ISO 8601 格式 YYYY-MM-DD", "a date is ISO 8601: YYYY-MM-DD")
DATETIME_MESSAGE = t(
    "时间须为 ISO 8601 格式 YYYY-MM-DDTHH:MM:SS（可带时区）",
    "a time is ISO 8601: YYYY-MM-DDTHH:MM:SS (a time zone may follow)",
)
TYPE_MESSAGE = t(
    "值的 JSON 类型与接口文档声明的类型不符",
    "the value's JSON type is not the one the API declares",
)


@dataclass(frozen=True)
class QueryParam:
    repeatable: bool
    is_date: bool
    is_datetime: bool = False


def type_members(annotation: Any) -> list[Any]:
    """The types an annotation admits: Annotated unwrapped, unions flattened."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return type_members(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [m for arg in get_args(annotation) for m in type_members(arg)]
    return [annotation]


def _describe(annotation: Any) -> QueryParam:
    members = type_members(annotation)
    repeatable = any(get_origin(m) in _SEQUENCES or m in _SEQUENCES for m in members)
    is_datetime = any(m is datetime for m in members)
    is_date = any(m is date for m in members) and not is_datetime
    return QueryParam(repeatable=repeatable, is_date=is_date, is_datetime=is_datetime)


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
                    message=t(
                        f"参数只能出现一次，实际出现 {count} 次",
                        f"the parameter may appear once; it appears {count} times",
                    ),
                )
            )
    for name, value in items:
        param = declared.get(name)
        if param is not None and param.is_date and not _ISO_DATE.fullmatch(value):
            errors.append(
                FieldError(field=f"query.{name}", code="date_format", message=DATE_MESSAGE)
            )
        if param is not None and param.is_datetime and not _ISO_DATETIME.fullmatch(value):
            errors.append(
                FieldError(field=f"query.{name}", code="datetime_format", message=DATETIME_MESSAGE)
            )
    return errors


def _scalar_fits(member: Any, value: Any) -> bool | None:
    """Whether the JSON ``value`` has the JSON type ``member`` documents; None: not judged here."""
    if member is bool:
        return isinstance(value, bool)
    if member is int:
        return not isinstance(value, bool) and (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        )
    if member is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if member is str or member is datetime:
        return isinstance(value, str)
    if member is date:
        return isinstance(value, str) and _ISO_DATE.fullmatch(value) is not None
    if member is type(None):
        return value is None
    return None


def body_problems(annotation: Any, value: Any, loc: tuple[str | int, ...]) -> list[FieldError]:
    """The fields of the JSON ``value`` whose JSON type is not the one ``annotation`` documents.

    pydantic's lax mode reads ``false`` or ``"7"`` as an integer and ``0`` as a date;
    the document says integer, date. Models and lists are walked; a type this check
    does not know (UUID, Decimal, enums…) is left to pydantic.
    """
    members = type_members(annotation)
    errors: list[FieldError] = []
    for member in members:
        if isinstance(member, type) and issubclass(member, BaseModel) and isinstance(value, dict):
            for name, info in member.model_fields.items():
                key = info.alias or name
                if key in value:
                    errors += body_problems(info.annotation, value[key], (*loc, key))
            return errors
        if get_origin(member) in _SEQUENCES and isinstance(value, list):
            (item, *_) = get_args(member) or (Any,)
            for i, element in enumerate(value):
                errors += body_problems(item, element, (*loc, i))
            return errors
    fits = [_scalar_fits(member, value) for member in members]
    if value is None or None in fits or any(fits):
        return []
    field = ".".join(str(p) for p in loc)
    if date in members:
        return [FieldError(field=field, code="date_format", message=DATE_MESSAGE)]
    return [FieldError(field=field, code="type_mismatch", message=TYPE_MESSAGE)]


async def strict_input(request: Request) -> None:
    """App-wide dependency: 422 ``validation_error`` for a repeated single-value query
    parameter, a non-ISO date or a JSON field of another JSON type."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    if request.scope.get("query_string"):
        declared: dict[str, QueryParam] | None = getattr(route, _CACHE, None)
        if declared is None:
            declared = declared_query(route.dependant)
            setattr(route, _CACHE, declared)  # once per route: the walk is not free
        errors = query_problems(declared, list(request.query_params.multi_items()))
        if errors:
            raise QueryInvalid(
                t(f"{len(errors)} 个查询参数无效", f"{len(errors)} query parameter(s) are invalid"),
                errors=errors,
            )
    body = route.body_field
    if body is None or not _is_json(request.headers.get("content-type", "")):
        return
    try:
        value = await request.json()  # cached: FastAPI parses the same body once
    except ValueError:
        return  # not JSON: the route's own validation says so
    errors = body_problems(body.field_info.annotation, value, ("body",))
    if errors:
        raise BodyTypeInvalid(
            t(f"{len(errors)} 个字段类型不符", f"{len(errors)} field(s) have the wrong type"),
            errors=errors,
        )


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")
