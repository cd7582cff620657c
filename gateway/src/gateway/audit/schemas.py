from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    occurred_at: datetime
    client_id: str
    client_name: str = Field(description="the API key's name, the bank, or the user's name")
    client_kind: Literal["api_key", "bank_key", "user"]
    role: str
    city: str | None
    bank: str | None
    method: str
    path: str
    status: int
    request_id: str | None
    duration_ms: int


class CallerName(BaseModel):
    subject: str = Field(description="as services record it: key:…, user:…, bank-key:…")
    name: str
    kind: Literal["api_key", "bank_key", "user"]


class CallerNames(BaseModel):
    items: list[CallerName]
