"""One OpenAPI document for the whole platform, merged from every service's own.

Each service's paths move under its public prefix (``/api/{service}``; the
enterprise service's ``/v1/bank/…`` under ``/bank/v1/…``), its component names
get the service as prefix (``projects_ChallengeDemandRead``) with every
``$ref`` rewritten, and its operation ids and tags are prefixed likewise, so
nothing collides. A service that cannot be fetched is named in
``x-missing-services`` instead of failing the document.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import orjson

from shared_kit.openapi import problem_content, rewrite_error_responses

log = logging.getLogger("gateway.apidoc")

BANK_SERVICE, BANK_PREFIX, BANK_PUBLIC = "enterprise", "/v1/bank/", "/bank/v1/"
_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

SECURITY_SCHEMES: dict[str, Any] = {
    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "Bearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "frontend users: a token from the department's identity provider",
    },
    "BankSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "Signature",
        "description": (
            "partner banks only, and only on /bank/v1/…: an RFC 9421 HTTP Message Signature "
            "(Signature-Input + Signature, covering @method, @target-uri, content-digest when "
            "there is a body, idempotency-key on POST; created/keyid/nonce/alg required), the "
            "body's RFC 9530 Content-Digest (sha-256). Bank API keys and tokens are refused "
            "(403 bank_signature_required). See docs/bank-integration.md."
        ),
    },
}

# The request headers of the RFC 9421 signature, declared on every /bank/v1 operation.
_SIGNATURE_HEADERS: list[dict[str, Any]] = [
    {
        "name": "Signature-Input",
        "in": "header",
        "required": True,
        "description": (
            'RFC 9421 §4.1: one signature, e.g. sig1=("@method" "@target-uri" '
            '"idempotency-key" "content-digest");created=…;keyid="bk_…";nonce="…";alg="ed25519"'
        ),
        "schema": {"type": "string"},
    },
    {
        "name": "Signature",
        "in": "header",
        "required": True,
        "description": "RFC 9421 §4.2: the signature of the same label, sig1=:base64:",
        "schema": {"type": "string"},
    },
]
_CONTENT_DIGEST: dict[str, Any] = {
    "name": "Content-Digest",
    "in": "header",
    "required": True,
    "description": "RFC 9530 digest of the exact body bytes, sha-256=:base64:, covered by the "
    "signature",
    "schema": {"type": "string"},
}


def declare_bank_signature(op: dict[str, Any]) -> None:
    """A /bank/v1 operation: signed requests only, the signature headers described."""
    op["security"] = [{"BankSignature": []}]
    headers = [*_SIGNATURE_HEADERS, *([_CONTENT_DIGEST] if "requestBody" in op else [])]
    op["parameters"] = [*headers, *(op.get("parameters") or [])]


# What the gateway itself may answer on any proxied operation, instead of the service.
GATEWAY_PROBLEM = {"$ref": "#/components/schemas/gateway_Problem"}
GATEWAY_ANSWERS: dict[str, str] = {
    "401": "no valid API key, frontend token or bank signature",
    "404": "a path segment is '.' or '..'",
    "413": "the body is larger than the gateway accepts",
    "429": "the client's rate limit is spent; retry after Retry-After seconds",
    "502": "the service could not be reached",
    "504": "the service did not answer in time",
}


def declare_gateway_answers(op: dict[str, Any]) -> None:
    """Add the gateway's own problems to a proxied operation's responses (the service's
    own description of a status wins)."""
    responses = op.setdefault("responses", {})
    has_path_params = any(p.get("in") == "path" for p in op.get("parameters") or [])
    for status, description in GATEWAY_ANSWERS.items():
        if (status == "413" and "requestBody" not in op) or (
            status == "404" and not has_path_params
        ):
            continue
        answer: dict[str, Any] = {
            "description": description,
            "content": problem_content(GATEWAY_PROBLEM),
        }
        if status == "429":
            answer["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
        responses.setdefault(status, answer)


def public_path(service: str, path: str) -> str:
    if service == BANK_SERVICE and path.startswith(BANK_PREFIX):
        return BANK_PUBLIC + path[len(BANK_PREFIX) :]
    return f"/api/{service}{path}"


def _rewrite_refs(node: Any, rename: Callable[[str], str]) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and v.startswith("#/components/"):
                out[k] = rename(v)
            else:
                out[k] = _rewrite_refs(v, rename)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, rename) for v in node]
    return node


def add_service(merged: dict[str, Any], service: str, doc: dict[str, Any], *, prefix: bool) -> None:
    """Fold ``doc`` into ``merged``; ``prefix=False`` keeps paths (the gateway's own)."""

    def name(n: str) -> str:
        return f"{service}_{n}"

    def rename(ref: str) -> str:
        parts = ref.split("/")  # "#", "components", kind, name
        if len(parts) == 4:
            parts[3] = name(parts[3])
        return "/".join(parts)

    doc = _rewrite_refs(copy.deepcopy(doc), rename)
    components = merged.setdefault("components", {})
    for kind, entries in (doc.get("components") or {}).items():
        if kind == "securitySchemes":
            continue  # the gateway's own schemes describe what clients send
        target = components.setdefault(kind, {})
        for n, value in entries.items():
            target[name(n)] = value
    tag_names: set[str] = set()
    for path, item in (doc.get("paths") or {}).items():
        out_path = public_path(service, path) if prefix else path
        for method, op in item.items():
            if method not in _HTTP_METHODS or not isinstance(op, dict):
                continue
            if "operationId" in op:
                op["operationId"] = f"{service}-{op['operationId']}"
            op["tags"] = [f"{service}: {t}" for t in op.get("tags") or ["default"]]
            tag_names.update(op["tags"])
            if prefix:
                declare_gateway_answers(op)
        merged["paths"][out_path] = item
    known = {t["name"] for t in merged["tags"]}
    described = {f"{service}: {t['name']}": t for t in doc.get("tags") or [] if "name" in t}
    for tag in sorted(tag_names - known):
        merged["tags"].append(described.get(tag, {}) | {"name": tag})


def merge(
    services: dict[str, dict[str, Any] | None], own: dict[str, Any], *, title: str, version: str
) -> dict[str, Any]:
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Every service of the platform behind the gateway, one document.",
        },
        "paths": {},
        "components": {"securitySchemes": copy.deepcopy(SECURITY_SCHEMES)},
        "security": [{"ApiKey": []}, {"Bearer": []}],
        "tags": [],
    }
    # Rewritten again so the gateway's Problem is there for the answers it adds.
    add_service(merged, "gateway", rewrite_error_responses(copy.deepcopy(own)), prefix=False)
    missing: list[str] = []
    for service, doc in services.items():
        if doc is None:
            missing.append(service)
            continue
        add_service(merged, service, doc, prefix=True)
    for path, item in merged["paths"].items():
        if path.startswith(BANK_PUBLIC):
            for method, op in item.items():
                if method in _HTTP_METHODS and isinstance(op, dict):
                    declare_bank_signature(op)
    merged["x-missing-services"] = missing
    return merged


