"""City scoping shared by every module: a city bureau reads and writes its own city only."""

from __future__ import annotations

from shared_kit.auth import Principal
from shared_kit.errors import Forbidden


class CityNotAllowed(Forbidden):
    code = "city_not_allowed"
    title = "A city bureau may only write its own city's records"


def check_write_city(principal: Principal, city: str) -> None:
    own = principal.city_scope
    if own is not None and city != own:
        raise CityNotAllowed(f"this key may only write records of city {own}")


def sees(principal: Principal, *cities: str | None) -> bool:
    """Whether the principal may see a record attributed to any of ``cities``."""
    own = principal.city_scope
    return own is None or own in cities
