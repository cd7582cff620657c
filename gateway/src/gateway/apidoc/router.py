"""``/openapi.json`` (every service merged) and ``/docs`` (Swagger UI on it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import HTMLResponse, Response

from gateway.apidoc.service import ApiDocument

router = APIRouter(tags=["docs"])


@router.get("/openapi.json", include_in_schema=False)
async def openapi_document(request: Request) -> Response:
    """The platform's one API document. Roles: anyone (it describes, it grants nothing)."""
    doc: ApiDocument = request.app.state.api_document
    return Response(await doc.body(), media_type="application/json")


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    """Swagger UI over /openapi.json. Roles: anyone."""
    return get_swagger_ui_html(openapi_url="/openapi.json", title="Guangxi S&T platform API")
