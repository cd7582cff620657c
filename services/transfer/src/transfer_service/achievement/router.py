from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params
from transfer_service.achievement import service
from transfer_service.achievement.corrections import ACHIEVEMENTS
from transfer_service.achievement.models import Achievement
from transfer_service.achievement.schemas import (
    AchievementCategory,
    AchievementCreate,
    AchievementRead,
)
from transfer_service.db import CORRECTIONS

router = APIRouter(prefix="/achievements", tags=["achievements"], responses=PROBLEM_RESPONSES)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]


@router.post(
    "", status_code=201, response_model=AchievementRead, responses={409: {"model": Problem}}
)
async def create_achievement(
    session: SessionDep, principal: Writer, body: AchievementCreate
) -> Achievement:
    """Register an S&T achievement (科技成果登记). Roles: admin, city_bureau (own city)."""
    return await service.create_achievement(session, principal=principal, data=body)


@router.get(
    "/{achievement_id}", response_model=AchievementRead, responses={404: {"model": Problem}}
)
async def get_achievement(
    session: SessionDep, principal: Reader, achievement_id: uuid.UUID
) -> Achievement:
    """One achievement. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_achievement(
        session, principal=principal, achievement_id=achievement_id
    )


@router.post(
    "/{achievement_id}/revoke",
    response_model=AchievementRead,
    responses={404: {"model": Problem}, 409: {"model": Problem}},
)
async def revoke_achievement(
    session: SessionDep, principal: Writer, achievement_id: uuid.UUID
) -> Achievement:
    """Revoke a registration; it stops counting. Roles: admin, city_bureau (own city)."""
    return await service.revoke_achievement(
        session, principal=principal, achievement_id=achievement_id
    )


@router.get("", response_model=Page[AchievementRead])
async def list_achievements(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    category: Annotated[AchievementCategory | None, Query()] = None,
    registered_from: Annotated[date | None, Query()] = None,
    registered_to: Annotated[date | None, Query()] = None,
) -> Page[AchievementRead]:
    """Achievements, oldest registration first. Roles: admin, analyst, service, city_bureau
    (own city)."""
    items, cursor = await service.list_achievements(
        session,
        principal=principal,
        page=page,
        city=city,
        category=category,
        registered_from=registered_from,
        registered_to=registered_to,
    )
    return Page[AchievementRead](
        items=[AchievementRead.model_validate(a) for a in items], next_cursor=cursor
    )


# Withdraw, correct, history and correction requests (shared_kit.corrections).
CORRECTIONS.record_routes(router, ACHIEVEMENTS)
