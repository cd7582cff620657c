from __future__ import annotations

from enterprise_service.indicator.specs import SPECS
from shared_kit.indicator_router import indicators_router

router = indicators_router("enterprise", SPECS)
