from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from enterprise_service.bulk_import import reader, service
from enterprise_service.bulk_import.columns import DATASETS, ENTERPRISES, RECORD_DATASETS
from enterprise_service.bulk_import.schemas import ImportSummary
from enterprise_service.common import Writer
from enterprise_service.dependencies import SettingsDep
from enterprise_service.enterprise import bulk as registry_bulk
from enterprise_service.enterprise.schemas import RegistryImportSummary
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.import_spec import Dataset, catalogue_router, worded
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


REGISTRY_DOC = """

Create or update registry entries from a CSV (UTF-8 or GB18030) or XLSX file, all
rows or none; a registered USCC is updated, name and city changes kept as dated history.

Columns as listed above; override_check is for admins only (legacy codes).
A dry run answers 200 with the summary and every row error; a real run answers 200,
or 422 ``import_invalid`` listing every failing row. At most
``ENTERPRISE_REGISTRY_IMPORT_MAX_ROWS`` rows (422 ``too_many_rows``) and
``ENTERPRISE_REGISTRY_IMPORT_MAX_BYTES`` bytes (413).

Roles: admin, city_bureau (every row in its own city; a firm registered to another
city fails its row).
"""


@router.post(
    "/enterprises",
    response_model=RegistryImportSummary,
    responses={413: {"model": Problem}, 415: {"model": Problem}},
    openapi_extra=IMPORT_BODY,
    summary="导入企业库",
    description=ENTERPRISES.describe() + REGISTRY_DOC,
)
async def import_enterprises(
    request: Request,
    session: SessionDep,
    principal: Writer,
    settings: SettingsDep,
    dry_run: Annotated[bool, Query(description="check and count, store nothing")] = False,
) -> RegistryImportSummary:
    async with received_file(request, settings.registry_import_max_bytes) as upload:
        file, filename, media_type = upload
        return await worded(
            ENTERPRISES,
            file,
            filename,
            media_type,
            lambda: registry_bulk.import_registry(
                session,
                principal=principal,
                file=file,
                filename=filename,
                media_type=media_type,
                dry_run=dry_run,
                max_rows=settings.registry_import_max_rows,
            ),
        )


RECORDS_DOC = """

Atomic: all rows or none; errors list every bad row (its column named as the file named
it). A dry run answers 200 with the summary; a real run answers 200, or 422
``import_invalid`` listing every failing row. At most ``ENTERPRISE_IMPORT_MAX_ROWS`` rows
(422 ``too_many_rows``) and ``ENTERPRISE_IMPORT_MAX_BYTES`` bytes (413).

Roles: admin, city_bureau (every row must belong to its own city).
"""


def _importer(dataset: Dataset) -> Callable[..., Awaitable[ImportSummary]]:
    async def import_records(
        request: Request,
        session: SessionDep,
        principal: Writer,
        settings: SettingsDep,
        dry_run: Annotated[
            bool, Query(description="validate and summarise, store nothing")
        ] = False,
    ) -> ImportSummary:
        async with received_file(request, settings.import_max_bytes) as upload:
            file, name, media_type = upload

            async def run() -> ImportSummary:
                rows = reader.read_table(
                    file,
                    dataset,
                    filename=name,
                    media_type=media_type,
                    max_rows=settings.import_max_rows,
                )
                return await service.run_import(
                    session,
                    principal=principal,
                    kind=dataset.name,
                    rows=rows,
                    dry_run=dry_run,
                    voucher_cap=settings.voucher_yearly_cap_yuan,
                )

            return await worded(dataset, file, name, media_type, run)

    return import_records


for _dataset in RECORD_DATASETS.values():
    router.add_api_route(
        f"/{_dataset.name}",
        _importer(_dataset),
        methods=["POST"],
        response_model=ImportSummary,
        responses={413: {"model": Problem}, 415: {"model": Problem}},
        openapi_extra=IMPORT_BODY,
        summary=f"导入{_dataset.title}",
        description=_dataset.describe() + RECORDS_DOC,
        operation_id=f"import_{_dataset.name.replace('-', '_')}",
    )

catalogue = catalogue_router(DATASETS)
