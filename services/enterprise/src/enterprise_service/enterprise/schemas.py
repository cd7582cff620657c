from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared_kit.codes import CityCode
from shared_kit.errors import FieldError
from shared_kit.i18n import t

# Checked in the service, not here: an admin may override a failing check digit.
UsccText = Annotated[str, Field(min_length=1, max_length=40)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Industry = Annotated[str, Field(min_length=1, max_length=100)]


def not_future(value: date | None) -> date | None:
    if value is not None and value > date.today():
        raise ValueError(t("日期不能晚于今天", "date is in the future"))
    return value


class EnterpriseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uscc: UsccText
    name: Name
    city: CityCode
    industry: Industry
    override_check: bool = Field(
        default=False,
        description="admin only: accept a legacy code whose check digit fails",
    )

    @field_validator("uscc")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return value.strip().upper()


class EnterpriseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    city: CityCode | None = None
    industry: Industry | None = None
    effective_on: date | None = Field(
        default=None, description="date the name/city change took effect; default today"
    )

    _effective = field_validator("effective_on")(not_future)

    @model_validator(mode="after")
    def _something(self) -> EnterpriseUpdate:
        if self.name is None and self.city is None and self.industry is None:
            raise ValueError(
                t(
                    "没有要修改的内容：请提供名称、地市或行业",
                    "nothing to change: give name, city or industry",
                )
            )
        return self


class EnterpriseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    uscc: str
    name: str
    city: str
    industry: str
    check_overridden: bool
    created_at: datetime
    updated_at: datetime


class EnterpriseChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    field: str
    old_value: str
    new_value: str
    changed_on: date
    recorded_at: datetime


class RegistryImportSummary(BaseModel):
    """What an import of the registry did, or would do (dry run)."""

    dry_run: bool
    rows: int = Field(description="data rows read (blank rows are skipped)")
    created: int = Field(description="new enterprises")
    updated: int = Field(description="registered enterprises whose name, city or industry changed")
    unchanged: int = Field(description="registered enterprises the file repeats as they are")
    changes: int = Field(description="dated name/city changes recorded in the history")
    failed: int = Field(description="rows with at least one error")
    by_city: dict[str, int] = Field(description="valid rows by city")
    ignored_columns: list[str] = Field(description="columns the import does not read")
    errors: list[FieldError] = Field(description="every failing row, in row order")
