from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode, CountyCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, FieldError, Problem
from shared_kit.i18n import language_var
from shared_kit.import_spec import catalogue_router, header_refused, refused, word_file_errors
from shared_kit.pagination import Page, PageParams, page_params
from shared_kit.tabular import check_size
from talent_service.commissioner import corrections as kinds
from talent_service.commissioner import importer, service
from talent_service.commissioner.exceptions import ImportRejected
from talent_service.commissioner.import_columns import DATASETS, SERVICE_LOGS
from talent_service.commissioner.models import Commissioner, Dispatch, ServiceLog
from talent_service.commissioner.schemas import (
    CommissionerCreate,
    CommissionerKind,
    CommissionerRead,
    DispatchCancel,
    DispatchCreate,
    DispatchRead,
    DispatchStatus,
    ImportSummary,
    RowError,
    ServiceLogCreate,
    ServiceLogRead,
    VillageCode,
)
from talent_service.db import CORRECTIONS

router = APIRouter(responses=PROBLEM_RESPONSES)
imports_catalogue = catalogue_router(DATASETS)

IMPORT_DOC = """

Bulk-load service logs: all rows or none. A dry run answers 200 with the summary and every
row error; a real run answers 201, or 422 (code import_rows_invalid) listing every failing
row, its column named as the file named it. A file that cannot be read is 422
``unreadable_file``, ``no_rows`` or ``too_many_rows`` (past ``TALENT_IMPORT_MAX_ROWS``);
one over ``TALENT_IMPORT_MAX_BYTES`` is 413.

Roles: admin, city_bureau (its own city's dispatches only).
"""

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
Paging = Annotated[PageParams, Depends(page_params)]
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": Problem}}
CONFLICT: dict[int | str, dict[str, object]] = {409: {"model": Problem}}


# --- commissioners ---------------------------------------------------------------------


@router.post(
    "/commissioners", status_code=201, response_model=CommissionerRead, tags=["commissioners"]
)
async def create_commissioner(
    session: SessionDep, principal: Writer, body: CommissionerCreate
) -> Commissioner:
    """Register a 科技特派员. Roles: admin, city_bureau (home city = own city)."""
    return await service.create_commissioner(session, principal=principal, data=body)


@router.get(
    "/commissioners/{commissioner_id}",
    response_model=CommissionerRead,
    responses=NOT_FOUND,
    tags=["commissioners"],
)
async def get_commissioner(
    session: SessionDep, principal: Reader, commissioner_id: uuid.UUID
) -> Commissioner:
    """One commissioner (region-wide directory). Roles: admin, analyst, service, city_bureau."""
    return await service.get_commissioner(session, commissioner_id=commissioner_id)


@router.get("/commissioners", response_model=Page[CommissionerRead], tags=["commissioners"])
async def list_commissioners(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    kind: Annotated[CommissionerKind | None, Query()] = None,
    home_city: Annotated[CityCode | None, Query()] = None,
    name: Annotated[str | None, Query(max_length=200, description="substring")] = None,
) -> Page[CommissionerRead]:
    """Commissioners by name. Roles: admin, analyst, service, city_bureau."""
    items, cursor = await service.list_commissioners(
        session, page=page, kind=kind, home_city=home_city, name=name
    )
    return Page[CommissionerRead](
        items=[CommissionerRead.model_validate(c) for c in items], next_cursor=cursor
    )


# --- dispatches ------------------------------------------------------------------------


@router.post(
    "/commissioner-dispatches",
    status_code=201,
    response_model=DispatchRead,
    tags=["commissioner-dispatches"],
)
async def create_dispatch(session: SessionDep, principal: Writer, body: DispatchCreate) -> Dispatch:
    """Record a dispatch (选派) to a county. Roles: admin, city_bureau (own city)."""
    return await service.create_dispatch(session, principal=principal, data=body)


