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

from fastapi.routing import iter_route_contexts
from starlette.routing import compile_path
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
