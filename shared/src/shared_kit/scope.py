"""City scoping: the one place that decides which cities' records a caller may touch.

Region-wide roles (admin, analyst, and the service role other services call with)
see every city. A city bureau reads and writes only its own city: another city's
record answers exactly like a missing one (404, no existence leak), a list holds
only its own city's rows, and a write naming another city is refused with
:class:`CityNotAllowed` (403 ``city_not_allowed``). A bank sees no city's records:
its data is its own bank's, reached through the bank interface, so any city
scoping asked of it fails closed.

Services never read the principal's city themselves; ``tests/platform/
test_scope_authority.py`` fails when one does (see ``devstack.scope_lint``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, false, or_

from shared_kit.auth import Principal, Role
from shared_kit.codes import GUANGXI_CITIES
from shared_kit.errors import Forbidden
from shared_kit.i18n import t

S = TypeVar("S", bound=Select[Any])


class CityNotAllowed(Forbidden):
    code = "city_not_allowed"
    title = t("市级科技局只能写入本市的记录", "A city bureau may write only its own city's records")


def _name(city: str) -> str:
    return f"{GUANGXI_CITIES.get(city, city)}（{city}）"


def visible_cities(principal: Principal) -> frozenset[str] | None:
    """The cities whose records the principal may see; None means every city."""
    if principal.role is Role.city_bureau:
        # The verifier refuses a city bureau without its city; this keeps it closed anyway.
        return frozenset((principal.city,)) if principal.city else frozenset()
    if principal.role in (Role.bank, Role.expert):
        # A bank's data is its own bank's, an expert's its own assignments: no city's records.
        return frozenset()
    return None


def own_city(principal: Principal) -> str | None:
    """The one city the principal is confined to, or None for a region-wide role.

    A principal that may see no city (a bank) is refused here, so code that asks
    which city to confine it to cannot mistake it for a region-wide one.
    """
    cities = visible_cities(principal)
    if cities is None:
        return None
    if len(cities) != 1:
        raise Forbidden(
            t("该角色不能访问按地市划分的记录", "this role may not read city-scoped records")
        )
    return next(iter(cities))


def sees(principal: Principal, *cities: str | None) -> bool:
    """Whether the principal may see a record attributed to any of ``cities``."""
    visible = visible_cities(principal)
    return visible is None or any(c in visible for c in cities if c is not None)


def where(stmt: S, principal: Principal, *columns: Any, city: str | None = None) -> S:
    """Restrict a select to the rows the principal may see.

    A row is visible when any of ``columns`` holds a visible city (a contract is
    its seller's and its buyer's as well as its own). ``city`` is the caller's own
    filter on the first column; for a city bureau naming another city it simply
    matches nothing, as any filter would.
    """
    visible = visible_cities(principal)
    if visible is not None:
        if not visible:
            stmt = stmt.where(false())
        else:
            (own,) = visible
            stmt = stmt.where(or_(*(column == own for column in columns)))
    if city is not None:
        stmt = stmt.where(columns[0] == city)
    return stmt


def check_write(principal: Principal, city: str) -> None:
    """Refuse (403 ``city_not_allowed``) a write that names a city the principal may not write."""
    visible = visible_cities(principal)
    if visible is None or city in visible:
        return
    if visible:
        (own,) = visible
        raise CityNotAllowed(
            t(
                f"本账号只能写入{_name(own)}的记录，不能写入{_name(city)}的记录",
                f"this account may write only records of {own}, not of {city}",
            )
        )
    raise CityNotAllowed(
        t("该角色不能写入按地市划分的记录", "this role may not write city-scoped records")
    )


def read_city(principal: Principal, city: str | None) -> str | None:
    """The city a figure or report is computed for, given the one asked for.

    A region-wide caller gets what it asked (None: the whole region). A city
    bureau always gets its own city; asking for another is refused (403
    ``forbidden``, the code these endpoints have always answered).
    """
    own = own_city(principal)
    if own is None:
        return city
    if city not in (None, own):
        raise Forbidden(
            t(f"本账号只能查看{_name(own)}的数据", f"this account may read only the data of {own}")
        )
    return own
