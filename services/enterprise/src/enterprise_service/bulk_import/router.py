from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request

from enterprise_service.bulk_import import reader, service
from enterprise_service.bulk_import.schemas import ImportSummary
from enterprise_service.common import Writer
from enterprise_service.dependencies import SettingsDep
from enterprise_service.enterprise import bulk as registry_bulk
from enterprise_service.enterprise.schemas import RegistryImportSummary
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.tabular import XLSX, received_file

router = APIRouter(prefix="/imports", tags=["imports"], responses=PROBLEM_RESPONSES)

IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}


# Before "/{kind}", which would otherwise take the path.
@router.post(
    "/enterprises",
    response_model=RegistryImportSummary,
    responses={413: {"model": Problem}, 415: {"model": Problem}},
    openapi_extra=IMPORT_BODY,
)
async def import_enterprises(
    request: Request,
    session: SessionDep,
    principal: Writer,
    settings: SettingsDep,
    dry_run: Annotated[bool, Query(description="check and count, store nothing")] = False,
) -> RegistryImportSummary:
    """Create or update registry entries from a CSV (UTF-8 or GB18030) or XLSX file, all
    rows or none; a registered USCC is updated, name and city changes kept as dated history.

    Columns (English or Chinese headers, others ignored): uscc 统一社会信用代码, name
    企业名称, city 所在城市 (code or name) and/or county 区县代码, industry 所属行业,
    effective_on 变更日期 (optional), override_check (admin only, legacy codes).
    A dry run answers 200 with the summary and every row error; a real run answers 200,
    or 422 ``import_invalid`` listing every failing row. At most
    ``ENTERPRISE_REGISTRY_IMPORT_MAX_ROWS`` rows (422 ``too_many_rows``) and
    ``ENTERPRISE_REGISTRY_IMPORT_MAX_BYTES`` bytes (413).

    Roles: admin, city_bureau (every row in its own city; a firm registered to another
    city fails its row).
    """
    async with received_file(request, settings.registry_import_max_bytes) as upload:
        file, filename, media_type = upload
        return await registry_bulk.import_registry(
            session,
            principal=principal,
            file=file,
            filename=filename,
            media_type=media_type,
            dry_run=dry_run,
            max_rows=settings.registry_import_max_rows,
        )


@router.post(
    "/{kind}",
    response_model=ImportSummary,
    responses={413: {"model": Problem}, 415: {"model": Problem}},
    openapi_extra=IMPORT_BODY,
)
async def import_records(
    request: Request,
    session: SessionDep,
    principal: Writer,
    settings: SettingsDep,
    kind: Annotated[Literal["training-sessions", "vouchers", "rd-subsidy-applications"], Path()],
    dry_run: Annotated[bool, Query(description="validate and summarise, store nothing")] = False,
) -> ImportSummary:
    """Bulk-import a CSV (UTF-8 or GB18030) or XLSX sheet, all rows or none; errors list
    every bad row. At most ``ENTERPRISE_IMPORT_MAX_ROWS`` rows (422 ``too_many_rows``)
    and ``ENTERPRISE_IMPORT_MAX_BYTES`` bytes (413).

    Roles: admin, city_bureau (every row must belong to its own city).
    """
    async with received_file(request, settings.import_max_bytes) as (file, name, media_type):
        rows = reader.read_table(
            file, filename=name, media_type=media_type, max_rows=settings.import_max_rows
        )
    return await service.run_import(
        session,
        principal=principal,
        kind=kind,
        rows=rows,
        dry_run=dry_run,
        voucher_cap=settings.voucher_yearly_cap_yuan,
    )
