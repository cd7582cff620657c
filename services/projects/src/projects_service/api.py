from __future__ import annotations

from fastapi import APIRouter

from projects_service.bulk_import.router import catalogue as import_catalogue
from projects_service.bulk_import.router import router as import_router
from projects_service.challenge.router import list_router as challenge_list_router
from projects_service.challenge.router import router as challenge_router
from projects_service.db import CORRECTIONS, PERIOD_LOCKS
from projects_service.funded_project.router import router as funded_project_router
from projects_service.indicator.router import router as indicator_router
from projects_service.innovation_platform.router import router as platform_router
from projects_service.plan.router import router as plan_router
from projects_service.review.router import expert_router as my_reviews_router
from projects_service.review.router import router as review_router
from shared_kit.period_lock import period_locks_router

router = APIRouter(prefix="/v1")
router.include_router(challenge_router)
router.include_router(challenge_list_router)
router.include_router(plan_router)
router.include_router(funded_project_router)
router.include_router(platform_router)
router.include_router(import_catalogue)
router.include_router(import_router)
router.include_router(indicator_router)
router.include_router(review_router)
router.include_router(my_reviews_router)
router.include_router(period_locks_router(PERIOD_LOCKS))
router.include_router(CORRECTIONS.requests_router())
