from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from projects_service.db import CORRECTIONS
from projects_service.funded_project import service
from projects_service.funded_project.corrections import PROJECTS
from projects_service.funded_project.models import FundedProject, ProjectMilestone
from projects_service.funded_project.schemas import (
    Category,
    FundedProjectCreate,
    FundedProjectDetail,
    FundedProjectRead,
    FundedProjectUpdate,
    MilestoneCreate,
    MilestoneRead,
    MilestoneUpdate,
    ProjectStatusFilter,
)
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/funded-projects", tags=["funded-projects"], responses=PROBLEM_RESPONSES)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": Problem}}


@router.post(
    "", status_code=201, response_model=FundedProjectRead, responses={409: {"model": Problem}}
)
async def create_funded_project(
    session: SessionDep, principal: Writer, body: FundedProjectCreate
) -> FundedProject:
    """Record a funded project. Roles: admin, city_bureau (own city)."""
    return await service.create_project(session, principal=principal, data=body)


@router.get("", response_model=Page[FundedProjectRead])
async def list_funded_projects(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    category: Annotated[Category | None, Query()] = None,
    status: Annotated[ProjectStatusFilter | None, Query()] = None,
    approved_from: Annotated[date | None, Query()] = None,
    approved_to: Annotated[date | None, Query()] = None,
) -> Page[FundedProjectRead]:
    """Funded projects by approval date. Roles: admin, analyst, service, city_bureau (own)."""
    items, cursor = await service.list_projects(
        session,
        principal=principal,
        page=page,
        city=city,
        category=category,
        status=status,
        approved_from=approved_from,
        approved_to=approved_to,
    )
    return Page[FundedProjectRead](
        items=[FundedProjectRead.model_validate(i) for i in items], next_cursor=cursor
    )


@router.get("/{project_id}", response_model=FundedProjectDetail, responses=NOT_FOUND)
async def get_funded_project(
    session: SessionDep, principal: Reader, project_id: uuid.UUID
) -> FundedProjectDetail:
    """One project with its milestones. Roles: admin, analyst, service, city_bureau (own)."""
    project = await service.get_project(session, principal=principal, project_id=project_id)
    milestones = await service.project_milestones(session, project_id=project.id)
    return FundedProjectDetail.model_validate(
        {
            **FundedProjectRead.model_validate(project).model_dump(),
            "milestones": [MilestoneRead.model_validate(m) for m in milestones],
        }
    )


@router.patch("/{project_id}", response_model=FundedProjectRead, responses=NOT_FOUND)
async def update_funded_project(
    session: SessionDep, principal: Writer, project_id: uuid.UUID, body: FundedProjectUpdate
) -> FundedProject:
    """Change a project (e.g. status cancelled). Roles: admin, city_bureau (own city)."""
    return await service.update_project(
        session, principal=principal, project_id=project_id, data=body
    )


@router.post(
    "/{project_id}/milestones",
    status_code=201,
    response_model=MilestoneRead,
    responses=NOT_FOUND,
)
async def create_project_milestone(
    session: SessionDep, principal: Writer, project_id: uuid.UUID, body: MilestoneCreate
) -> ProjectMilestone:
    """Add a milestone to a project. Roles: admin, city_bureau (own city)."""
    return await service.add_milestone(
        session, principal=principal, project_id=project_id, data=body
    )


@router.patch(
    "/{project_id}/milestones/{milestone_id}", response_model=MilestoneRead, responses=NOT_FOUND
)
async def update_project_milestone(
    session: SessionDep,
    principal: Writer,
    project_id: uuid.UUID,
    milestone_id: uuid.UUID,
    body: MilestoneUpdate,
) -> ProjectMilestone:
    """Record a milestone's done date or move its due date. Roles: admin, city_bureau (own)."""
    return await service.update_milestone(
        session, principal=principal, project_id=project_id, milestone_id=milestone_id, data=body
    )


# Withdraw, correct, history and correction requests (shared_kit.corrections).
CORRECTIONS.record_routes(router, PROJECTS)
