"""The report's editable text: generated templates, previews and versioned drafts.

Department staff (admin) write a period's text; analysts may read it and preview. City
bureaus read their city's report with whatever text it carries, but do not edit it.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from reporting_service.consolidated.dependencies import live_report
from reporting_service.consolidated.router import UNAVAILABLE
from reporting_service.narrative.placeholders import ATTRIBUTES, GLOBALS, VALID, Resolver
from reporting_service.narrative.service import (
    generated_template,
    render_template,
    rendered,
    to_markdown,
)
from reporting_service.narrative_template import service
from reporting_service.narrative_template.dependencies import period_scope
from reporting_service.narrative_template.models import NarrativeDraft
from reporting_service.narrative_template.schemas import (
    DraftCreate,
    DraftDetail,
    DraftRead,
    GeneratedTemplate,
    PlaceholderGuide,
    PreviewRequest,
    PreviewResponse,
)
from reporting_service.period.service import Period
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/narratives", tags=["narratives"], responses=PROBLEM_RESPONSES)
Editor = Annotated[Principal, Depends(require_roles(Role.admin))]
Reader = Annotated[Principal, Depends(require_roles(Role.admin, Role.analyst))]
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": Problem}}


def scope_query(
    principal: Reader,
    period: Annotated[str | None, Query(description="2023-H1, 2024-Q1, 2023, 2023-M05")] = None,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: Annotated[date | None, Query()] = None,
    city: Annotated[CityCode | None, Query(description="a city's report")] = None,
) -> tuple[Period, str | None]:
    return period_scope(principal, period, from_, to, city)


Scope = Annotated[tuple[Period, str | None], Depends(scope_query)]


def _detail(row: NarrativeDraft) -> DraftDetail:
    return DraftDetail.model_validate(
        {**DraftRead.model_validate(row).model_dump(), "template": service.template_of(row)}
    )


@router.get("/placeholders", response_model=PlaceholderGuide)
async def list_placeholders(principal: Reader) -> PlaceholderGuide:
    """Every placeholder a template may use: {{period}}, {{scope}}, {{area}}, and for each
    indicator {{code}} plus .value .unit .previous .change .compare .cn .items.
    Roles: admin, analyst."""
    return PlaceholderGuide(
        globals=list(GLOBALS), attributes=list(ATTRIBUTES), placeholders=list(VALID)
    )


@router.get("/generated", response_model=GeneratedTemplate, responses=UNAVAILABLE)
async def get_generated_template(
    request: Request, session: SessionDep, principal: Reader, scope: Scope
) -> GeneratedTemplate:
    """The text generated from the period's figures as a template (figures as
    placeholders): where editing starts. Roles: admin, analyst."""
    period, city = scope
    report = await live_report(request, period, city)
    latest = await service.latest_draft(session, period=period, city=city)
    return GeneratedTemplate(
        period=period.name,
        start_on=period.start,
        end_on=period.end,
        city=city,
        template=generated_template(report),
        latest_draft=DraftRead.model_validate(latest) if latest else None,
    )


@router.post(
    "/preview", response_model=PreviewResponse, responses={**UNAVAILABLE, 422: {"model": Problem}}
)
async def preview_narrative(
    request: Request, principal: Reader, body: PreviewRequest
) -> PreviewResponse:
    """A template filled with the period's live figures, without saving it.
    Roles: admin, analyst."""
    service.check_template(body.template)
    period, city = period_scope(principal, body.period, body.from_, body.to, body.city)
    report = await live_report(request, period, city)
    narrative = render_template(report, body.template)
    texts = [body.template.intro, *(s.text for s in body.template.sections)]
    return PreviewResponse(
        narrative=rendered(narrative),
        markdown=to_markdown(report, narrative),
        empty_placeholders=Resolver(report).empty(texts),
    )


@router.post(
    "/drafts", status_code=201, response_model=DraftDetail, responses={422: {"model": Problem}}
)
async def save_narrative_draft(
    session: SessionDep, principal: Editor, body: DraftCreate
) -> DraftDetail:
    """Save the report's text as a new version; reports and publishing use the newest.
    Roles: admin."""
    period, city = period_scope(principal, body.period, body.from_, body.to, body.city)
    row = await service.save_draft(
        session,
        principal=principal,
        period=period,
        city=city,
        template=body.template,
        note=body.note,
    )
    return _detail(row)


@router.get("/drafts", response_model=Page[DraftRead])
async def list_narrative_drafts(
    session: SessionDep,
    principal: Reader,
    scope: Scope,
    page: Annotated[PageParams, Depends(page_params)],
) -> Page[DraftRead]:
    """The saved versions of a report's text, oldest first. Roles: admin, analyst."""
    period, city = scope
    rows, cursor = await service.list_drafts(session, period=period, city=city, page=page)
    return Page[DraftRead](items=[DraftRead.model_validate(r) for r in rows], next_cursor=cursor)


@router.get("/drafts/{draft_id}", response_model=DraftDetail, responses=NOT_FOUND)
async def get_narrative_draft(
    session: SessionDep, principal: Reader, draft_id: uuid.UUID
) -> DraftDetail:
    """One saved version with its template. Roles: admin, analyst."""
    return _detail(await service.get_draft(session, draft_id=draft_id))
