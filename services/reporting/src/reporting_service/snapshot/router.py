from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from reporting_service.approval import service as approval_service
from reporting_service.consolidated.dependencies import live_report
from reporting_service.consolidated.router import UNAVAILABLE
from reporting_service.export.formats import (
    FORMATS,
    RenderOptions,
    content_disposition,
    period_key,
)
from reporting_service.narrative_template.dependencies import attach_draft
from reporting_service.period.service import Period, resolve_period
from reporting_service.snapshot import service
from reporting_service.snapshot.models import PublishedReport
from reporting_service.snapshot.schemas import (
    PublishedFileRead,
    PublishedReportDetail,
    PublishedReportRead,
    PublishRequest,
    ReportDiff,
)
from shared_kit import scope
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(
    prefix="/reports/published", tags=["published-reports"], responses=PROBLEM_RESPONSES
)
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
Reader = Annotated[Principal, Depends(require_roles(Role.admin, Role.analyst, Role.service))]
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": Problem}}


def _read(row: PublishedReport, files: list[PublishedFileRead]) -> PublishedReportRead:
    out = PublishedReportRead.model_validate(row)
    out.files = files
    return out


def _files(files: list[object]) -> list[PublishedFileRead]:
    return [PublishedFileRead.model_validate(f, from_attributes=True) for f in files]


@router.post(
    "",
    status_code=201,
    response_model=PublishedReportRead,
    responses={**UNAVAILABLE, 409: {"model": Problem}},
)
async def publish_report(
    request: Request, session: SessionDep, principal: Admin, body: PublishRequest
) -> PublishedReportRead:
    """Freeze a period's report with its Markdown, DOCX, XLSX and PDF, its text (the latest
    edited draft unless ``narrative`` is ``generated``) and a content hash
    (503 pdf_renderer_unavailable without LibreOffice: nothing is published then).
    Every city it covers must be approved, or ``approval_override`` says why not (kept
    in the snapshot with each city's state). Roles: admin."""
    period: Period = resolve_period(body.period, body.from_, body.to)
    city = scope.read_city(principal, body.city)
    report = await live_report(request, period, city)
    report.approvals = await approval_service.report_approvals(session, period=period, city=city)
    report = await attach_draft(session, report, body.narrative)
    options = RenderOptions.from_settings(request.app.state.settings)
    row, files = await service.publish(
        session,
        principal=principal,
        report=report,
        options=options,
        override=body.approval_override,
    )
    return _read(row, _files(list(files)))


@router.get("", response_model=Page[PublishedReportRead])
async def list_published_reports(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    period: Annotated[str | None, Query()] = None,
) -> Page[PublishedReportRead]:
    """Published reports, oldest first. Roles: admin, analyst, service."""
    rows, cursor = await service.list_reports(session, page=page, period=period)
    items = [
        _read(r, _files(list(await service.list_files(session, report_id=r.id)))) for r in rows
    ]
    return Page[PublishedReportRead](items=items, next_cursor=cursor)


@router.get("/{report_id}", response_model=PublishedReportDetail, responses=NOT_FOUND)
async def get_published_report(
    session: SessionDep, principal: Reader, report_id: uuid.UUID
) -> PublishedReportDetail:
    """A published report's frozen figures. Roles: admin, analyst, service."""
    row = await service.get_report(session, report_id=report_id)
    files = _files(list(await service.list_files(session, report_id=report_id)))
    detail = PublishedReportDetail.model_validate(row)
    detail.files = files
    return detail


@router.get("/{report_id}/files/{fmt}", response_class=Response, responses=NOT_FOUND)
async def download_published_file(
    session: SessionDep,
    principal: Reader,
    report_id: uuid.UUID,
    fmt: Literal["markdown", "docx", "xlsx", "pdf"],
) -> Response:
    """A published file, byte for byte as published. Roles: admin, analyst, service."""
    row = await service.get_report(session, report_id=report_id)
    f = await service.get_file(session, report_id=report_id, fmt=fmt)
    disposition = content_disposition(
        title=row.title,
        city=row.city,
        period=period_key(row.period, row.start_on, row.end_on),
        fmt=FORMATS[fmt],
    )
    return Response(
        f.content,
        media_type=f.media_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-SHA256": f.sha256,
        },
    )


@router.get("/{report_id}/diff", response_model=ReportDiff, responses={**NOT_FOUND, **UNAVAILABLE})
async def diff_published_report(
    request: Request, session: SessionDep, principal: Reader, report_id: uuid.UUID
) -> ReportDiff:
    """Which figures moved since publication, from what to what. Roles: admin, analyst,
    service."""
    row = await service.get_report(session, report_id=report_id)
    period = Period(row.start_on, row.end_on, row.period)
    live = await live_report(request, period, row.city)
    return service.diff(row, live)
