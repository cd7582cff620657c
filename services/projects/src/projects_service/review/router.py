"""揭榜挂帅 review rounds (admin) and the expert's own review desk (role expert)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from projects_service.clients.talent import TalentClient
from projects_service.review import service
from projects_service.review.models import ReviewDraw
from projects_service.review.schemas import (
    AssignmentRead,
    ConflictDeclaration,
    DecisionRequest,
    DemandProgress,
    DrawRead,
    DrawVerification,
    MyReview,
    ReplaceRequest,
    RoundCreate,
    RoundProgress,
    RoundRead,
    ScoreSubmission,
)
from shared_kit.auth import SERVICE_PRINCIPAL_HEADER, Principal, Role, require_roles
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem

router = APIRouter(prefix="/review-rounds", tags=["review-rounds"], responses=PROBLEM_RESPONSES)
expert_router = APIRouter(prefix="/my-reviews", tags=["my-reviews"], responses=PROBLEM_RESPONSES)

Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
Reader = Annotated[Principal, Depends(require_roles(Role.admin, Role.analyst))]
Expert = Annotated[Principal, Depends(require_roles(Role.expert))]
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": Problem}}
CONFLICT: dict[int | str, dict[str, object]] = {404: {"model": Problem}, 409: {"model": Problem}}


def _talent(request: Request) -> TalentClient:
    client: TalentClient = request.app.state.talent
    return client


def _own_token(request: Request) -> str | None:
    """Projects' own service principal, which the gateway adds to every request for it."""
    return request.headers.get(SERVICE_PRINCIPAL_HEADER)


@router.post("", status_code=201, response_model=RoundRead, responses=CONFLICT)
async def open_review_round(session: SessionDep, principal: Admin, body: RoundCreate) -> RoundRead:
    """Open a review round (论证遴选) over submitted demands with its rules; the demands move
    to under_review. Roles: admin."""
    return await service.open_round(session, principal=principal, data=body)


@router.get("", response_model=list[RoundRead])
async def list_review_rounds(session: SessionDep, principal: Reader) -> list[RoundRead]:
    """Every review round, newest first. Roles: admin, analyst."""
    return await service.list_rounds(session)


@router.get("/{round_id}", response_model=RoundRead, responses=NOT_FOUND)
async def get_review_round(
    session: SessionDep, principal: Reader, round_id: uuid.UUID
) -> RoundRead:
    """One round's rules, demands and seed. Roles: admin, analyst."""
    return await service.read_round(session, round_id=round_id)


@router.post(
    "/{round_id}/draw",
    response_model=list[AssignmentRead],
    responses={
        **CONFLICT,
        503: {"model": Problem, "description": "talent unavailable: nobody was drawn"},
    },
)
async def draw_reviewers(
    request: Request, session: SessionDep, principal: Admin, round_id: uuid.UUID
) -> list[AssignmentRead]:
    """Draw every demand's reviewers from talent's conflict-free experts (not the demanding
    organisation's, no declared conflict, not its city when the round says so, none past
    the round's cap), with a stored seed and pool. 503 ``talent_unavailable`` when talent
    fails: nothing is assigned. Roles: admin."""
    return await service.draw(
        session,
        principal=principal,
        round_id=round_id,
        talent=_talent(request),
        token=_own_token(request),
    )


@router.get("/{round_id}/draw/verify", response_model=DrawVerification, responses=CONFLICT)
async def verify_review_draw(
    session: SessionDep, principal: Reader, round_id: uuid.UUID
) -> DrawVerification:
    """Re-run every recorded draw from its stored seed and pool and compare with the
    experts actually assigned. Roles: admin, analyst."""
    return await service.verify(session, round_id=round_id)


@router.get("/{round_id}/draws", response_model=list[DrawRead], responses=NOT_FOUND)
async def list_review_draws(
    session: SessionDep, principal: Reader, round_id: uuid.UUID
) -> list[ReviewDraw]:
    """The draw record: the initial draw per demand and every re-draw (seed, pool, picked,
    whom it replaced and why). Roles: admin, analyst."""
    return await service.list_draws(session, round_id=round_id)


