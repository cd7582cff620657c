from __future__ import annotations

from fastapi import FastAPI

from shared_kit.app import create_service_app
from transfer_service.api import router
from transfer_service.config import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        name="transfer", settings=settings or get_settings(), routers=[router]
    )
