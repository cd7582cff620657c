"""A funded project as a correctable record (shared_kit.corrections).

The city bureau that recorded a project corrects what it wrote (name, field, lead
organisation, approval date, funding) and may withdraw a project recorded in error:
withdrawn is never counted. The project number, its category and its city are the
department's: a city bureau asks for those through a correction request.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from projects_service.funded_project.exceptions import FundedProjectNotFound
from projects_service.funded_project.models import FundedProject
from projects_service.funded_project.schemas import (
    Category,
    FundedProjectRead,
    Money,
    _not_future,
)
from shared_kit.codes import CityCode, Uscc
from shared_kit.corrections import Correctable, LockPoints
from shared_kit.patch import Patch


class ProjectChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Patch[Annotated[str, Field(min_length=1, max_length=300)]] = None
    field: Patch[Annotated[str, Field(min_length=1, max_length=100)]] = None
    lead_organisation_name: Patch[Annotated[str, Field(min_length=1, max_length=200)]] = None
    lead_organisation_uscc: Patch[Uscc] = None
    approved_on: Patch[date] = None
    funding_amount: Patch[Money] = None
    # The department's alone (a city bureau files a correction request).
    project_code: Patch[Annotated[str, Field(min_length=1, max_length=64)]] = None
    category: Patch[Category] = None
    city: Patch[CityCode] = None

    _past = field_validator("approved_on")(_not_future)


def _lock_points(p: FundedProject) -> LockPoints:
    return [(p.city, p.approved_on)]


PROJECTS = Correctable(
    kind="funded_project",
    model=FundedProject,
    read_model=FundedProjectRead,
    changes=ProjectChanges,
    not_found=FundedProjectNotFound,
    lock_points=_lock_points,
    department_only=frozenset({"project_code", "category", "city"}),
)
