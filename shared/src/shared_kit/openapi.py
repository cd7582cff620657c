"""The OpenAPI document tells the truth about errors: every one is ``application/problem+json``.

FastAPI describes each declared error response with the route's own media type
(``application/json``) and adds its ``HTTPValidationError`` shape for 422, while
the platform answers every error with a :class:`~shared_kit.errors.Problem` as
``application/problem+json``. :func:`describe_problems` rewrites the generated
document once, for every route, so clients (and the schemathesis suite) see the
answers they actually get.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from shared_kit.errors import PROBLEM_MEDIA_TYPE, Problem

_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_PROBLEM_REF = "#/components/schemas/Problem"
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")


def _is_error(status: str) -> bool:
    return status == "default" or (status[:1] in "45" and status.isdigit())


def problem_content(schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``content`` of an error response: a problem document."""
    return {PROBLEM_MEDIA_TYPE: {"schema": schema or {"$ref": _PROBLEM_REF}}}


def problem_schemas() -> dict[str, Any]:
    """The component schemas of a problem: ``Problem`` and the ``FieldError`` it uses."""
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    return {**problem.pop("$defs", {}), "Problem": problem}


def _add_problem_schemas(doc: dict[str, Any]) -> None:
    """Problem (and FieldError) as components, unless the routes already brought them."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in problem_schemas().items():
        schemas.setdefault(name, schema)


def _refers_to(node: Any, ref: str) -> bool:
    if isinstance(node, dict):
        return node.get("$ref") == ref or any(_refers_to(v, ref) for v in node.values())
    if isinstance(node, list):
        return any(_refers_to(v, ref) for v in node)
    return False


def rewrite_error_responses(doc: dict[str, Any]) -> dict[str, Any]:
    """Describe every 4xx/5xx/default response of ``doc`` as a problem; returns ``doc``."""
    _add_problem_schemas(doc)
    for item in (doc.get("paths") or {}).values():
        for method, op in item.items():
            if method not in _HTTP_METHODS or not isinstance(op, dict):
                continue
            for status, response in (op.get("responses") or {}).items():
                if not _is_error(str(status)):
                    continue
                schemas = [
                    media.get("schema")
                    for media in (response.get("content") or {}).values()
                    if isinstance(media, dict)
                ]
                # Keep a route's own problem model (a Problem with extension members).
                own = next((s for s in schemas if s and not _is_fastapi_validation(s)), None)
                response["content"] = problem_content(own)
    _drop_unreferenced(doc, _FASTAPI_VALIDATION)
    return doc


def _drop_unreferenced(doc: dict[str, Any], names: tuple[str, ...]) -> None:
    """Remove the component schemas ``names`` (in order) that nothing refers to any more."""
    schemas = doc["components"]["schemas"]
    for name in names:
        if name not in schemas:
            continue
        rest = {k: v for k, v in schemas.items() if k != name}
        elsewhere = {**doc, "components": {**doc["components"], "schemas": rest}}
        if not _refers_to(elsewhere, f"#/components/schemas/{name}"):
            del schemas[name]


def _is_fastapi_validation(schema: dict[str, Any]) -> bool:
    return schema.get("$ref") in {f"#/components/schemas/{n}" for n in _FASTAPI_VALIDATION}


def describe_problems(app: FastAPI) -> None:
    """Make ``app.openapi()`` describe errors as problem documents (rewritten once, cached)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = rewrite_error_responses(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
