from __future__ import annotations

import logging

from fastapi import FastAPI

from shared_kit.app import create_service_app
from talent_service.api import router
from talent_service.config import Settings, get_settings
from talent_service.person.crypto import PiiCipher

log = logging.getLogger("talent_service")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = create_service_app(name="talent", settings=settings, routers=[router])
    key = settings.pii_key_bytes()
    if key is None:
        log.warning("TALENT_PII_KEY is not set: ID numbers and phones cannot be stored or shown")
    app.state.pii_cipher = PiiCipher(key) if key else None
    return app
