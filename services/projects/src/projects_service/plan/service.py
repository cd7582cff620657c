from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from projects_service.plan.exceptions import (
    ActionPlanNotFound,
    DuplicateName,
    ProgramNotFound,
    SpecialFieldNotFound,
    TaskNotFound,
)
from projects_service.plan.models import ActionPlan, ActionPlanTask, Program, SpecialField
from projects_service.plan.schemas import (
    ActionPlanCreate,
    ProgramCreate,
    SpecialFieldCreate,
    SpecialFieldUpdate,
    TaskCreate,
    TaskUpdate,
    completion_problem,
)
from shared_kit.corrections import not_withdrawn
from shared_kit.errors import FieldError, ValidationFailed
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows


async def _insert(session: AsyncSession, obj: Any, what: str) -> None:
    session.add(obj)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise DuplicateName(
            t(f"{what} {obj.name!r} 已存在", f"{what} {obj.name!r} already exists")
        ) from exc


async def create_plan(session: AsyncSession, *, data: ActionPlanCreate) -> ActionPlan:
    plan = ActionPlan(**data.model_dump())
    await _insert(session, plan, "action plan")
    return plan


async def get_plan(session: AsyncSession, *, plan_id: uuid.UUID) -> ActionPlan:
    plan = await session.get(ActionPlan, plan_id)
    if plan is None:
        raise ActionPlanNotFound(t(f"没有行动计划 {plan_id}", f"no action plan {plan_id}"))
    return plan


async def list_plans(
    session: AsyncSession, *, page: PageParams
) -> tuple[list[ActionPlan], str | None]:
    order: list[Any] = [ActionPlan.start_year, ActionPlan.id]
    rows = (await session.execute(keyset(select(ActionPlan), order, page))).scalars().all()
    return page_from_rows(rows, page, lambda p: (p.start_year, p.id))


async def create_program(session: AsyncSession, *, data: ProgramCreate) -> Program:
    await get_plan(session, plan_id=data.plan_id)
    program = Program(**data.model_dump())
    await _insert(session, program, "program")
    return program


async def list_programs(
    session: AsyncSession, *, page: PageParams, plan_id: uuid.UUID | None = None
) -> tuple[list[Program], str | None]:
    stmt = select(Program).where(not_withdrawn(Program.status))
    if plan_id is not None:
        stmt = stmt.where(Program.plan_id == plan_id)
    order: list[Any] = [Program.name, Program.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda p: (p.name, p.id))


def _raise_inconsistent(problem: str | None, field: str) -> None:
    if problem:
        raise ValidationFailed(
            problem,
            errors=[FieldError(field=field, code="completion_inconsistent", message=problem)],
        )


async def create_task(session: AsyncSession, *, data: TaskCreate) -> ActionPlanTask:
    if await session.get(Program, data.program_id) is None:
        raise ProgramNotFound(t(f"没有项目计划 {data.program_id}", f"no program {data.program_id}"))
    task = ActionPlanTask(**data.model_dump())
    session.add(task)
    await session.flush()
    return task


async def update_task(
    session: AsyncSession, *, task_id: uuid.UUID, data: TaskUpdate
) -> ActionPlanTask:
    task = await session.get(ActionPlanTask, task_id)
    if task is None:
        raise TaskNotFound(t(f"没有任务 {task_id}", f"no task {task_id}"))
    changes = data.model_dump(exclude_unset=True)
    # Leaving 'completed' clears the completion date unless the caller sets one.
    if changes.get("status") not in (None, "completed") and "completed_on" not in changes:
        changes["completed_on"] = None
    for key, value in changes.items():
        setattr(task, key, value)
    _raise_inconsistent(
        completion_problem(task.status, task.completed_on, "completed"), "body.completed_on"
    )
    await session.flush()
    return task


async def list_tasks(
    session: AsyncSession,
    *,
    page: PageParams,
    program_id: uuid.UUID | None = None,
    status: str | None = None,
) -> tuple[list[ActionPlanTask], str | None]:
    stmt = select(ActionPlanTask)
    if program_id is not None:
        stmt = stmt.where(ActionPlanTask.program_id == program_id)
    if status is not None:
        stmt = stmt.where(ActionPlanTask.status == status)
    order: list[Any] = [ActionPlanTask.due_on, ActionPlanTask.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda t: (t.due_on, t.id))


async def create_special_field(session: AsyncSession, *, data: SpecialFieldCreate) -> SpecialField:
    item = SpecialField(**data.model_dump())
    await _insert(session, item, "special field")
    return item


async def update_special_field(
    session: AsyncSession, *, field_id: uuid.UUID, data: SpecialFieldUpdate
) -> SpecialField:
    item = await session.get(SpecialField, field_id)
    if item is None:
        raise SpecialFieldNotFound(t(f"没有专项领域 {field_id}", f"no special field {field_id}"))
    changes = data.model_dump(exclude_unset=True)
    if changes.get("plan_status") not in (None, "completed") and "completed_on" not in changes:
        changes["completed_on"] = None
    for key, value in changes.items():
        setattr(item, key, value)
    _raise_inconsistent(
        completion_problem(item.plan_status, item.completed_on, "completed"), "body.completed_on"
    )
    await session.flush()
    return item


async def list_special_fields(
    session: AsyncSession, *, page: PageParams
) -> tuple[list[SpecialField], str | None]:
    order: list[Any] = [SpecialField.name, SpecialField.id]
    rows = (await session.execute(keyset(select(SpecialField), order, page))).scalars().all()
    return page_from_rows(rows, page, lambda f: (f.name, f.id))
