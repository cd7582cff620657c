from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared_kit.codes import Uscc
from shared_kit.trimmed import TrimmedModel
from talent_service.common_schemas import PastDate, Text100, Text200

ExpertStatus = Literal["active", "suspended", "retired", "revoked"]


# ``<service>:<record kind>:<uuid>``, e.g. projects:review-assignment:<id>.
SOURCE_REF = r"^[a-z]+:[a-z-]+:[0-9a-f-]{36}$"


class ConflictCreate(TrimmedModel):
    organisation_uscc: Uscc | None = None
    organisation_name: Text200
    declared_on: PastDate
    reason: Annotated[str, Field(max_length=2000)] = ""
    source_ref: Annotated[str | None, Field(max_length=100, pattern=SOURCE_REF)] = Field(
        default=None,
        description="set by a service sending a conflict declared there "
        "(projects: `projects:review-assignment:<id>`); sent again, the same record answers",
    )


class ConflictRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    expert_id: uuid.UUID
    organisation_uscc: str | None
    organisation_name: str
    declared_on: date
    reason: str
    source_ref: str | None


class ExpertCreate(TrimmedModel):
    person_id: uuid.UUID
    fields: Annotated[list[Text100], Field(min_length=1, max_length=20)]
    added_on: PastDate
    conflicts: Annotated[list[ConflictCreate], Field(default_factory=list, max_length=100)]


class ExpertUpdate(TrimmedModel):
    fields: Annotated[list[Text100] | None, Field(min_length=1, max_length=20)] = None
    status: ExpertStatus | None = None


class ExpertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    city: str
    fields: list[str]
    added_on: date
    status: str
    created_at: datetime


class EligibleExpert(BaseModel):
    """An active expert free of the review's conflicts, with what a panel needs to know."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    name: str
    organisation: str
    city: str
    fields: list[str]
