from __future__ import annotations

from fastapi import FastAPI

from gateway.apikey.service import KeyVerifier
from gateway.bank.router import router as bank_router
from gateway.config import Settings, get_settings
from gateway.proxy.router import close_http_session, make_http_session
from gateway.proxy.router import router as proxy_router
from shared_kit.app import create_service_app
from shared_kit.auth import PrincipalSigner


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

    async def shutdown(app: FastAPI) -> None:
        await close_http_session(app.state.http)

    return create_service_app(
        name="gateway",
        settings=settings,
        routers=[proxy_router, bank_router],
        on_startup=[startup],
        on_shutdown=[shutdown],
    )
