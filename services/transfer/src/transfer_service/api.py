from __future__ import annotations

from fastapi import APIRouter

from shared_kit.period_lock import period_locks_router
from transfer_service.achievement.router import router as achievement_router
from transfer_service.contract.import_router import catalogue as import_catalogue
from transfer_service.contract.import_router import router as import_router
from transfer_service.contract.router import router as contract_router
from transfer_service.db import CORRECTIONS, PERIOD_LOCKS
from transfer_service.indicator.arrivals import router as arrivals_router
from transfer_service.indicator.router import router as indicator_router
from transfer_service.institution.router import router as institution_router
from transfer_service.pilot.router import router as pilot_router
from transfer_service.recruitment.router import router as recruitment_router

router = APIRouter(prefix="/v1")
router.include_router(contract_router)
router.include_router(import_catalogue)
router.include_router(import_router)
router.include_router(institution_router)
router.include_router(achievement_router)
router.include_router(pilot_router)
router.include_router(recruitment_router)
router.include_router(indicator_router)
router.include_router(period_locks_router(PERIOD_LOCKS))
router.include_router(arrivals_router)
router.include_router(CORRECTIONS.requests_router())
