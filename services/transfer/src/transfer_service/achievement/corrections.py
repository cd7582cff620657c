"""A registered S&T achievement as a correctable record (shared_kit.corrections).

The registering city bureau corrects what it registered (title, category, organisation,
date) and may withdraw a registration made in error: withdrawn is never counted. The
registration number and the city are the department's: a city bureau asks for those
through a correction request.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared_kit.codes import CityCode, Uscc
from shared_kit.corrections import Correctable, LockPoints
from shared_kit.patch import Patch
from transfer_service.achievement.exceptions import AchievementNotFound
from transfer_service.achievement.models import Achievement
from transfer_service.achievement.schemas import AchievementCategory, AchievementRead
from transfer_service.common import Name


class AchievementChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Patch[Annotated[str, Field(min_length=1, max_length=300)]] = None
    category: Patch[AchievementCategory] = None
    organisation_name: Patch[Name] = None
    organisation_uscc: Uscc | None = None
    registered_on: Patch[date] = None
    # The department's alone (a city bureau files a correction request).
    registration_no: Patch[
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{4,32}$")]
    ] = None
    city: Patch[CityCode] = None


def _lock_points(a: Achievement) -> LockPoints:
    return [(a.city, a.registered_on)]


ACHIEVEMENTS = Correctable(
    kind="achievement",
    model=Achievement,
    read_model=AchievementRead,
    changes=AchievementChanges,
    not_found=AchievementNotFound,
    lock_points=_lock_points,
    department_only=frozenset({"registration_no", "city"}),
)
