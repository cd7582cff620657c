"""A 自治区重点实验室 application as a correctable record (shared_kit.corrections).

The city bureau that filed an application corrects it (lab, organisation, date) or
withdraws it with a reason: withdrawn is never counted. Its batch and city are the
department's: a city bureau asks for those through a correction request.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from projects_service.innovation_platform.exceptions import KeyLabApplicationNotFound
from projects_service.innovation_platform.models import KeyLabApplication
from projects_service.innovation_platform.schemas import KeyLabApplicationRead, Name, _not_future
from shared_kit.codes import CityCode, Uscc
from shared_kit.corrections import Correctable, LockPoints
from shared_kit.patch import Patch


class ApplicationChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lab_name: Patch[Annotated[str, Field(min_length=1, max_length=300)]] = None
    organisation_name: Patch[Name] = None
    organisation_uscc: Uscc | None = None
    submitted_on: Patch[date] = None
    # The department's alone (a city bureau files a correction request).
    batch_id: Patch[uuid.UUID] = None
    city: Patch[CityCode] = None

    _past = field_validator("submitted_on")(_not_future)


def _lock_points(a: KeyLabApplication) -> LockPoints:
    return [(a.city, a.submitted_on)]


APPLICATIONS = Correctable(
    kind="key_lab_application",
    model=KeyLabApplication,
    read_model=KeyLabApplicationRead,
    changes=ApplicationChanges,
    not_found=KeyLabApplicationNotFound,
    lock_points=_lock_points,
    department_only=frozenset({"batch_id", "city"}),
)
