"""One owner per path: the most specific route template answers, and a method it lacks is a 405.

FastAPI tries routes in declaration order, dispatches the first that matches path
AND method, and otherwise answers 405 from the first path match alone. Two faults
follow: ``GET /v1/contracts/imports`` (only POST declared) reaches
``GET /v1/contracts/{id}`` and fails as a malformed id, and the ``Allow`` header
lists the methods of one route instead of every method of the path.

:class:`MethodGuardMiddleware` settles both before routing: among the templates
that match the path, the most specific one (a literal segment beats a parameter
at the first place they differ) owns it; a method it does not declare is a 405
problem whose ``Allow`` lists every method it does.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Match, Route, compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from shared_kit.errors import MethodNotAllowed, problem_response
from shared_kit.i18n import t

_LITERAL, _PARAMETER, _REST = 0, 1, 2
Key = tuple[tuple[int, str], ...]


def _segment_key(segment: str) -> tuple[int, str]:
    if "{" not in segment:
        return (_LITERAL, segment)
    return (_REST, "") if ":path}" in segment else (_PARAMETER, "")


def specificity(path: str) -> Key:
    """Sort key of a path template: at the first difference, a literal segment comes first.

    Templates matching the same paths get the same key, whatever their parameter names.
    """
    return tuple(_segment_key(s) for s in path.strip("/").split("/"))


@dataclass(frozen=True)
class Template:
    key: Key
    regex: re.Pattern[str]
    methods: frozenset[str] | None  # None: the route takes every method

    @property
    def allow(self) -> str:
        return ", ".join(sorted(self.methods or ()))


def templates(routes: list[object]) -> list[Template]:
    """The path templates of ``routes`` (included routers walked), most specific first."""
    methods: dict[Key, set[str] | None] = {}
    regex: dict[Key, re.Pattern[str]] = {}
    for route in iter_route_contexts(routes):  # type: ignore[arg-type]
        path = route.path
        if not isinstance(path, str):
            continue
        key = specificity(path)
        regex.setdefault(key, compile_path(path)[0])
        declared = route.methods
        if declared is None or (key in methods and methods[key] is None):
            methods[key] = None
        else:
            methods.setdefault(key, set()).update(declared)  # type: ignore[union-attr]
    out = [
        Template(key, regex[key], None if m is None else frozenset(m)) for key, m in methods.items()
    ]
    return sorted(out, key=lambda t: t.key)


class MethodGuardMiddleware:
    """Pure ASGI: 405 (``Allow`` complete) when the path's own template lacks the method."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._by_length: dict[int, list[Template]] | None = None
        self._rest: list[Template] = []

    def _table(self, scope: Scope) -> dict[int, list[Template]]:
        if self._by_length is None:
            # Built on the first request: by then every router is included.
            by_length: dict[int, list[Template]] = defaultdict(list)
            for template in templates(list(scope["app"].routes)):
                if template.key and template.key[-1][0] == _REST:
                    self._rest.append(template)
                else:
                    by_length[len(template.key)].append(template)
            self._by_length = by_length
        return self._by_length

    def owner(self, scope: Scope, path: str) -> Template | None:
        candidates = self._table(scope).get(len(path.strip("/").split("/")), [])
        for template in (*candidates, *self._rest):
            if template.regex.match(path):
                return template  # most specific first within each list
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        owner = self.owner(scope, scope.get("path", ""))
        if owner is None or owner.methods is None or scope["method"] in owner.methods:
            await self.app(scope, receive, send)
            return
        response = problem_response(
            MethodNotAllowed.status,
            MethodNotAllowed.code,
            MethodNotAllowed.title,
            detail=t(
                f"此路径不支持 {scope['method']}，可用方法：{owner.allow}",
                f"{scope['method']} is not supported on this path; allowed: {owner.allow}",
            ),
            instance=scope.get("path"),
            headers={"Allow": owner.allow},
        )
        await response(scope, receive, send)


class RouteTable:
    """Pure ASGI, in place of the app's router: a request straight to its route.

    FastAPI matches a request by walking its tree of included routers and, on every
    request, recomputing each router's version over all of its routes (a fifth of a hot
    read's Python time in a service of a hundred routes). The routes never change once
    the app serves, so the table is built on the first request: the routes flattened in
    FastAPI's own order, bucketed by their number of path segments, each with its literal
    prefix. The first route that matches fully is the one FastAPI would pick; it runs as
    FastAPI runs it (a plain Starlette route as Starlette does). Anything else (a method
    mismatch, a redirect, a mount, a 404) goes through the router as before.
    """

    def __init__(self, router: APIRouter) -> None:
        self.router = router
        self._by_segments: dict[int, list[Any]] | None = None
        self._rest: list[Any] = []

    def _build(self) -> dict[int, list[Any]]:
        if getattr(self.router, "form_limits", None):
            return {}  # the router applies its form limits to the scope: let it route
        indexed: list[tuple[int, int | None, str, Any]] = []
        for index, route in enumerate(iter_route_contexts(self.router.routes)):
            path = route.path  # with its convertors: ``{rest:path}`` spans segments
            if not isinstance(route.original_route, APIRoute | Route) or not isinstance(path, str):
                continue  # mounts, websockets: the router decides
            segments = None if ":path}" in path else path.count("/")
            indexed.append((index, segments, path.split("{", 1)[0], route))
        rest = [(i, prefix, r) for i, n, prefix, r in indexed if n is None]
        by_segments: dict[int, list[Any]] = {}
        for n in {n for _, n, _, _ in indexed if n is not None}:
            mine = [(i, prefix, r) for i, m, prefix, r in indexed if m == n]
            by_segments[n] = [(p, r) for _, p, r in sorted(mine + rest, key=lambda e: e[0])]
        self._rest = [(p, r) for _, p, r in rest]
        return by_segments

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("root_path"):
            table = self._by_segments
            if table is None:
                table = self._by_segments = self._build()
            path: str = scope["path"]
            for prefix, route in table.get(path.count("/"), self._rest):
                if not path.startswith(prefix):
                    continue
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope.setdefault("router", self.router)
                    scope.update(child_scope)
                    original = route.original_route
                    scope["route"] = original
                    if isinstance(original, APIRoute):
                        await route.app(scope, receive, send)
                    else:
                        await route.handle(scope, receive, send)
                    return
        await self.router(scope, receive, send)


def route_directly(app: FastAPI) -> None:
    """Put a :class:`RouteTable` in place of the router at the core of ``app``'s stack."""
    build = app.build_middleware_stack

    def build_middleware_stack() -> ASGIApp:
        stack = build()
        node: Any = stack
        while (inner := getattr(node, "app", None)) is not None:
            if inner is app.router:
                node.app = RouteTable(app.router)
                break
            node = inner
        return stack

    app.build_middleware_stack = build_middleware_stack  # type: ignore[method-assign]
