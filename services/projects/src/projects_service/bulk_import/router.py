from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile

from projects_service.bulk_import import service
from projects_service.bulk_import.exceptions import ImportTooLarge
from projects_service.bulk_import.schemas import ImportKind, ImportReport
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem

router = APIRouter(prefix="/imports", tags=["imports"], responses=PROBLEM_RESPONSES)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
MAX_BYTES = 20 * 1024 * 1024


@router.post(
    "/{kind}",
    response_model=ImportReport,
    responses={413: {"model": Problem}},
)
async def import_records(
    session: SessionDep,
    principal: Writer,
    kind: ImportKind,
    file: Annotated[
        UploadFile, File(description="CSV (UTF-8 or GB18030) or XLSX, header row first")
    ],
    dry_run: Annotated[bool, Query(description="validate and count, write nothing")] = False,
) -> ImportReport:
    """Import challenge demands (key 需求编号/external_ref) or funded projects (项目编号).

    Atomic: any invalid row → 422 ``import_rows_invalid`` listing every failing row and
    nothing written. A dry run always answers 200 with the summary and the row errors.
    Roles: admin; city_bureau (rows of its own city only).
    """
    content = await file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ImportTooLarge(f"files are limited to {MAX_BYTES // (1024 * 1024)} MB")
    return await service.run_import(
        session,
        principal=principal,
        kind=kind,
        filename=file.filename or "",
        content=content,
        dry_run=dry_run,
    )
