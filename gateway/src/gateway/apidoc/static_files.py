"""The ``/docs`` page and Swagger UI's files, read once from their packages."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from gateway.web.exceptions import AssetNotFound
from gateway.web.service import SECURITY_HEADERS
from shared_kit.i18n import t

# Swagger UI draws with element styles and data: images; nothing from another host.
DOCS_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    ),
}
# name → (package, file, media type)
_ASSETS = {
    "swagger-ui-bundle.js": ("fastapi_offline", "static/swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": ("fastapi_offline", "static/swagger-ui.css", "text/css"),
    "favicon.png": ("fastapi_offline", "static/favicon.png", "image/png"),
    "docs.js": ("gateway.apidoc", "static/docs.js", "text/javascript"),
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    media_type: str


@cache
def docs_page() -> bytes:
    return files("gateway.apidoc").joinpath("static/docs.html").read_bytes()


@cache
def _load(name: str) -> Asset:
    package, path, media_type = _ASSETS[name]
    body = files(package).joinpath(path).read_bytes()
    text = media_type.startswith("text/")
    return Asset(
        body,
        gzip.compress(body, 6, mtime=0) if text else None,
        media_type + ("; charset=utf-8" if text else ""),
    )


def docs_asset(name: str) -> Asset:
    if name not in _ASSETS:
        raise AssetNotFound(t(f"没有资源文件 {name!r}", f"no asset {name!r}"))
    return _load(name)
