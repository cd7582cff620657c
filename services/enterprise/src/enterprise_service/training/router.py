from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from enterprise_service.common import CONFLICT, NOT_FOUND, Reader, Writer
from enterprise_service.db import CORRECTIONS
from enterprise_service.training import service
from enterprise_service.training.corrections import SESSIONS
from enterprise_service.training.models import TrainingSession
from enterprise_service.training.schemas import (
    TrainingSessionCancel,
    TrainingSessionCreate,
    TrainingSessionRead,
)
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(
    prefix="/training-sessions", tags=["training-sessions"], responses=PROBLEM_RESPONSES
)


@router.post("", status_code=201, response_model=TrainingSessionRead)
async def create_training_session(
    session: SessionDep, principal: Writer, body: TrainingSessionCreate
) -> TrainingSession:
    """Record a 业务辅导班 held in a city. Roles: admin, city_bureau (own city)."""
    return await service.create_session(session, principal=principal, data=body)


@router.get("/{session_id}", response_model=TrainingSessionRead, responses=NOT_FOUND)
async def get_training_session(
    session: SessionDep, principal: Reader, session_id: uuid.UUID
) -> TrainingSession:
    """One session. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_session(session, principal=principal, session_id=session_id)


@router.post("/{session_id}/cancel", response_model=TrainingSessionRead, responses=CONFLICT)
async def cancel_training_session(
    session: SessionDep, principal: Writer, session_id: uuid.UUID, body: TrainingSessionCancel
) -> TrainingSession:
    """Cancel a session: it never counts. Roles: admin, city_bureau (own city)."""
    return await service.cancel_session(
        session, principal=principal, session_id=session_id, data=body
    )


@router.get("", response_model=Page[TrainingSessionRead])
async def list_training_sessions(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    held_from: Annotated[date | None, Query()] = None,
    held_to: Annotated[date | None, Query()] = None,
) -> Page[TrainingSessionRead]:
    """Sessions by date. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_sessions(
        session, principal=principal, page=page, city=city, held_from=held_from, held_to=held_to
    )
    return Page[TrainingSessionRead](
        items=[TrainingSessionRead.model_validate(x) for x in items], next_cursor=cursor
    )


# Withdraw, correct, history and correction requests (shared_kit.corrections).
CORRECTIONS.record_routes(router, SESSIONS)
