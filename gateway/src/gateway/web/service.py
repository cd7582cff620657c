"""The dashboard's built files (``web/dashboard/dist``): where they are and how they are sent.

The dashboard is static: ``index.html`` and content-hashed assets, all bundled
(no CDN, no inline script), so a strict Content-Security-Policy holds. Every
figure it shows comes from the API with the signed-in user's own credentials.
"""

from __future__ import annotations

import re
from pathlib import Path

from gateway.web.exceptions import AssetNotFound, DashboardNotBuilt
from shared_kit.i18n import t

# gateway/src/gateway/web/service.py → the repository (or /app in the image).
REPO_DIST = Path(__file__).resolve().parents[4] / "web" / "dashboard" / "dist"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# index.html names the current assets: always revalidated. Hashed names never change.
NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}
_ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
# name-HASH.ext as build.mjs writes them (esbuild's [name]-[hash]).
_HASHED = re.compile(r"-[A-Za-z0-9]{8,}\.[a-z0-9]+$")


def web_dir(configured: str) -> Path:
    """The folder with ``index.html``: GATEWAY_WEB_DIR, else the repository's build output."""
    return Path(configured).expanduser() if configured else REPO_DIST


def index_file(root: Path) -> Path:
    """``index.html``, or 503 ``dashboard_not_built`` saying how to build it."""
    index = root / "index.html"
    if not index.is_file():
        raise DashboardNotBuilt(
            t(
                f"{root} 中没有管理看板：请用 `make web` 构建（需要 Node.js 20+），或将 "
                "GATEWAY_WEB_DIR 设为已构建的看板目录",
                f"no dashboard in {root}: build it with `make web` (Node.js 20+) or set "
                "GATEWAY_WEB_DIR to a built dashboard",
            )
        )
    return index


def asset_file(root: Path, name: str) -> Path:
    """A file directly under ``assets/``; anything else (paths, dot files) is 404."""
    if not _ASSET_NAME.match(name):
        raise AssetNotFound(t(f"没有资源文件 {name!r}", f"no asset {name!r}"))
    folder = (root / "assets").resolve()
    path = (folder / name).resolve()
    if path.parent != folder or not path.is_file():
        raise AssetNotFound(t(f"没有资源文件 {name!r}", f"no asset {name!r}"))
    return path


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


def cache_control(name: str) -> str:
    return IMMUTABLE if _HASHED.search(name) else NO_CACHE


def accepts_gzip(accept_encoding: str) -> bool:
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def precompressed(path: Path, accept_encoding: str) -> Path | None:
    """``path.gz`` (written by the build) when the client takes gzip and it exists."""
    gz = path.with_name(path.name + ".gz")
    return gz if accepts_gzip(accept_encoding) and gz.is_file() else None
