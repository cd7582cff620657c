from __future__ import annotations

from fastapi import FastAPI

from reporting_service.api import router
from reporting_service.clients.workstream import WorkstreamClient
from reporting_service.config import Settings, get_settings
from reporting_service.consolidated.cache import ReportCache
from shared_kit.app import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    async def startup(app: FastAPI) -> None:
        app.state.report_cache = ReportCache()
        app.state.workstreams = {
            name: WorkstreamClient(
                name,
                url,
                deadline=settings.call_deadline_seconds,
                retries=settings.call_retries,
            )
            for name, url in settings.service_urls().items()
        }

    async def shutdown(app: FastAPI) -> None:
        for client in app.state.workstreams.values():
            await client.aclose()

    return create_service_app(
        name="reporting",
        settings=settings,
        routers=[router],
        on_startup=[startup],
        on_shutdown=[shutdown],
    )
