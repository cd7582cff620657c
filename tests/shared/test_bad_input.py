"""Bad input never becomes a server error, and the OpenAPI document states every answer.

Each case here was first found by the schemathesis suite (tests/reliability/test_fuzz.py)
against the real services; these tests pin the shared_kit fix on a minimal app.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Literal

import httpx
import pytest
import pytest_asyncio
from fastapi import APIRouter, FastAPI, Request, UploadFile
from pydantic import BaseModel

from shared_kit.app import create_service_app
from shared_kit.codes import CityCode, CountyCode, RegionCode, Uscc
from shared_kit.errors import PROBLEM_MEDIA_TYPE, PROBLEM_RESPONSES, Conflict, Problem
from shared_kit.i18n import t
from shared_kit.input_guard import json_has_nul
from shared_kit.patch import Patch
from shared_kit.settings import ServiceSettings

asyncio_mark = pytest.mark.asyncio(loop_scope="session")


class Item(BaseModel):
    name: str
    status: Patch[Literal["active", "closed"]] = None
    note: str | None = None


class Codes(BaseModel):
    uscc: Uscc
    city: CityCode
    county: CountyCode
    region: RegionCode


def make_app() -> FastAPI:
    router = APIRouter(prefix="/v1", tags=["items"], responses=PROBLEM_RESPONSES)

    @router.get("/items/{item_id}", responses={404: {"model": Problem}})
    async def get_item(item_id: str, q: str | None = None) -> dict[str, Any]:
        return {"id": item_id, "q": q}

    @router.post("/items")
    async def create_item(body: Item) -> dict[str, Any]:
        return body.model_dump(exclude_unset=True)

    @router.post("/codes")
    async def check_codes(body: Codes) -> Codes:
        return body

    @router.post("/uploads")
    async def upload(file: UploadFile) -> dict[str, int]:
        return {"size": len(await file.read())}

    @router.post("/csv")
    async def csv(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    @router.post("/revoke")
    async def revoke() -> None:
        raise Conflict(t("已撤销", "already revoked"), extra={"status": "revoked", "allowed": []})

    return create_service_app(
        name="bad-input-test",
        settings=ServiceSettings(log_json=False, log_level="WARNING"),
        routers=[router],
        uses_database=False,
    )


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


def problem(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    return body


class TestOpenApi:
    def test_every_error_is_documented_as_a_problem(self) -> None:
        doc = make_app().openapi()
        errors = [
            response
            for item in doc["paths"].values()
            for op in item.values()
            for status, response in op["responses"].items()
            if status >= "400"
        ]
        assert errors
        for response in errors:
            assert list(response["content"]) == [PROBLEM_MEDIA_TYPE]
        schemas = doc["components"]["schemas"]
        assert "Problem" in schemas
        assert "HTTPValidationError" not in schemas
        assert "ValidationError" not in schemas

    def test_patch_fields_are_not_nullable_in_the_document(self) -> None:
        item = make_app().openapi()["components"]["schemas"]["Item"]["properties"]
        assert item["status"]["enum"] == ["active", "closed"]
        assert "anyOf" not in item["status"]
        assert {"type": "null"} in item["note"]["anyOf"]

    def test_code_formats_are_documented(self) -> None:
        props = make_app().openapi()["components"]["schemas"]["Codes"]["properties"]
        assert "pattern" in props["uscc"]
        assert len(props["city"]["enum"]) == 14
        assert props["county"]["pattern"].startswith("^45")
        assert "pattern" in props["region"]


@asyncio_mark
class TestUnreadableBodies:
    async def test_json_that_is_not_utf8_is_422(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            "/v1/items",
            content=b'{"name": "\xff\xfe"}',
            headers={"content-type": "application/json"},
        )
        body = problem(r, 422)
        assert body["errors"][0]["code"] == "json_invalid"

    async def test_broken_multipart_is_422(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            "/v1/uploads",
            content=b"--x\r\nno headers here",
            headers={"content-type": "multipart/form-data"},  # no boundary
        )
        body = problem(r, 422)
        assert body["errors"][0]["code"] == "multipart_invalid"


@asyncio_mark
class TestNulCharacters:
    async def test_in_a_query_parameter(self, client: httpx.AsyncClient) -> None:
        body = problem(await client.get("/v1/items/1", params={"q": "a\x00b"}), 422)
        assert body["errors"] == [
            {"field": "query.q", "code": "nul_character", "message": body["detail"]}
        ]

    async def test_in_the_path(self, client: httpx.AsyncClient) -> None:
        body = problem(await client.get("/v1/items/a%00b"), 422)
        assert body["errors"][0]["field"] == "path"

    async def test_in_a_json_string(self, client: httpx.AsyncClient) -> None:
        body = problem(await client.post("/v1/items", json={"name": "a\x00b"}), 422)
        assert body["errors"][0]["field"] == "body"

    async def test_in_a_text_body(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            "/v1/csv", content=b"a,b\n1,\x00\n", headers={"content-type": "text/csv"}
        )
        problem(r, 422)

    async def test_clean_bodies_still_reach_the_route(self, client: httpx.AsyncClient) -> None:
        # The guard reads the body first; the route must still get all of it.
        r = await client.post("/v1/items", json={"name": "x" * 100_000})
        assert r.status_code == 200, r.text
        assert r.json()["name"] == "x" * 100_000
        # An escaped backslash followed by "u0000" is text, not a NUL.
        r = await client.post("/v1/items", json={"name": "C:\\u0000"})
        assert r.status_code == 200, r.text
        assert r.json()["name"] == "C:\\u0000"
        r = await client.post(
            "/v1/csv", content=b"a,b\n1,2\n", headers={"content-type": "text/csv"}
        )
        assert r.json() == {"size": 8}


class TestNulDetection:
    def test_json_escapes(self) -> None:
        assert json_has_nul(b'{"a": "\\u0000"}')
        assert json_has_nul(b'{"a": "\\\\\\u0000"}')  # \\ then \u0000
        assert not json_has_nul(b'{"a": "\\\\u0000"}')  # \\ then the text u0000


@asyncio_mark
class TestPatchFields:
    async def test_null_for_a_not_null_field_is_422(self, client: httpx.AsyncClient) -> None:
        body = problem(await client.post("/v1/items", json={"name": "x", "status": None}), 422)
        assert body["errors"][0]["field"] == "body.status"

    async def test_leaving_it_out_or_setting_it_is_fine(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/v1/items", json={"name": "x"})
        assert r.json() == {"name": "x"}
        r = await client.post("/v1/items", json={"name": "x", "status": "closed", "note": None})
        assert r.json() == {"name": "x", "status": "closed", "note": None}


@asyncio_mark
class TestProblemMembers:
    async def test_extension_members_cannot_replace_the_status(
        self, client: httpx.AsyncClient
    ) -> None:
        body = problem(await client.post("/v1/revoke"), 409)
        assert body["code"] == "conflict"
        assert body["allowed"] == []

    async def test_a_server_error_carries_the_request_id(self, client: httpx.AsyncClient) -> None:
        # Seen in the schemathesis suite's 500s: "quote the request id", and it was null.
        r = await client.get("/v1/boom", headers={"X-Request-ID": "req-42"})
        body = problem(r, 500)
        assert body["request_id"] == "req-42"
        assert r.headers["x-request-id"] == "req-42"
        r = await client.get("/v1/boom")
        assert problem(r, 500)["request_id"] == r.headers["x-request-id"]
