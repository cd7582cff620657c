from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from projects_service.db import SCHEMA
from projects_service.funded_project.exceptions import (
    FundedProjectNotFound,
    MilestoneNotFound,
    ProjectCodeTaken,
)
from projects_service.funded_project.models import FundedProject, ProjectMilestone
from projects_service.funded_project.schemas import (
    FundedProjectCreate,
    FundedProjectUpdate,
    MilestoneCreate,
    MilestoneUpdate,
)
from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.corrections import WITHDRAWN, RecordWithdrawn, not_withdrawn
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows
from shared_kit.period_lock import assert_unlocked


async def create_project(
    session: AsyncSession, *, principal: Principal, data: FundedProjectCreate
) -> FundedProject:
    scope.check_write(principal, data.city)
    await assert_unlocked(session, schema=SCHEMA, records=[(data.city, data.approved_on)])
    project = FundedProject(**data.model_dump())
    session.add(project)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise ProjectCodeTaken(
            t(
                f"项目编号 {data.project_code!r} 已存在",
                f"project code {data.project_code!r} already exists",
            )
        ) from exc
    return project


async def get_project(
    session: AsyncSession, *, principal: Principal, project_id: uuid.UUID
) -> FundedProject:
    project = await session.get(FundedProject, project_id)
    if project is None or not scope.sees(principal, project.city):
        raise FundedProjectNotFound(
            t(f"没有立项项目 {project_id}", f"no funded project {project_id}")
        )
    return project


async def project_milestones(
    session: AsyncSession, *, project_id: uuid.UUID
) -> list[ProjectMilestone]:
    m = ProjectMilestone
    stmt = select(m).where(m.project_id == project_id).order_by(m.due_on, m.id)
    return list((await session.execute(stmt)).scalars().all())


async def update_project(
    session: AsyncSession, *, principal: Principal, project_id: uuid.UUID, data: FundedProjectUpdate
) -> FundedProject:
    project = await get_project(session, principal=principal, project_id=project_id)
    scope.check_write(principal, project.city)
    if project.status == WITHDRAWN:
        raise RecordWithdrawn(t("该项目已撤回，不能修改", "the project has been withdrawn"))
    before = (project.city, project.approved_on)
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(project, key, value)
    await assert_unlocked(
        session, schema=SCHEMA, records=[before, (project.city, project.approved_on)]
    )
    await session.flush()
    return project


async def list_projects(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    category: str | None = None,
    status: str | None = None,
    approved_from: date | None = None,
    approved_to: date | None = None,
) -> tuple[list[FundedProject], str | None]:
    p = FundedProject
    stmt = scope.where(select(p), principal, p.city, city=city)
    if category is not None:
        stmt = stmt.where(p.category == category)
    if status is not None:
        stmt = stmt.where(p.status == status)
    else:
        stmt = stmt.where(not_withdrawn(p.status))
    if approved_from is not None:
        stmt = stmt.where(p.approved_on >= approved_from)
    if approved_to is not None:
        stmt = stmt.where(p.approved_on <= approved_to)
    order: list[Any] = [p.approved_on, p.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.approved_on, r.id))


async def add_milestone(
    session: AsyncSession, *, principal: Principal, project_id: uuid.UUID, data: MilestoneCreate
) -> ProjectMilestone:
    project = await get_project(session, principal=principal, project_id=project_id)
    scope.check_write(principal, project.city)
    milestone = ProjectMilestone(project_id=project.id, **data.model_dump())
    session.add(milestone)
    await session.flush()
    return milestone


async def update_milestone(
    session: AsyncSession,
    *,
    principal: Principal,
    project_id: uuid.UUID,
    milestone_id: uuid.UUID,
    data: MilestoneUpdate,
) -> ProjectMilestone:
    project = await get_project(session, principal=principal, project_id=project_id)
    scope.check_write(principal, project.city)
    milestone = await session.get(ProjectMilestone, milestone_id)
    if milestone is None or milestone.project_id != project.id:
        raise MilestoneNotFound(
            t(
                f"项目 {project_id} 中没有节点 {milestone_id}",
                f"no milestone {milestone_id} in project {project_id}",
            )
        )
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(milestone, key, value)
    await session.flush()
    return milestone
