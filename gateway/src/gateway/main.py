from __future__ import annotations

import logging

import orjson
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from gateway.apidoc.router import router as apidoc_router
from gateway.apidoc.service import ApiDocument
from gateway.apikey.service import KeyVerifier
from gateway.audit.router import router as audit_router
from gateway.bank.router import router as bank_router
from gateway.config import Settings, get_settings
from gateway.identity.bearer import (
    BearerAuthenticator,
    ClaimRules,
    KeySource,
    RemoteKeySource,
    parse_key_set,
)
from gateway.identity.dev import DevIssuer
from gateway.identity.router import me_router
from gateway.identity.router import router as dev_router
from gateway.limit.ratelimit import make_limiter
from gateway.proxy.router import close_http_session, make_http_session
from gateway.proxy.router import router as proxy_router
from gateway.web.router import router as web_router
from shared_kit.app import create_service_app
from shared_kit.auth import PrincipalSigner

log = logging.getLogger("gateway")


def trusted_issuers(settings: Settings, app: FastAPI) -> dict[str, KeySource]:
    """Issuer → its key set: the configured identity provider, and the dev issuer if on."""
    issuers: dict[str, KeySource] = {}
    if settings.jwks_url or settings.jwks_json:
        if not settings.jwt_issuer:
            raise RuntimeError("GATEWAY_JWT_ISSUER must be set with GATEWAY_JWKS_URL/JSON")
        if settings.jwks_json:
            issuers[settings.jwt_issuer] = KeySource(
                parse_key_set(orjson.loads(settings.jwks_json))
            )
        else:
            issuers[settings.jwt_issuer] = RemoteKeySource(
                settings.jwks_url,
                app.state.http,
                cache_seconds=settings.jwks_cache_seconds,
                min_refresh_seconds=settings.jwks_min_refresh_seconds,
            )
    if settings.dev_issuer:
        issuers[settings.dev_issuer_name] = app.state.dev_issuer.key_source()
    return issuers


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    async def startup(app: FastAPI) -> None:
        app.state.signer = PrincipalSigner(
            settings.private_key_pem(),
            issuer=settings.principal_issuer,
            audience=settings.principal_audience,
            ttl_seconds=settings.principal_ttl_seconds,
        )
        app.state.key_verifier = KeyVerifier(app.state.engine, ttl=settings.api_key_cache_seconds)
        app.state.upstreams = settings.upstreams()
        app.state.http = make_http_session(settings)
        app.state.limiter, app.state.limit_pool = await make_limiter(
            settings.rate_limit_store,
            settings.dsn,
            settings.rate_limit_per_second,
            settings.rate_limit_burst,
            pool_size=settings.db_pool_size,
        )
        app.state.bearer = BearerAuthenticator(
            trusted_issuers(settings, app),
            ClaimRules(
                audience=settings.jwt_audience,
                leeway=settings.jwt_leeway_seconds,
                algorithms=frozenset(settings.jwt_algorithm_list()),
                roles_claim=settings.jwt_roles_claim,
                city_claim=settings.jwt_city_claim,
            ),
        )
        app.state.api_document = ApiDocument(
            app.state.upstreams,
            app.state.http,
            app.openapi,
            cache_seconds=settings.openapi_cache_seconds,
            timeout_seconds=settings.openapi_fetch_timeout_seconds,
        )

    async def shutdown(app: FastAPI) -> None:
        await close_http_session(app.state.http)
        if app.state.limit_pool is not None:
            await app.state.limit_pool.close()

    routers = [proxy_router, bank_router, audit_router, me_router, apidoc_router, web_router]
    if settings.dev_issuer:
        routers.append(dev_router)
    app = create_service_app(
        name="gateway",
        settings=settings,
        routers=routers,
        on_startup=[startup],
        on_shutdown=[shutdown],
        openapi_url=None,
        docs_url=None,
        # Bodies are proxied as they come; the services refuse NUL characters in them.
        guard_bodies=False,
    )
    if settings.dev_issuer:
        log.warning("development token issuer is ON: POST /dev/token mints any role")
        app.state.dev_issuer = DevIssuer(
            issuer=settings.dev_issuer_name,
            audience=settings.jwt_audience,
            ttl_seconds=settings.dev_token_ttl_seconds,
        )
    origins = settings.cors_origin_list()
    if origins:
        # Outermost, so preflights are answered before authentication.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "X-API-Key",
                "Idempotency-Key",
                "X-Request-ID",
                "Traceparent",
            ],
            expose_headers=["X-Request-ID", "Retry-After", "Location"],
            max_age=600,
        )
    return app