@router.get("/{round_id}/assignments", response_model=list[AssignmentRead], responses=NOT_FOUND)
async def list_review_assignments(
    session: SessionDep, principal: Reader, round_id: uuid.UUID
) -> list[AssignmentRead]:
    """Every assignment of the round, voided ones included. Roles: admin, analyst."""
    return await service.list_assignments(session, round_id=round_id)


@router.post(
    "/{round_id}/assignments/{assignment_id}/replace",
    response_model=AssignmentRead,
    responses=CONFLICT,
)
async def replace_reviewer(
    session: SessionDep,
    principal: Admin,
    round_id: uuid.UUID,
    assignment_id: uuid.UUID,
    body: ReplaceRequest,
) -> AssignmentRead:
    """Record a reviewer as declined or unreachable; a recorded re-draw replaces it.
    Roles: admin."""
    return await service.replace(
        session,
        principal=principal,
        round_id=round_id,
        assignment_id=assignment_id,
        status=body.reason,
        note=body.note,
    )


@router.get("/{round_id}/progress", response_model=RoundProgress, responses=NOT_FOUND)
async def get_review_progress(
    session: SessionDep, principal: Reader, round_id: uuid.UUID
) -> RoundProgress:
    """Per demand: reviewers, scores in, conflicts declared, weighted result and
    recommendation, decision. Roles: admin, analyst."""
    return await service.progress(session, round_id=round_id)


@router.post(
    "/{round_id}/demands/{demand_id}/decision",
    response_model=DemandProgress,
    responses={**CONFLICT, 422: {"model": Problem}},
)
async def decide_review_demand(
    session: SessionDep,
    principal: Admin,
    round_id: uuid.UUID,
    demand_id: uuid.UUID,
    body: DecisionRequest,
) -> DemandProgress:
    """Decide a fully scored demand: listed (张榜, with its terms) or rejected, through the
    demand workflow, citing the round and its weighted result. Roles: admin."""
    return await service.decide(
        session, principal=principal, round_id=round_id, demand_id=demand_id, data=body
    )


@expert_router.get("", response_model=list[MyReview])
async def list_my_reviews(session: SessionDep, principal: Expert) -> list[MyReview]:
    """The demands assigned to the calling expert, with criteria and its scores.
    Roles: expert."""
    return await service.my_reviews(session, principal=principal)


@expert_router.get("/{assignment_id}", response_model=MyReview, responses=NOT_FOUND)
async def get_my_review(
    session: SessionDep, principal: Expert, assignment_id: uuid.UUID
) -> MyReview:
    """One of the calling expert's assignments (anyone else's: 404). Roles: expert."""
    return await service.my_review(session, principal=principal, assignment_id=assignment_id)


@expert_router.put("/{assignment_id}/scores", response_model=MyReview, responses=CONFLICT)
async def submit_my_scores(
    session: SessionDep, principal: Expert, assignment_id: uuid.UUID, body: ScoreSubmission
) -> MyReview:
    """Score each criterion (0–100) with comments; may be resubmitted until the deadline or
    the decision. Roles: expert (own assignments only)."""
    return await service.submit_scores(
        session, principal=principal, assignment_id=assignment_id, data=body
    )


@expert_router.post("/{assignment_id}/conflict", response_model=AssignmentRead, responses=CONFLICT)
async def declare_my_conflict(
    request: Request,
    session: SessionDep,
    principal: Expert,
    assignment_id: uuid.UUID,
    body: ConflictDeclaration,
) -> AssignmentRead:
    """Declare a conflict of interest: the assignment is voided and a recorded re-draw
    replaces the expert; the conflict is recorded in talent's expert database too (now, or
    before the next draw when talent cannot take it now). Roles: expert (own assignments
    only)."""
    return await service.declare_conflict(
        session,
        principal=principal,
        assignment_id=assignment_id,
        reason=body.reason,
        talent=_talent(request),
        token=_own_token(request),
    )
