from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile

from projects_service.bulk_import import service
from projects_service.bulk_import.columns import DATASETS
from projects_service.bulk_import.schemas import ImportReport
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.import_spec import Dataset, catalogue_router, worded
from shared_kit.tabular import check_size

router = APIRouter(prefix="/imports", tags=["imports"], responses=PROBLEM_RESPONSES)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]

DOC = """

Atomic: any invalid row → 422 ``import_rows_invalid`` listing every failing row (its
column named as the file named it) and nothing written. A dry run always answers 200
with the summary and the row errors. A file that cannot be read is 422
``unreadable_file`` (``no_rows``, ``too_many_rows`` past ``PROJECTS_IMPORT_MAX_ROWS``),
one over ``PROJECTS_IMPORT_MAX_BYTES`` is 413.

Roles: admin; city_bureau (rows of its own city only).
"""


def _importer(dataset: Dataset) -> Callable[..., Awaitable[ImportReport]]:
    async def import_records(
        request: Request,
        session: SessionDep,
        principal: Writer,
        file: Annotated[
            UploadFile, File(description="CSV (UTF-8 or GB18030) or XLSX, header row first")
        ],
        dry_run: Annotated[bool, Query(description="validate and count, write nothing")] = False,
    ) -> ImportReport:
        settings = request.app.state.settings
        check_size(file, settings.import_max_bytes)
        return await worded(
            dataset,
            file.file,
            file.filename,
            file.content_type or "",
            lambda: service.run_import(
                session,
                principal=principal,
                kind=dataset.name,  # type: ignore[arg-type]
                file=file.file,
                filename=file.filename or "",
                max_rows=settings.import_max_rows,
                dry_run=dry_run,
            ),
        )

    return import_records


for _dataset in DATASETS:
    router.add_api_route(
        f"/{_dataset.name}",
        _importer(_dataset),
        methods=["POST"],
        response_model=ImportReport,
        responses={413: {"model": Problem}},
        summary=f"导入{_dataset.title}",
        description=_dataset.describe() + DOC,
        operation_id=f"import_{_dataset.name.replace('-', '_')}",
    )

catalogue = catalogue_router(DATASETS)
