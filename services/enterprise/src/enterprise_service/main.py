from __future__ import annotations

from fastapi import FastAPI

from enterprise_service.api import router
from enterprise_service.config import Settings, get_settings
from shared_kit.app import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        name="enterprise", settings=settings or get_settings(), routers=[router]
    )
