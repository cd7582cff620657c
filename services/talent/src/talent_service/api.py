from __future__ import annotations

from fastapi import APIRouter

from talent_service.commissioner.router import router as commissioner_router
from talent_service.indicator.router import router as indicator_router

router = APIRouter(prefix="/v1")
router.include_router(commissioner_router)
router.include_router(indicator_router)