class ApiDocument:
    """Builds the merged document on demand; caches it briefly (shorter when incomplete)."""

    def __init__(
        self,
        upstreams: dict[str, str],
        http: aiohttp.ClientSession,
        own: Callable[[], dict[str, Any]],
        *,
        cache_seconds: float = 30.0,
        timeout_seconds: float = 3.0,
        title: str = "Guangxi S&T platform API",
        version: str = "0.1.0",
    ) -> None:
        self.upstreams, self.http, self.own = upstreams, http, own
        self.cache_seconds = cache_seconds
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self.title, self.version = title, version
        self._cached: tuple[float, bytes] | None = None
        self._lock = asyncio.Lock()

    async def body(self) -> bytes:
        """The merged document as JSON bytes."""
        cached = self._cached
        if cached and cached[0] > time.monotonic():
            return cached[1]
        async with self._lock:
            cached = self._cached
            if cached and cached[0] > time.monotonic():
                return cached[1]
            names = list(self.upstreams)
            docs = await asyncio.gather(*(self._fetch(n) for n in names))
            merged = merge(
                dict(zip(names, docs, strict=True)),
                self.own(),
                title=self.title,
                version=self.version,
            )
            body = orjson.dumps(merged)
            ttl = (
                self.cache_seconds
                if not merged["x-missing-services"]
                else min(self.cache_seconds, 5.0)
            )
            self._cached = (time.monotonic() + ttl, body)
            return body

    async def _fetch(self, service: str) -> dict[str, Any] | None:
        url = f"{self.upstreams[service]}/openapi.json"
        try:
            async with self.http.get(
                url, timeout=self.timeout, headers={"Accept-Encoding": "identity"}
            ) as resp:
                resp.raise_for_status()
                doc = orjson.loads(await resp.read())
        except (aiohttp.ClientError, TimeoutError, orjson.JSONDecodeError) as exc:
            log.warning(
                "service OpenAPI unavailable", extra={"service": service, "error": repr(exc)}
            )
            return None
        if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
            log.warning("service OpenAPI malformed", extra={"service": service})
            return None
        return doc
