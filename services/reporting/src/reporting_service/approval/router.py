from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from reporting_service.approval import service
from reporting_service.approval.exceptions import ServicePrincipalMissing
from reporting_service.approval.schemas import (
    ApprovalDetail,
    ApprovalRead,
    CommentBody,
    ReasonBody,
)
from reporting_service.clients.workstream import WorkstreamClient
from reporting_service.period.service import Period
from reporting_service.validation import service as validation_service
from shared_kit import scope
from shared_kit.auth import SERVICE_PRINCIPAL_HEADER, Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.i18n import t

router = APIRouter(prefix="/approvals", tags=["approvals"], responses=PROBLEM_RESPONSES)
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
Submitter = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
PeriodName = Annotated[str, Path(description="2023-H1, 2023-H2 or 2023")]
DECISION: dict[int | str, dict[str, object]] = {
    409: {"model": Problem, "description": "the state does not allow it"},
    503: {"model": Problem, "description": "a service could not take or release the lock"},
}


def _token(request: Request) -> str:
    token = request.headers.get(SERVICE_PRINCIPAL_HEADER)
    if not token:
        raise ServicePrincipalMissing(
            t(
                "请求未经网关转发，报表服务无法以自身身份通知各业务服务",
                "the request did not come through the gateway, so reporting cannot notify the "
                "services as itself",
            )
        )
    return token


def _clients(request: Request) -> dict[str, WorkstreamClient]:
    clients: dict[str, WorkstreamClient] = request.app.state.workstreams
    return clients


async def _heal(request: Request, session: SessionDep, period: str) -> None:
    """Reads forwarded by the gateway (reporting can speak as itself) heal leftovers."""
    token = request.headers.get(SERVICE_PRINCIPAL_HEADER)
    if token:
        await service.heal(session, clients=_clients(request), token=token, period=period)


async def _decide(
    request: Request,
    session: SessionDep,
    principal: Principal,
    period_name: str,
    city: str,
    action: str,
    comment: str | None = None,
) -> ApprovalRead:
    period = service.approval_period(period_name)
    return await service.transition(
        session,
        principal=principal,
        clients=_clients(request),
        maker=request.app.state.sessionmaker,
        token=_token(request),
        period=period,
        city=city,
        action=action,
        comment=comment,
    )


@router.get("", response_model=list[ApprovalRead])
async def list_approvals(
    request: Request,
    session: SessionDep,
    principal: Reader,
    period: Annotated[str, Query(description="2023-H1, 2023-H2 or 2023")],
) -> list[ApprovalRead]:
    """Every city's state for a period (open, submitted, returned, approved) with who and
    when. Roles: admin, analyst, service, city_bureau (own city only)."""
    p = service.approval_period(period)
    await _heal(request, session, p.name or period)
    return await service.list_approvals(session, principal=principal, period=p.name or period)


@router.get("/{period}/{city}", response_model=ApprovalDetail)
async def get_approval(
    request: Request, session: SessionDep, principal: Reader, period: PeriodName, city: CityCode
) -> ApprovalDetail:
    """A city's state for a period with its whole history (the audit of every step).
    Roles: admin, analyst, service, city_bureau (own city only)."""
    p = service.approval_period(period)
    await _heal(request, session, p.name or period)
    return await service.detail(session, principal=principal, period=p.name or period, city=city)


@router.post(
    "/{period}/{city}/submit",
    response_model=ApprovalRead,
    responses={**DECISION, 422: {"model": Problem, "description": "an error-level rule fails"}},
)
async def submit_approval(
    request: Request, session: SessionDep, principal: Submitter, period: PeriodName, city: CityCode
) -> ApprovalRead:
    """Declare the city's data for the period complete (上报): runs the validation rules
    (an error refuses, warnings are kept with the submission) and locks the period in every
    service. Roles: admin, city_bureau (own city only)."""
    scope.check_write(principal, city)
    p: Period = service.approval_period(period)
    service.check_allowed(
        "submit",
        await service.current_state(session, period=p.name or period, city=city),
        city=city,
        period=p.name or period,
    )
    warnings = await validation_service.for_submission(request, p, city)
    return await service.transition(
        session,
        principal=principal,
        clients=_clients(request),
        maker=request.app.state.sessionmaker,
        token=_token(request),
        period=p,
        city=city,
        action="submit",
        warnings=warnings,
    )


@router.post("/{period}/{city}/approve", response_model=ApprovalRead, responses=DECISION)
async def approve_approval(
    request: Request, session: SessionDep, principal: Admin, period: PeriodName, city: CityCode
) -> ApprovalRead:
    """Approve a submitted city's period (审核通过); it stays locked. Roles: admin."""
    return await _decide(request, session, principal, period, city, "approve")


@router.post("/{period}/{city}/return", response_model=ApprovalRead, responses=DECISION)
async def return_approval(
    request: Request,
    session: SessionDep,
    principal: Admin,
    period: PeriodName,
    city: CityCode,
    body: CommentBody,
) -> ApprovalRead:
    """Return a submitted city's period with a comment (退回); it opens for writes again.
    Roles: admin."""
    return await _decide(request, session, principal, period, city, "return", body.comment)


@router.post("/{period}/{city}/unlock", response_model=ApprovalRead, responses=DECISION)
async def unlock_approval(
    request: Request,
    session: SessionDep,
    principal: Admin,
    period: PeriodName,
    city: CityCode,
    body: ReasonBody,
) -> ApprovalRead:
    """Unlock an approved city's period with a reason (audited); it opens for writes again.
    Roles: admin."""
    return await _decide(request, session, principal, period, city, "unlock", body.reason)
