from __future__ import annotations

from shared_kit.indicator_router import indicators_router
from transfer_service.indicator.specs import SPECS

router = indicators_router("transfer", SPECS)
