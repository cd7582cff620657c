from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from starlette.responses import Response

from reporting_service.consolidated.dependencies import ReportQueryDep, report_body
from reporting_service.consolidated.schemas import ConsolidatedReport
from reporting_service.export.formats import (
    FORMATS,
    RenderOptions,
    content_disposition,
    period_key,
    render,
)
from reporting_service.narrative_template.dependencies import NarratedReport
from shared_kit.db import ReadConnDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem

router = APIRouter(prefix="/reports", tags=["reports"], responses=PROBLEM_RESPONSES)
UNAVAILABLE: dict[int | str, dict[str, object]] = {
    503: {
        "model": Problem,
        "description": "a workstream service is down, or (PDF) LibreOffice is not installed "
        "(pdf_renderer_unavailable) or failed (pdf_render_failed)",
    }
}


@router.get(
    "/consolidated",
    response_model=ConsolidatedReport,
    response_model_by_alias=True,
    responses=UNAVAILABLE,
)
async def get_consolidated_report(
    request: Request, conn: ReadConnDep, query: ReportQueryDep
) -> Response:
    """Every figure for a period with its 同比 comparison, per city, with links to the records.
    Roles: admin, analyst, service, city_bureau (own city only)."""
    body = await report_body(request, conn, query)
    return Response(body, media_type="application/json")


@router.get("/consolidated/{fmt}", responses=UNAVAILABLE, response_class=Response)
async def download_consolidated_report(
    request: Request, report: NarratedReport, fmt: Literal["markdown", "docx", "xlsx", "pdf"]
) -> Response:
    """The narrative report as Markdown, DOCX, PDF (the DOCX rendered by LibreOffice) or
    XLSX, named after the period and the city, told with the latest edited draft of its
    text when there is one. Roles: admin, analyst, service, city_bureau
    (own city only)."""
    spec = FORMATS[fmt]
    options = RenderOptions.from_settings(request.app.state.settings)
    disposition = content_disposition(
        title=report.title,
        city=report.city,
        period=period_key(report.period, report.from_, report.to),
        fmt=spec,
    )
    return Response(
        await render(fmt, report, options),
        media_type=spec.media_type,
        headers={"Content-Disposition": disposition},
    )
