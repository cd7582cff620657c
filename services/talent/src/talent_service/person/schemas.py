from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from shared_kit.codes import CityCode, Uscc
from shared_kit.i18n import t
from shared_kit.trimmed import TrimmedModel
from talent_service.person.identifiers import IdKind, normalise_id_number, normalise_phone

Phone = Annotated[str, Field(max_length=30), AfterValidator(normalise_phone)]


class PersonCreate(TrimmedModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    organisation: Annotated[str, Field(min_length=1, max_length=200)]
    organisation_uscc: Uscc | None = None
    city: CityCode
    field: Annotated[str, Field(min_length=1, max_length=100)]
    id_kind: IdKind | None = Field(default=None, description="required with id_number")
    id_number: Annotated[str | None, Field(max_length=30)] = None
    phone: Phone | None = None

    @field_validator("id_number")
    @classmethod
    def _valid_for_kind(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        # A bare number is a resident ID, the common case.
        return normalise_id_number(info.data.get("id_kind") or "resident_id", value)

    @model_validator(mode="after")
    def _kind_goes_with_number(self) -> PersonCreate:
        if self.id_number is None and self.id_kind is not None:
            raise ValueError(
                t("提供了 id_kind 却没有 id_number", "id_kind given without id_number")
            )
        if self.id_number is not None and self.id_kind is None:
            self.id_kind = "resident_id"
        return self


class PersonRead(BaseModel):
    """Identifiers are full for admins and masked (4501**********1234) for everyone else."""

    id: uuid.UUID
    name: str
    organisation: str
    organisation_uscc: str | None
    city: str
    field: str
    id_kind: str | None
    id_number: str | None
    phone: str | None
    identifiers_masked: bool
    created_at: datetime

    @classmethod
    def build(
        cls, person: Any, *, id_number: str | None, phone: str | None, masked: bool
    ) -> PersonRead:
        return cls(
            id=person.id,
            name=person.name,
            organisation=person.organisation,
            organisation_uscc=person.organisation_uscc,
            city=person.city,
            field=person.field,
            id_kind=person.id_kind,
            id_number=id_number,
            phone=phone,
            identifiers_masked=masked,
            created_at=person.created_at,
        )
