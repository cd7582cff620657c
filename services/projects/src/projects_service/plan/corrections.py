"""An action-plan programme (工程) as a correctable record (shared_kit.corrections).

Programmes are region-wide and the department's own: an admin renames one or withdraws
one entered in error (withdrawn is never counted in 行动方案布局工程数).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from projects_service.plan.exceptions import ProgramNotFound
from projects_service.plan.models import Program
from projects_service.plan.schemas import ProgramRead
from shared_kit.auth import Role
from shared_kit.corrections import Correctable
from shared_kit.patch import Patch


class ProgramChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Patch[Annotated[str, Field(min_length=1, max_length=200)]] = None


PROGRAMS = Correctable(
    kind="program",
    model=Program,
    read_model=ProgramRead,
    changes=ProgramChanges,
    not_found=ProgramNotFound,
    # No city: no city's period lock applies, and only the department writes it.
    lock_points=lambda p: [],
    writers=(Role.admin,),
    owner_city=lambda p: "",
    seen_by=lambda p: (None,),
)
