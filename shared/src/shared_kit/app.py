"""The application factory every service uses: plumbing only, no business rules."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.routing import APIRoute
from sqlalchemy import text
from starlette.responses import Response

from shared_kit.auth import PrincipalVerifier
from shared_kit.db import ReadConn, make_engine, make_read_pool, make_sessionmaker
from shared_kit.errors import (
    DATABASE_RETRY_AFTER_SECONDS,
    install_error_handlers,
    problem_response,
)
from shared_kit.i18n import t
from shared_kit.input_guard import InputGuardMiddleware
from shared_kit.logging import configure_logging
from shared_kit.metrics import DATABASE_UP, exposition
from shared_kit.middleware import RequestContextMiddleware
from shared_kit.openapi import describe_problems
from shared_kit.routing import MethodGuardMiddleware, route_directly
from shared_kit.settings import ServiceSettings
from shared_kit.strict_input import strict_input
from shared_kit.telemetry import configure_tracing, instrument_app, shutdown_tracing

Hook = Callable[[FastAPI], Awaitable[None]]


def _operation_id(route: APIRoute) -> str:
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def create_service_app(
    *,
    name: str,
    settings: ServiceSettings,
    routers: Sequence[APIRouter],
    version: str = "0.1.0",
    uses_database: bool = True,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    openapi_url: str | None = "/openapi.json",
    docs_url: str | None = "/docs",
    guard_bodies: bool = True,
) -> FastAPI:
    """Build a service: logging, request context, problems, health, metrics, DB, principal.

    ``openapi_url``/``docs_url`` None turn off FastAPI's own document and Swagger UI
    (the gateway serves a merged document there instead). ``guard_bodies`` False
    leaves request bodies unscanned for NUL characters (the gateway: services check).
    """
    configure_logging(name, settings.log_level, settings.log_json)
    configure_tracing(name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if uses_database:
            engine = make_engine(
                settings.dsn,
                pool_size=settings.db_pool_size,
                max_overflow=settings.db_max_overflow,
                statement_timeout_ms=settings.db_statement_timeout_ms,
                application_name=name,
            )
            app.state.engine = engine
            app.state.sessionmaker = make_sessionmaker(engine)
            app.state.read_pool = await make_read_pool(
                settings.dsn,
                max_size=settings.db_pool_size,
                statement_timeout_ms=settings.db_statement_timeout_ms,
                application_name=name,
            )
            app.state.read_conn = ReadConn(app.state.read_pool)
        app.state.principal_verifier = PrincipalVerifier(
            settings.principal_public_key_pem(),
            issuer=settings.principal_issuer,
            audience=settings.principal_audience,
        )
        for hook in on_startup:
            await hook(app)
        try:
            yield
        finally:
            for hook in on_shutdown:
                await hook(app)
            if uses_database:
                await app.state.read_pool.close()
                await app.state.engine.dispose()
            shutdown_tracing()

    app = FastAPI(
        title=name,
        version=version,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        openapi_url=openapi_url,
        docs_url=docs_url,
        redoc_url="/redoc" if docs_url else None,
        dependencies=[Depends(strict_input)],
        # Traces are shared_kit.telemetry's; FastAPI's own would walk the middleware
        # stack on every request only to find OpenTelemetry's there.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(MethodGuardMiddleware)
    app.add_middleware(InputGuardMiddleware, check_bodies=guard_bodies)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(health_router(uses_database))
    for router in routers:
        app.include_router(router)
    describe_problems(app)
    route_directly(app)
    instrument_app(app)
    return app


async def database_failure(app: FastAPI) -> str | None:
    """None when the database answers within a second on both pools, else why not."""
    state = app.state
    try:
        async with asyncio.timeout(1.0):
            async with state.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            # The fast read path has its own pool: it must be able to reconnect too.
            async with state.read_pool.acquire() as raw:
                await raw.fetchval("SELECT 1")
    except Exception as exc:
        return type(exc).__name__
    return None


def health_router(uses_database: bool) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Any:
        """Readiness: the database answers within a second, on both connection pools."""
        if not uses_database:
            return {"status": "ok"}
        failure = await database_failure(request.app)
        if failure is not None:
            return problem_response(
                503,
                "database_unavailable",
                t("数据库暂不可用", "Database unavailable"),
                detail=t(f"数据库无响应（{failure}）", f"the database does not answer ({failure})"),
                instance="/readyz",
                headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
            )
        return {"status": "ok", "database": "ok"}

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        """Prometheus exposition (OpenMetrics with exemplars when asked for)."""
        if uses_database:
            DATABASE_UP.set(0 if await database_failure(request.app) else 1)
        body, content_type = exposition(request.headers.get("accept"))
        return Response(body, media_type=content_type)

    return router
