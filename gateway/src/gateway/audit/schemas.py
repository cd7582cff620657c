from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    occurred_at: datetime
    client_id: str
    role: str
    city: str | None
    bank: str | None
    method: str
    path: str
    status: int
    request_id: str | None
    duration_ms: int
