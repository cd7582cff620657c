from __future__ import annotations

from fastapi import APIRouter

from shared_kit.period_lock import period_locks_router
from talent_service.academician.router import router as academician_router
from talent_service.commissioner.router import imports_catalogue
from talent_service.commissioner.router import router as commissioner_router
from talent_service.db import CORRECTIONS, PERIOD_LOCKS
from talent_service.expert.router import router as expert_router
from talent_service.indicator.arrivals import router as arrivals_router
from talent_service.indicator.router import router as indicator_router
from talent_service.person.router import router as person_router
from talent_service.programme.router import router as programme_router

router = APIRouter(prefix="/v1")
router.include_router(person_router)
router.include_router(academician_router)
router.include_router(programme_router)
router.include_router(expert_router)
router.include_router(imports_catalogue)
router.include_router(commissioner_router)
router.include_router(indicator_router)
router.include_router(period_locks_router(PERIOD_LOCKS))
router.include_router(arrivals_router)
router.include_router(CORRECTIONS.requests_router())
