"""One API document: the gateway merges every real service's OpenAPI under its prefix."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn

from devstack.pg import free_port
from devstack.pytest_plugin import TestDatabase
from gateway.apidoc.service import merge
from gateway.config import SERVICES
from shared_kit.auth import Role
from tests.gateway.helpers import gateway, make_api_key

asyncio_mark = pytest.mark.asyncio(loop_scope="session")
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def services(pg: TestDatabase) -> AsyncIterator[dict[str, str]]:
    """Every real service (create_app factories) under uvicorn on a free port."""
    servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []
    urls: dict[str, str] = {}
    for name in SERVICES:
        module = importlib.import_module(f"{name}_service.main")
        config = importlib.import_module(f"{name}_service.config")
        settings = config.Settings(
            database_url=pg.dsn(name),
            principal_public_key=pg.secrets.principal_public_key,
            log_json=False,
            log_level="WARNING",
        )
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                module.create_app(settings),
                host="127.0.0.1",
                port=port,
                log_level="warning",
                lifespan="on",
                timeout_graceful_shutdown=1,
            )
        )
        servers.append((server, asyncio.create_task(server.serve())))
        urls[name] = f"http://127.0.0.1:{port}"
    for server, task in servers:
        for _ in range(500):
            if server.started or task.done():
                break
            await asyncio.sleep(0.02)
        assert server.started, task.exception() if task.done() else "uvicorn did not start"
    yield urls
    for server, _ in servers:
        server.should_exit = True
    await asyncio.gather(*(task for _, task in servers))


async def own_documents(urls: dict[str, str]) -> dict[str, dict[str, Any]]:
    async with httpx.AsyncClient() as client:
        docs = {}
        for name, url in urls.items():
            r = await client.get(f"{url}/openapi.json")
            assert r.status_code == 200, (name, r.text)
            docs[name] = r.json()
        return docs


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in _METHODS
    ]


@asyncio_mark
class TestMergedDocument:
    async def test_every_service_path_under_its_prefix(
        self, pg: TestDatabase, services: dict[str, str]
    ) -> None:
        upstreams = {f"upstream_{name}": url for name, url in services.items()}
        async with gateway(pg, **upstreams) as gw:
            r = await gw.get("/openapi.json")
            assert r.status_code == 200, r.text
            merged = r.json()
        own = await own_documents(services)
        assert merged["x-missing-services"] == []
        for name, doc in own.items():
            assert doc["paths"], f"{name} publishes no paths"
            for path, method, op in operations(doc):
                public = (
                    "/bank/v1/" + path.removeprefix("/v1/bank/")
                    if name == "enterprise" and path.startswith("/v1/bank/")
                    else f"/api/{name}{path}"
                )
                assert public in merged["paths"], (name, path)
                merged_op = merged["paths"][public][method]
                assert merged_op["operationId"] == f"{name}-{op['operationId']}"
                assert all(t.startswith(f"{name}: ") for t in merged_op["tags"])
        # The gateway's own endpoints, and no raw service paths left over.
        assert "get" in merged["paths"]["/gateway/v1/audit-log"]
        assert all(
            p.startswith(("/api/", "/bank/v1/", "/gateway/", "/dev/")) for p in merged["paths"]
        )
        # Every $ref resolves, to a component named after its service.
        components = merged["components"]
        for ref in refs(merged):
            _, _, kind, name = ref.split("/")
            assert name in components[kind], ref
        prefixes = tuple(f"{s}_" for s in (*SERVICES, "gateway"))
        assert all(n.startswith(prefixes) for n in components["schemas"])
        ids = [op["operationId"] for _, _, op in operations(merged)]
        assert len(ids) == len(set(ids))
        assert {"ApiKey", "Bearer"} <= set(components["securitySchemes"])

    async def test_a_down_service_is_listed_not_fatal(
        self, pg: TestDatabase, services: dict[str, str]
    ) -> None:
        upstreams = {f"upstream_{name}": url for name, url in services.items()}
        upstreams["upstream_talent"] = f"http://127.0.0.1:{free_port()}"
        async with gateway(pg, **upstreams) as gw:
            merged = (await gw.get("/openapi.json")).json()
        assert merged["x-missing-services"] == ["talent"]
        assert not any(p.startswith("/api/talent/") for p in merged["paths"])
        assert any(p.startswith("/api/projects/") for p in merged["paths"])

    async def test_docs_and_no_framework_document(
        self, pg: TestDatabase, services: dict[str, str]
    ) -> None:
        async with gateway(pg, upstream_projects=services["projects"]) as gw:
            r = await gw.get("/docs")
            assert r.status_code == 200
            assert "swagger-ui" in r.text
            assert "/openapi.json" in r.text
            assert (await gw.get("/redoc")).status_code == 404

    async def test_the_merged_paths_route_through_the_proxy(
        self, pg: TestDatabase, services: dict[str, str]
    ) -> None:
        # A listed path answers through the gateway with the service's own auth decision.
        key, _ = await make_api_key(pg, Role.analyst)
        upstreams = {f"upstream_{name}": url for name, url in services.items()}
        async with gateway(pg, **upstreams) as gw:
            merged = (await gw.get("/openapi.json")).json()
            path = next(
                p for p, item in merged["paths"].items()
                if p.startswith("/api/projects/") and "get" in item and "{" not in p
                and not any(
                    prm.get("required") and prm.get("in") == "query"
                    for prm in item["get"].get("parameters", [])
                )
            )  # fmt: skip
            r = await gw.get(path, headers={"X-API-Key": key})
            assert r.status_code in (200, 403), r.text


def test_bank_paths_and_collisions() -> None:
    schema = {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Item"}}}
    doc: dict[str, Any] = {
        "paths": {
            "/v1/bank/loan-batches": {
                "post": {
                    "operationId": "bank-push",
                    "tags": ["bank"],
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                        }
                    },
                }
            },
            "/v1/enterprises": {"get": {"operationId": "list", "tags": ["enterprises"]}},
        },
        "components": {"schemas": {"Item": {"type": "object"}, "Box": schema}},
    }
    other = {
        "paths": {"/v1/items": {"get": {"operationId": "list"}}},
        "components": {"schemas": {"Item": {"type": "string"}}},
    }
    merged = merge(
        {"enterprise": doc, "talent": other, "transfer": None},
        {"paths": {}},
        title="t",
        version="1",
    )
    assert set(merged["paths"]) == {
        "/bank/v1/loan-batches",
        "/api/enterprise/v1/enterprises",
        "/api/talent/v1/items",
    }
    push = merged["paths"]["/bank/v1/loan-batches"]["post"]
    assert push["security"] == [{"BankSignature": []}]
    ref = push["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/enterprise_Item"
    schemas = merged["components"]["schemas"]
    assert schemas["enterprise_Item"] == {"type": "object"}
    assert schemas["talent_Item"] == {"type": "string"}
    assert schemas["enterprise_Box"]["properties"]["x"]["$ref"].endswith("/enterprise_Item")
    assert merged["x-missing-services"] == ["transfer"]
    assert doc["paths"]["/v1/bank/loan-batches"]["post"]["operationId"] == "bank-push"  # untouched


def test_the_gateways_own_answers_are_declared() -> None:
    # Found by tests/reliability/test_fuzz.py: a proxied operation answered 429 (and could
    # answer 413, 502, 504) without the document saying so.
    item = {"parameters": [{"name": "id", "in": "path", "required": True, "schema": {}}]}
    doc: dict[str, Any] = {
        "paths": {
            "/v1/things/{id}": {
                "get": {**item, "responses": {"404": {"description": "the service's own"}}},
                "post": {**item, "requestBody": {"content": {}}, "responses": {}},
            },
            "/v1/things": {"get": {"responses": {}}},
        }
    }
    merged = merge({"projects": doc}, {"paths": {}}, title="t", version="1")
    paths = merged["paths"]
    get, post = (
        paths["/api/projects/v1/things/{id}"]["get"],
        paths["/api/projects/v1/things/{id}"]["post"],
    )
    assert {"401", "404", "429", "502", "504"} <= set(get["responses"])
    assert get["responses"]["404"] == {"description": "the service's own"}
    assert "413" in post["responses"]
    assert "413" not in get["responses"]
    listing = paths["/api/projects/v1/things"]["get"]["responses"]
    assert "404" not in listing
    assert "Retry-After" in listing["429"]["headers"]
    ref = listing["429"]["content"]["application/problem+json"]["schema"]["$ref"]
    assert ref.split("/")[-1] in merged["components"]["schemas"]


@asyncio_mark
class TestBankInterfaceDocument:
    async def test_signature_headers_and_required_idempotency_key(
        self, pg: TestDatabase, services: dict[str, str]
    ) -> None:
        """The served /bank/v1 operations say what a bank must send: the RFC 9421 headers
        (and Content-Digest with a body) and, on the batch POST, Idempotency-Key (400
        without it)."""
        async with gateway(pg, upstream_enterprise=services["enterprise"]) as gw:
            merged = (await gw.get("/openapi.json")).json()
        scheme = merged["components"]["securitySchemes"]["BankSignature"]
        assert "RFC 9421" in scheme["description"]
        bank_ops = [(p, m, op) for p, m, op in operations(merged) if p.startswith("/bank/v1/")]
        assert {(p, m) for p, m, _ in bank_ops} >= {
            ("/bank/v1/loan-batches", "post"),
            ("/bank/v1/loan-batches/{batch_id}", "get"),
            ("/bank/v1/listed-enterprises", "get"),
            ("/bank/v1/reconciliation", "get"),
        }
        for path, method, op in bank_ops:
            assert op["security"] == [{"BankSignature": []}], path
            headers = {p["name"]: p for p in op["parameters"] if p["in"] == "header"}
            assert headers["Signature-Input"]["required"] is True, path
            assert headers["Signature"]["required"] is True, path
            assert ("Content-Digest" in headers) == ("requestBody" in op), (path, method)
        post = merged["paths"]["/bank/v1/loan-batches"]["post"]
        headers = {p["name"]: p for p in post["parameters"] if p["in"] == "header"}
        assert headers["Idempotency-Key"]["required"] is True
        assert headers["Idempotency-Key"]["schema"]["maxLength"] == 255
        assert headers["Content-Digest"]["required"] is True
        assert "400" in post["responses"]
        # Declared once: not also as the framework's optional header.
        assert [p["name"] for p in post["parameters"]].count("Idempotency-Key") == 1
