from __future__ import annotations

from fastapi import APIRouter

from transfer_service.contract.router import router as contract_router
from transfer_service.indicator.router import router as indicator_router

router = APIRouter(prefix="/v1")
router.include_router(contract_router)
router.include_router(indicator_router)
