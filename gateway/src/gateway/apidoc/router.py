"""``/openapi.json`` (every service merged) and ``/docs`` (Swagger UI on it).

Swagger UI's files come from a Python package (``fastapi-offline`` vendors
``swagger-ui-dist``) and are served here under ``/docs/assets/``: the page loads
nothing from another host, so it works on an intranet or offline machine.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.apidoc.service import ApiDocument
from gateway.apidoc.static_files import DOCS_HEADERS, docs_asset, docs_page

router = APIRouter(tags=["docs"])


@router.get("/openapi.json", include_in_schema=False)
async def openapi_document(request: Request) -> Response:
    """The platform's one API document. Roles: anyone (it describes, it grants nothing)."""
    doc: ApiDocument = request.app.state.api_document
    return Response(await doc.body(), media_type="application/json")


@router.get("/docs", include_in_schema=False)
async def docs() -> Response:
    """Swagger UI over /openapi.json. Roles: anyone."""
    return Response(docs_page(), media_type="text/html; charset=utf-8", headers=DOCS_HEADERS)


@router.api_route("/docs/assets/{name}", methods=["GET", "HEAD"], include_in_schema=False)
async def docs_assets(request: Request, name: str) -> Response:
    """Swagger UI's script, style sheet and icon. Roles: anyone."""
    asset = docs_asset(name)
    headers = {**DOCS_HEADERS, "Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
    body = asset.body
    if asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=asset.media_type, headers=headers)
