from __future__ import annotations

from fastapi import APIRouter

from reporting_service.consolidated.router import router as consolidated_router

router = APIRouter(prefix="/v1")
router.include_router(consolidated_router)
