from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from projects_service.db import CORRECTIONS
from projects_service.plan import service
from projects_service.plan.corrections import PROGRAMS
from projects_service.plan.models import ActionPlan, ActionPlanTask, Program, SpecialField
from projects_service.plan.schemas import (
    ActionPlanCreate,
    ActionPlanRead,
    ProgramCreate,
    ProgramRead,
    SpecialFieldCreate,
    SpecialFieldRead,
    SpecialFieldUpdate,
    TaskCreate,
    TaskRead,
    TaskStatus,
    TaskUpdate,
)
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(tags=["action-plan"], responses=PROBLEM_RESPONSES)

# The plan is region-wide (no city): department staff write it, every internal role reads it.
Writer = Annotated[Principal, Depends(require_roles(Role.admin))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
Paging = Annotated[PageParams, Depends(page_params)]
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": Problem}}
DUPLICATE: dict[int | str, dict[str, object]] = {409: {"model": Problem}}


@router.post("/action-plans", status_code=201, response_model=ActionPlanRead, responses=DUPLICATE)
async def create_action_plan(
    session: SessionDep, principal: Writer, body: ActionPlanCreate
) -> ActionPlan:
    """Record an action plan and the years it covers. Roles: admin."""
    return await service.create_plan(session, data=body)


@router.get("/action-plans", response_model=Page[ActionPlanRead])
async def list_action_plans(
    session: SessionDep, principal: Reader, page: Paging
) -> Page[ActionPlanRead]:
    """Action plans by first year. Roles: admin, analyst, city_bureau, service."""
    items, cursor = await service.list_plans(session, page=page)
    return Page[ActionPlanRead](
        items=[ActionPlanRead.model_validate(i) for i in items], next_cursor=cursor
    )


@router.get("/action-plans/{plan_id}", response_model=ActionPlanRead, responses=NOT_FOUND)
async def get_action_plan(session: SessionDep, principal: Reader, plan_id: uuid.UUID) -> ActionPlan:
    """One action plan. Roles: admin, analyst, city_bureau, service."""
    return await service.get_plan(session, plan_id=plan_id)


@router.post(
    "/programs", status_code=201, response_model=ProgramRead, responses=NOT_FOUND | DUPLICATE
)
async def create_program(session: SessionDep, principal: Writer, body: ProgramCreate) -> Program:
    """Add a program (工程) to a plan. Roles: admin."""
    return await service.create_program(session, data=body)


@router.get("/programs", response_model=Page[ProgramRead])
async def list_programs(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    plan_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[ProgramRead]:
    """Programs by name. Roles: admin, analyst, city_bureau, service."""
    items, cursor = await service.list_programs(session, page=page, plan_id=plan_id)
    return Page[ProgramRead](
        items=[ProgramRead.model_validate(i) for i in items], next_cursor=cursor
    )


@router.post("/action-plan-tasks", status_code=201, response_model=TaskRead, responses=NOT_FOUND)
async def create_action_plan_task(
    session: SessionDep, principal: Writer, body: TaskCreate
) -> ActionPlanTask:
    """Add a key task to a program. Roles: admin."""
    return await service.create_task(session, data=body)


@router.patch("/action-plan-tasks/{task_id}", response_model=TaskRead, responses=NOT_FOUND)
async def update_action_plan_task(
    session: SessionDep, principal: Writer, task_id: uuid.UUID, body: TaskUpdate
) -> ActionPlanTask:
    """Change a task (e.g. mark it completed with completed_on). Roles: admin."""
    return await service.update_task(session, task_id=task_id, data=body)


@router.get("/action-plan-tasks", response_model=Page[TaskRead])
async def list_action_plan_tasks(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    program_id: Annotated[uuid.UUID | None, Query()] = None,
    status: Annotated[TaskStatus | None, Query()] = None,
) -> Page[TaskRead]:
    """Tasks by due date. Roles: admin, analyst, city_bureau, service."""
    items, cursor = await service.list_tasks(
        session, page=page, program_id=program_id, status=status
    )
    return Page[TaskRead](items=[TaskRead.model_validate(i) for i in items], next_cursor=cursor)


@router.post(
    "/special-fields", status_code=201, response_model=SpecialFieldRead, responses=DUPLICATE
)
async def create_special_field(
    session: SessionDep, principal: Writer, body: SpecialFieldCreate
) -> SpecialField:
    """Record a 科技重大专项 field and its implementation-plan status. Roles: admin."""
    return await service.create_special_field(session, data=body)


@router.patch("/special-fields/{field_id}", response_model=SpecialFieldRead, responses=NOT_FOUND)
async def update_special_field(
    session: SessionDep, principal: Writer, field_id: uuid.UUID, body: SpecialFieldUpdate
) -> SpecialField:
    """Change a field's plan status (completed needs completed_on). Roles: admin."""
    return await service.update_special_field(session, field_id=field_id, data=body)


@router.get("/special-fields", response_model=Page[SpecialFieldRead])
async def list_special_fields(
    session: SessionDep, principal: Reader, page: Paging
) -> Page[SpecialFieldRead]:
    """Special-project fields by name. Roles: admin, analyst, city_bureau, service."""
    items, cursor = await service.list_special_fields(session, page=page)
    return Page[SpecialFieldRead](
        items=[SpecialFieldRead.model_validate(i) for i in items], next_cursor=cursor
    )


# Withdraw, correct and history of a programme (shared_kit.corrections); admin only.
CORRECTIONS.record_routes(router, PROGRAMS, prefix="/programs")
