"""The periodic datasets whose arrival reporting's completeness follows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from shared_kit.arrivals import arrivals_router
from transfer_service.contract.models import TechContract


def tech_contracts() -> Select[Any]:
    c = TechContract
    cols: list[Any] = [c.city, c.registered_on.label("day"), c.created_at]
    return select(*cols)


router = arrivals_router("transfer", {"tech-contracts": tech_contracts})
