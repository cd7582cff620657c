"""Role sets for the talent endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared_kit.auth import Principal, Role, require_roles
from shared_kit.errors import Problem

# Department programmes (academician reserve, grants, nominations, experts,
# international talents) are run by the department itself.
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
# Records a city bureau keeps for its own city (people, commissioners).
CityWriter = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
# A conflict of interest is declared by the department, or sent by projects when an expert
# declares one in a review round (its own service principal).
ConflictWriter = Annotated[Principal, Depends(require_roles(Role.admin, Role.service))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": Problem}}
CONFLICT: dict[int | str, dict[str, object]] = {409: {"model": Problem}}
