"""The periodic datasets whose arrival reporting's completeness follows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from shared_kit.arrivals import arrivals_router
from talent_service.commissioner.models import ServiceLog


def service_logs() -> Select[Any]:
    s = ServiceLog
    cols: list[Any] = [s.city, s.served_on.label("day"), s.created_at]
    return select(*cols)


router = arrivals_router("talent", {"commissioner-service-logs": service_logs})
