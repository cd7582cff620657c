from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request

from enterprise_service.bulk_import import reader, service
from enterprise_service.bulk_import.schemas import ImportSummary
from enterprise_service.common import Writer
from enterprise_service.dependencies import SettingsDep
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
