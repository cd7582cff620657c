"""The raw baseline of docs/performance.md: Starlette + an asyncpg pool + orjson.

Serves ``GET /challenge-demands/{id}`` from the projects table, nothing else.
Run by bench/http_paths.py with ``RAW_DSN`` set; started with uvicorn --factory.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create_app() -> Starlette:
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(os.environ["RAW_DSN"], min_size=4, max_size=10)
        yield
        await state["pool"].close()

    async def get_demand(request: Request) -> Response:
        demand_id = uuid.UUID(request.path_params["id"])
        async with state["pool"].acquire() as conn:
            row = await conn.fetchrow(
                "SELECT * FROM projects.challenge_demands WHERE id = $1", demand_id
            )
        if row is None:
            return Response(b'{"code":"not_found"}', status_code=404)
        return Response(orjson.dumps(dict(row), default=str), media_type="application/json")

    return Starlette(routes=[Route("/challenge-demands/{id}", get_demand)], lifespan=lifespan)
