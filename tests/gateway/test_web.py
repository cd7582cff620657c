"""The dashboard's static files at ``/`` and ``/assets/…``, and ``GET /gateway/v1/me``.

The files are public and hold no data; what matters is that they come with a strict
Content-Security-Policy, the right caching, no path escapes the build folder, and a clear
503 before the dashboard is built.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from devstack.pytest_plugin import TestDatabase
from gateway.main import create_app
from gateway.web.service import REPO_DIST, accepts_gzip, cache_control
from shared_kit.auth import Role
from tests.gateway.helpers import assert_problem, gateway, gateway_settings, make_api_key

asyncio_mark = pytest.mark.asyncio(loop_scope="session")
JS = "main-ABCD2345.js"
INDEX = f'<!doctype html><script type="module" src="/assets/{JS}"></script>'


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A minimal build: index.html, a hashed script with its gzip copy, an unhashed file."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / JS).write_text("console.log('看板');")
    (tmp_path / "assets" / f"{JS}.gz").write_bytes(gzip.compress(b"console.log('gz');"))
    (tmp_path / "assets" / "robots.txt").write_text("User-agent: *")
    (tmp_path / "secret.txt").write_text("outside assets")
    return tmp_path


def assert_strict_headers(headers: dict[str, str] | object) -> None:
    csp = headers["content-security-policy"]  # type: ignore[index]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]


@asyncio_mark
async def test_not_built_is_a_clear_503(pg: TestDatabase, tmp_path: Path) -> None:
    async with gateway(pg, web_dir=str(tmp_path / "nothing")) as gw:
        body = assert_problem(await gw.get("/"), 503, "dashboard_not_built")
        assert "make web" in body["detail"]
        assert_problem(await gw.get(f"/assets/{JS}"), 404, "asset_not_found")


@asyncio_mark
async def test_index_and_assets_with_headers(pg: TestDatabase, built: Path) -> None:
    async with gateway(pg, web_dir=str(built)) as gw:
        r = await gw.get("/")
        assert r.status_code == 200
        assert r.text == INDEX
        assert r.headers["content-type"] == "text/html; charset=utf-8"
        assert r.headers["cache-control"] == "no-cache"
        assert_strict_headers(r.headers)
        # No credential needed: the page holds no data.
        assert "x-api-key" not in {k.lower() for k in r.request.headers}

        head = await gw.head("/")
        assert head.status_code == 200
        assert head.content == b""

        r = await gw.get(f"/assets/{JS}", headers={"Accept-Encoding": "identity"})
        assert r.status_code == 200
        assert r.text == "console.log('看板');"
        assert r.headers["content-type"] == "text/javascript; charset=utf-8"
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert "content-encoding" not in r.headers
        assert_strict_headers(r.headers)

        # The build's gzip copy for clients that take gzip (httpx decodes it).
        r = await gw.get(f"/assets/{JS}", headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip"
        assert r.headers["vary"] == "Accept-Encoding"
        assert r.text == "console.log('gz');"

        r = await gw.get("/assets/robots.txt")
        assert r.status_code == 200
        assert r.headers["cache-control"] == "no-cache"


@asyncio_mark
@pytest.mark.parametrize(
    "path",
    [
        "/assets/..%2Fsecret.txt",
        "/assets/%2e%2e%2Fsecret.txt",
        "/assets/../secret.txt",
        "/assets/.hidden",
        "/assets/missing-ABCDEFGH.js",
        "/assets/",
        "/index.html/../secret.txt",
    ],
)
async def test_nothing_outside_assets_is_served(pg: TestDatabase, built: Path, path: str) -> None:
    async with gateway(pg, web_dir=str(built)) as gw:
        r = await gw.get(path)
        assert r.status_code == 404, (path, r.text)
        assert "outside assets" not in r.text


def test_default_folder_is_the_repository_build() -> None:
    assert REPO_DIST.parts[-3:] == ("web", "dashboard", "dist")
    assert (REPO_DIST.parent / "package.json").is_file()


def test_cache_and_gzip_rules() -> None:
    assert cache_control("main-ABCD2345.js") == "public, max-age=31536000, immutable"
    assert cache_control("styles-7QX2M4NB.css") == "public, max-age=31536000, immutable"
    assert cache_control("main.js") == "no-cache"
    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("br;q=1.0, gzip;q=0.8")
    assert not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("br")
    assert not accepts_gzip("")


def test_static_routes_are_not_in_the_api_document(pg: TestDatabase) -> None:
    app = create_app(gateway_settings(pg))
    paths = app.openapi()["paths"]
    assert "/" not in paths
    assert not [p for p in paths if p.startswith("/assets")]
    assert "/gateway/v1/me" in paths


@asyncio_mark
async def test_me_says_who_the_caller_is(pg: TestDatabase) -> None:
    city_key, city_client = await make_api_key(pg, Role.city_bureau, city="450300")
    analyst_key, _ = await make_api_key(pg, Role.analyst)
    async with gateway(pg, dev_issuer=True) as gw:
        r = await gw.get("/gateway/v1/me", headers={"X-API-Key": city_key})
        assert r.status_code == 200, r.text
        me = r.json()
        assert me["role"] == "city_bureau"
        assert (me["city"], me["city_name"]) == ("450300", "桂林市")
        assert me["client_id"] == city_client
        assert me["name"] == "test"  # the key's name, for the dashboard's header

        r = await gw.get("/gateway/v1/me", headers={"X-API-Key": analyst_key})
        assert (r.json()["role"], r.json()["city"]) == ("analyst", None)

        token = (
            await gw.post("/dev/token", json={"username": "王科长", "role": Role.admin.value})
        ).json()["access_token"]
        r = await gw.get("/gateway/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        assert r.json()["subject"] == "user:王科长"
        assert r.json()["name"] == "王科长"
        assert r.json()["role"] == "admin"

        assert_problem(await gw.get("/gateway/v1/me"), 401, "missing_credentials")
        assert_problem(
            await gw.get("/gateway/v1/me", headers={"X-API-Key": "gxk_nope"}),
            401,
            "invalid_api_key",
        )


@asyncio_mark
async def test_docs_assets_are_served_here_under_a_strict_policy(pg: TestDatabase) -> None:
    """Swagger UI comes from a Python package through the gateway: no other host."""
    async with gateway(pg) as gw:
        page = await gw.get("/docs")
        assert page.status_code == 200
        assert "http" not in page.text  # every address is this gateway's own
        csp = page.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "'unsafe-inline'" not in csp
        for name, kind in (
            ("swagger-ui-bundle.js", "text/javascript"),
            ("swagger-ui.css", "text/css"),
            ("docs.js", "text/javascript"),
        ):
            assert f"/docs/assets/{name}" in page.text
            r = await gw.get(f"/docs/assets/{name}", headers={"Accept-Encoding": "gzip"})
            assert r.status_code == 200, name
            assert r.headers["content-type"].startswith(kind)
            assert r.headers["content-encoding"] == "gzip"
        bundle = (await gw.get("/docs/assets/swagger-ui-bundle.js")).text
        assert "SwaggerUIBundle" in bundle
        assert (await gw.get("/docs/assets/../config.py")).status_code == 404
        assert (await gw.get("/docs/assets/index.html")).status_code == 404
