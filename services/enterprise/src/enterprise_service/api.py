from __future__ import annotations

from fastapi import APIRouter

from enterprise_service.bulk_import.router import catalogue as import_catalogue
from enterprise_service.bulk_import.router import router as import_router
from enterprise_service.db import CORRECTIONS, PERIOD_LOCKS
from enterprise_service.enterprise.router import router as enterprise_router
from enterprise_service.hte.router import router as hte_router
from enterprise_service.indicator.arrivals import router as arrivals_router
from enterprise_service.indicator.router import router as indicator_router
from enterprise_service.kcd.router import router as kcd_router
from enterprise_service.loan.bank_router import router as bank_router
from enterprise_service.loan.router import router as loan_router
from enterprise_service.partner.router import router as partner_router
from enterprise_service.rdsubsidy.router import router as rdsubsidy_router
from enterprise_service.techsme.router import router as techsme_router
from enterprise_service.training.router import router as training_router
from enterprise_service.voucher.router import providers as provider_router
from enterprise_service.voucher.router import router as voucher_router
from enterprise_service.zone.router import router as zone_router
from shared_kit.period_lock import period_locks_router

router = APIRouter(prefix="/v1")
for sub in (
    enterprise_router,
    techsme_router,
    hte_router,
    training_router,
    voucher_router,
    provider_router,
    partner_router,
    kcd_router,
    loan_router,
    bank_router,
    rdsubsidy_router,
    zone_router,
    import_catalogue,
    import_router,
    indicator_router,
):
    router.include_router(sub)
router.include_router(period_locks_router(PERIOD_LOCKS))
router.include_router(arrivals_router)
router.include_router(CORRECTIONS.requests_router())
