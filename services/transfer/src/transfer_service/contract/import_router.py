from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile

from shared_kit.auth import Principal, Role, require_roles
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.import_spec import catalogue_router, worded
from shared_kit.tabular import check_size
from transfer_service.contract import bulk
from transfer_service.contract.import_columns import CONTRACTS, DATASETS
from transfer_service.contract.schemas import ImportSummary

router = APIRouter(prefix="/imports", tags=["imports"], responses=PROBLEM_RESPONSES)
catalogue = catalogue_router(DATASETS)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]

DOC = """

Register or update contracts from a spreadsheet, all rows or none (matched by
registration number). Any invalid row → 422 ``import_rows_invalid`` listing every failing
row, its column named as the file named it. A file that cannot be read is 422
``unreadable_file``, ``no_rows`` or ``too_many_rows`` (past
``TRANSFER_CONTRACT_IMPORT_MAX_ROWS``); one over ``TRANSFER_CONTRACT_IMPORT_MAX_BYTES``
is 413.

Roles: admin, city_bureau (every row's registering city = own).
"""


@router.post(
    "/tech-contracts",
    response_model=ImportSummary,
    responses={413: {"model": Problem}, 422: {"model": Problem}},
    summary=f"导入{CONTRACTS.title}",
    description=CONTRACTS.describe() + DOC,
)
async def import_tech_contracts(
    session: SessionDep,
    principal: Writer,
    request: Request,
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or GB18030) or XLSX, first sheet")],
    dry_run: Annotated[bool, Query(description="validate and count, write nothing")] = False,
) -> ImportSummary:
    settings = request.app.state.settings
    check_size(file, settings.contract_import_max_bytes)
    return await worded(
        CONTRACTS,
        file.file,
        file.filename,
        file.content_type or "",
        lambda: bulk.import_contracts(
            session,
            principal=principal,
            file=file.file,
            filename=file.filename,
            dry_run=dry_run,
            max_rows=settings.contract_import_max_rows,
        ),
    )
