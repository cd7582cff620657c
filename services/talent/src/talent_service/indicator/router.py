from __future__ import annotations

from shared_kit.indicator_router import indicators_router
from talent_service.indicator.specs import SPECS

router = indicators_router("talent", SPECS)
