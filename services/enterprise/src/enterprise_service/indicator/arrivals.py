"""The periodic datasets whose arrival reporting's completeness follows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from enterprise_service.zone.models import HitechZone, ZoneQuarterStat
from shared_kit.arrivals import arrivals_router


def zone_quarter_stats() -> Select[Any]:
    z, s = HitechZone, ZoneQuarterStat
    cols: list[Any] = [z.city, s.quarter_start.label("day"), s.created_at]
    return select(*cols).join(z, z.id == s.zone_id)


router = arrivals_router("enterprise", {"zone-quarter-stats": zone_quarter_stats})
