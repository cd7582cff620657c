from __future__ import annotations

from fastapi import FastAPI

from projects_service.api import router
from projects_service.clients.talent import TalentClient
from projects_service.config import Settings, get_settings
from shared_kit.app import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    async def startup(app: FastAPI) -> None:
        app.state.talent = TalentClient(
            settings.talent_url,
            deadline=settings.call_deadline_seconds,
            retries=settings.call_retries,
        )

    async def shutdown(app: FastAPI) -> None:
        await app.state.talent.aclose()

    return create_service_app(
        name="projects",
        settings=settings,
        routers=[router],
        on_startup=[startup],
        on_shutdown=[shutdown],
    )
