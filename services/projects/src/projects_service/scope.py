"""City scoping shared by every resource of the service.

A city bureau reads and writes only its own city's records: another city's record
answers exactly like a missing one (404, no existence leak), and a write naming
another city is refused (403).
"""

from __future__ import annotations

from typing import Any

from shared_kit.auth import Principal
from shared_kit.errors import Forbidden


class CityNotAllowed(Forbidden):
    code = "city_not_allowed"
    title = "A city bureau may only write its own city's records"


def visible(principal: Principal, city: str) -> bool:
    own = principal.city_scope
    return own is None or own == city


def ensure_writable(principal: Principal, city: str) -> None:
    own = principal.city_scope
    if own is not None and city != own:
        raise CityNotAllowed(f"this key may only write records of city {own}")


def scoped(stmt: Any, column: Any, principal: Principal, city: str | None) -> Any:
    """Restrict a select to the principal's city and an optional requested city."""
    own = principal.city_scope
    if own is not None:
        stmt = stmt.where(column == own)
    if city is not None:
        stmt = stmt.where(column == city)
    return stmt
