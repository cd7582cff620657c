from __future__ import annotations

from fastapi import APIRouter

from enterprise_service.enterprise.router import router as enterprise_router
from enterprise_service.indicator.router import router as indicator_router
from enterprise_service.voucher.router import router as voucher_router

router = APIRouter(prefix="/v1")
router.include_router(enterprise_router)
router.include_router(voucher_router)
router.include_router(indicator_router)
