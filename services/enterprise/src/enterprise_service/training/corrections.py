"""A 业务辅导班 session as a correctable record (shared_kit.corrections).

The city bureau that recorded a session corrects it (topic, date, attendees, organiser)
or withdraws one recorded in error: withdrawn is never counted. Its city is the
department's to change: a city bureau asks for it through a correction request.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from enterprise_service.common import PastDate
from enterprise_service.training.models import TrainingSession
from enterprise_service.training.schemas import TrainingSessionRead
from enterprise_service.training.service import TrainingSessionNotFound
from shared_kit.codes import CityCode
from shared_kit.corrections import Correctable, LockPoints
from shared_kit.patch import Patch


class SessionChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: Patch[Annotated[str, Field(min_length=1, max_length=300)]] = None
    held_on: Patch[PastDate] = None
    attendees: Patch[Annotated[int, Field(ge=0, le=100_000)]] = None
    organiser: Patch[Annotated[str, Field(max_length=200)]] = None
    # The department's alone (a city bureau files a correction request).
    city: Patch[CityCode] = None


def _lock_points(s: TrainingSession) -> LockPoints:
    return [(s.city, s.held_on)]


SESSIONS = Correctable(
    kind="training_session",
    model=TrainingSession,
    read_model=TrainingSessionRead,
    changes=SessionChanges,
    not_found=TrainingSessionNotFound,
    lock_points=_lock_points,
    department_only=frozenset({"city"}),
)
