from __future__ import annotations

from fastapi import APIRouter

from reporting_service.approval.router import router as approval_router
from reporting_service.completeness.router import router as completeness_router
from reporting_service.consolidated.router import router as consolidated_router
from reporting_service.narrative_template.router import router as narrative_router
from reporting_service.snapshot.router import router as snapshot_router
from reporting_service.trend.router import router as trend_router
from reporting_service.validation.router import router as validation_router

router = APIRouter(prefix="/v1")
router.include_router(consolidated_router)
router.include_router(snapshot_router)
router.include_router(narrative_router)
router.include_router(trend_router)
router.include_router(approval_router)
router.include_router(validation_router)
router.include_router(completeness_router)
