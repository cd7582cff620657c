"""Keyset pagination: stable cursors over an ordered, unique key.

A cursor is the opaque, URL-safe encoding of the last row's sort key. Pages
never skip or repeat rows when others are inserted meanwhile, and cost the
same at any depth (no OFFSET).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

import orjson
from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, tuple_

from shared_kit.errors import ValidationFailed
from shared_kit.i18n import t

T = TypeVar("T")
MAX_LIMIT = 1000


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class PageParams(BaseModel):
    cursor: str | None = None
    limit: int = 100


async def page_params(
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> PageParams:
    return PageParams(cursor=cursor, limit=limit)


def _enc(value: Any) -> Any:
    if isinstance(value, UUID):
        return {"u": str(value)}
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    return value


def _dec(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((k, v),) = value.items()
        decoders: dict[str, Any] = {
            "u": UUID,
            "t": datetime.fromisoformat,
            "d": date.fromisoformat,
            "n": Decimal,
        }
        return decoders[k](v)
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = orjson.dumps([_enc(v) for v in values])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = orjson.loads(raw)
        if not isinstance(data, list):
            raise ValueError(t("分页游标不是列表", "cursor is not a list"))
        return [_dec(v) for v in data]
    except Exception as exc:
        raise ValidationFailed(
            t("分页游标格式有误", "malformed cursor"), extra={"cursor": cursor}
        ) from exc


def keyset(stmt: Select[Any], order_by: Sequence[Any], params: PageParams) -> Select[Any]:
    """Apply ascending keyset ordering, the cursor condition and limit+1 to ``stmt``."""
    if params.cursor:
        values = decode_cursor(params.cursor)
        if len(values) != len(order_by):
            raise ValidationFailed(
                t("分页游标与本列表不匹配", "cursor does not match this listing")
            )
        stmt = stmt.where(tuple_(*order_by) > tuple_(*values))
    return stmt.order_by(*order_by).limit(params.limit + 1)


def page_from_rows(
    rows: Sequence[Any], params: PageParams, key: Any
) -> tuple[list[Any], str | None]:
    """Split the limit+1 rows fetched by :func:`keyset` into a page and its next cursor.

    ``key(row)`` returns the sort-key tuple of a row.
    """
    items = list(rows[: params.limit])
    next_cursor = encode_cursor(key(items[-1])) if len(rows) > params.limit and items else None
    return items, next_cursor
