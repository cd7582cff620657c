"""City scoping shared by every module: a city bureau reads and writes its own city only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from shared_kit.auth import Principal
from shared_kit.errors import Forbidden


class CityNotAllowed(Forbidden):
    code = "city_not_allowed"
    title = "A city bureau may only write its own city's records"


def check_city(principal: Principal, city: str) -> None:
    """Writes naming another city are refused (403)."""
    own = principal.city_scope
    if own is not None and city != own:
        raise CityNotAllowed(f"this key may only write records of city {own}")


def visible(principal: Principal, city: str) -> bool:
    """Reads of another city's record answer like a missing one (404), so no existence leak."""
    own = principal.city_scope
    return own is None or city == own


def scoped(stmt: Select[Any], principal: Principal, city_column: Any) -> Select[Any]:
    own = principal.city_scope
    return stmt if own is None else stmt.where(city_column == own)
