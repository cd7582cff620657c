"""``/`` and ``/assets/…``: the department staff's dashboard (static files).

Public on purpose: the files hold no data and grant nothing. The page signs the
user in (development issuer or API key) and calls the API with those
credentials like any other client. Left out of the OpenAPI document: these are
not API operations.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, Response

from gateway.web.service import (
    NO_CACHE,
    SECURITY_HEADERS,
    asset_file,
    cache_control,
    index_file,
    media_type,
    precompressed,
    web_dir,
)

router = APIRouter(tags=["dashboard"])


def _root(request: Request) -> str:
    configured: str = request.app.state.settings.web_dir
    return configured


@router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
async def dashboard(request: Request) -> Response:
    """The dashboard's page (503 ``dashboard_not_built`` before ``make web``).
    Roles: anyone (public; it holds no data)."""
    index = index_file(web_dir(_root(request)))
    return FileResponse(
        index,
        media_type=media_type(index),
        headers={**SECURITY_HEADERS, "Cache-Control": NO_CACHE},
    )


@router.api_route("/assets/{name}", methods=["GET", "HEAD"], include_in_schema=False)
async def dashboard_asset(request: Request, name: str) -> Response:
    """A bundled script, style sheet or icon; content-hashed names are cached for a year.
    Roles: anyone (public; it holds no data)."""
    path = asset_file(web_dir(_root(request)), name)
    headers = {**SECURITY_HEADERS, "Cache-Control": cache_control(name), "Vary": "Accept-Encoding"}
    gz = precompressed(path, request.headers.get("accept-encoding", ""))
    if gz is not None:
        headers["Content-Encoding"] = "gzip"
        return FileResponse(gz, media_type=media_type(path), headers=headers)
    return FileResponse(path, media_type=media_type(path), headers=headers)
