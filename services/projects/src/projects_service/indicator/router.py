from __future__ import annotations

from projects_service.indicator.specs import SPECS
from shared_kit.indicator_router import indicators_router

router = indicators_router("projects", SPECS)
