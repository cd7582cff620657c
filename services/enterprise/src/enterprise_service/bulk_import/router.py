from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import IO, Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request

from enterprise_service.bulk_import import reader, service
from enterprise_service.bulk_import.schemas import ImportSummary
from enterprise_service.common import Writer
from enterprise_service.dependencies import SettingsDep
from enterprise_service.enterprise import bulk as registry_bulk
from enterprise_service.enterprise.exceptions import ImportTooLarge
from enterprise_service.enterprise.schemas import RegistryImportSummary
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, AppError, Problem

router = APIRouter(prefix="/imports", tags=["imports"], responses=PROBLEM_RESPONSES)
MAX_ROWS = 5000

IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            reader.XLSX: {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}


class UnsupportedUpload(AppError):
    status, code, title = 415, "unsupported_media_type", "Upload text/csv or an XLSX workbook"


async def _upload(request: Request) -> tuple[bytes, str]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        async with request.form() as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise UnsupportedUpload("send the file in a form field named 'file'")
            name = (upload.filename or "").lower()
            body = await upload.read()
            kind = reader.XLSX if name.endswith(".xlsx") else (upload.content_type or "")
        return body, reader.XLSX if kind == reader.XLSX else reader.CSV
    if media_type in (reader.CSV, reader.XLSX):
        return await request.body(), media_type
    raise UnsupportedUpload(f"unsupported content type {media_type or '(none)'}")


@asynccontextmanager
async def _spooled_upload(
    request: Request, max_bytes: int
) -> AsyncIterator[tuple[IO[bytes], str | None, str]]:
    """The uploaded file, spooled to disk past 1 MiB: (file, filename, media type).

    413 beyond ``max_bytes``; the body is never held whole in memory.
    """
    declared = request.headers.get("content-length", "")
    # Multipart framing adds a few hundred bytes: judge the file itself below.
    if declared.isdigit() and int(declared) > max_bytes + 64 * 1024:
        raise ImportTooLarge(f"at most {max_bytes} bytes per file")
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        # Starlette spools file parts to disk past 1 MiB.
        async with request.form(max_files=1, max_fields=10) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise UnsupportedUpload("send the file in a form field named 'file'")
            if (upload.size or 0) > max_bytes:
                raise ImportTooLarge(f"at most {max_bytes} bytes per file")
            yield upload.file, upload.filename, upload.content_type or ""
        return
    if media_type not in (reader.CSV, reader.XLSX):
        raise UnsupportedUpload(f"unsupported content type {media_type or '(none)'}")
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise ImportTooLarge(f"at most {max_bytes} bytes per file")
            spool.write(chunk)
        spool.seek(0)
        yield spool, None, media_type


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
    async with _spooled_upload(request, settings.registry_import_max_bytes) as upload:
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
    responses={415: {"model": Problem}},
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
    """Bulk-import a CSV/XLSX sheet, all rows or none; errors list every bad row.

    Roles: admin, city_bureau (every row must belong to its own city).
    """
    body, media_type = await _upload(request)
    rows = reader.read_table(body, media_type, max_rows=MAX_ROWS)
    return await service.run_import(
        session,
        principal=principal,
        kind=kind,
        rows=rows,
        dry_run=dry_run,
        voucher_cap=settings.voucher_yearly_cap_yuan,
    )