@router.get(
    "/commissioner-dispatches/{dispatch_id}",
    response_model=DispatchRead,
    responses=NOT_FOUND,
    tags=["commissioner-dispatches"],
)
async def get_dispatch(session: SessionDep, principal: Reader, dispatch_id: uuid.UUID) -> Dispatch:
    """One dispatch. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_dispatch(session, principal=principal, dispatch_id=dispatch_id)


@router.post(
    "/commissioner-dispatches/{dispatch_id}/cancel",
    response_model=DispatchRead,
    responses={**NOT_FOUND, **CONFLICT},
    tags=["commissioner-dispatches"],
)
async def cancel_dispatch(
    session: SessionDep, principal: Writer, dispatch_id: uuid.UUID, body: DispatchCancel
) -> Dispatch:
    """Cancel a dispatch: it and its logs stop counting. Roles: admin, city_bureau (own)."""
    return await service.cancel_dispatch(
        session, principal=principal, dispatch_id=dispatch_id, cancelled_on=body.cancelled_on
    )


@router.get(
    "/commissioner-dispatches",
    response_model=Page[DispatchRead],
    tags=["commissioner-dispatches"],
)
async def list_dispatches(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    commissioner_id: Annotated[uuid.UUID | None, Query()] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    city: Annotated[CityCode | None, Query()] = None,
    county: Annotated[CountyCode | None, Query()] = None,
    status: Annotated[DispatchStatus | None, Query()] = None,
    dispatched_from: Annotated[date | None, Query()] = None,
    dispatched_to: Annotated[date | None, Query()] = None,
) -> Page[DispatchRead]:
    """Dispatches, oldest first. Roles: admin, analyst, service, city_bureau (own city)."""
    items, cursor = await service.list_dispatches(
        session,
        principal=principal,
        page=page,
        commissioner_id=commissioner_id,
        year=year,
        city=city,
        county=county,
        status=status,
        dispatched_from=dispatched_from,
        dispatched_to=dispatched_to,
    )
    return Page[DispatchRead](
        items=[DispatchRead.model_validate(d) for d in items], next_cursor=cursor
    )


# --- service logs ----------------------------------------------------------------------


@router.post(
    "/commissioner-service-logs",
    status_code=201,
    response_model=ServiceLogRead,
    responses=CONFLICT,
    tags=["commissioner-service-logs"],
)
async def create_service_log(
    session: SessionDep, principal: Writer, body: ServiceLogCreate
) -> ServiceLog:
    """Record a 下乡服务 log under a dispatch. Roles: admin, city_bureau (own city's dispatch)."""
    return await service.create_service_log(session, principal=principal, data=body)


@router.post(
    f"/imports/{SERVICE_LOGS.name}",
    response_model=ImportSummary,
    responses={
        201: {"model": ImportSummary, "description": "every row written"},
        413: {"model": Problem},
    },
    tags=["imports"],
    summary=f"导入{SERVICE_LOGS.title}",
    description=SERVICE_LOGS.describe() + IMPORT_DOC,
)
async def import_service_logs(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    file: Annotated[UploadFile, File(description="CSV (UTF-8/GB18030) or XLSX, header row first")],
    dry_run: Annotated[bool, Query(description="validate only, write nothing")] = False,
) -> ImportSummary:
    settings = request.app.state.settings
    check_size(file, settings.import_max_bytes)
    # Parsing is CPU work (openpyxl): keep it off the event loop.
    parsed = await run_in_threadpool(
        importer.parse, file.file, file.filename, max_rows=settings.import_max_rows
    )

    async def worded(errors: list[FieldError]) -> list[FieldError]:
        return await word_file_errors(
            SERVICE_LOGS, file.file, file.filename, file.content_type or "", errors
        )

    if parsed.header_errors:
        raise ImportRejected(
            header_refused(len(parsed.header_errors)), errors=await worded(parsed.header_errors)
        )
    outcome = await service.import_service_logs(
        session, principal=principal, rows=parsed.rows, dry_run=dry_run
    )
    errors = await worded(outcome.errors)
    language = language_var.get()  # the dry run's errors, in the request's language
    summary = ImportSummary(
        dry_run=dry_run,
        rows=outcome.rows,
        valid=outcome.valid,
        failed=outcome.failed,
        created=outcome.created,
        errors=[
            RowError(
                row=e.row or 0, field=e.field, code=e.code, message=e.localized(language)["message"]
            )
            for e in errors
        ],
    )
    if outcome.errors and not dry_run:
        raise ImportRejected(
            refused(outcome.failed, outcome.rows),
            errors=errors,
            extra=summary.model_dump(exclude={"errors"}),
        )
    response.status_code = 200 if dry_run else 201
    return summary


@router.get(
    "/commissioner-service-logs/{log_id}",
    response_model=ServiceLogRead,
    responses=NOT_FOUND,
    tags=["commissioner-service-logs"],
)
async def get_service_log(session: SessionDep, principal: Reader, log_id: uuid.UUID) -> ServiceLog:
    """One service log. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_service_log(session, principal=principal, log_id=log_id)


@router.get(
    "/commissioner-service-logs",
    response_model=Page[ServiceLogRead],
    tags=["commissioner-service-logs"],
)
async def list_service_logs(
    session: SessionDep,
    principal: Reader,
    page: Paging,
    dispatch_id: Annotated[uuid.UUID | None, Query()] = None,
    commissioner_id: Annotated[uuid.UUID | None, Query()] = None,
    city: Annotated[CityCode | None, Query()] = None,
    village_code: Annotated[VillageCode | None, Query()] = None,
    served_from: Annotated[date | None, Query()] = None,
    served_to: Annotated[date | None, Query()] = None,
    status: Annotated[Literal["recorded", "withdrawn"] | None, Query()] = None,
) -> Page[ServiceLogRead]:
    """Service logs, oldest first; withdrawn ones only when ``status=withdrawn`` asks.

    Roles: admin, analyst, service, city_bureau (own city).
    """
    items, cursor = await service.list_service_logs(
        session,
        principal=principal,
        page=page,
        dispatch_id=dispatch_id,
        commissioner_id=commissioner_id,
        city=city,
        village_code=village_code,
        served_from=served_from,
        served_to=served_to,
        status=status,
    )
    return Page[ServiceLogRead](
        items=[ServiceLogRead.model_validate(s) for s in items], next_cursor=cursor
    )


# Withdraw, correct, history and correction requests (shared_kit.corrections).
CORRECTIONS.record_routes(router, kinds.SERVICE_LOGS, prefix="/commissioner-service-logs")
CORRECTIONS.record_routes(router, kinds.DISPATCHES, prefix="/commissioner-dispatches")
