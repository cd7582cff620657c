"""Pure-ASGI request middleware: request id, access log, request metrics.

The server span and the W3C trace context are OpenTelemetry's (shared_kit.telemetry),
whose middleware runs outside this one; the answer names its trace in ``traceparent``.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared_kit.context import request_id_var
from shared_kit.i18n import language_var, negotiate
from shared_kit.metrics import observe_request
from shared_kit.telemetry import current_ids

log = logging.getLogger("access")
_RID_OK = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_QUIET = frozenset({"/healthz", "/readyz", "/metrics"})


def route_template(scope: Scope) -> str:
    """The matched route's full path template (``/v1/reports/{report_id}``), or "unmatched".

    ``scope["route"]`` is the route as its own router declared it, without the
    prefixes of the routers that include it; the app's route contexts have the
    full template (built once per app, keyed by the route object).
    """
    route = scope.get("route")
    if route is None:
        return "unmatched"
    app = scope.get("app")
    state = getattr(app, "state", None)
    table: dict[int, str] | None = getattr(state, "route_templates", None)
    if table is None:
        table = {
            id(ctx.original_route): ctx.path
            for ctx in iter_route_contexts(getattr(app, "routes", []))
            if ctx.path is not None
        }
        if state is not None:
            state.route_templates = table
    return table.get(id(route)) or getattr(route, "path", None) or "unmatched"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent_rid: str | None = None
        accept_language: str | None = None
        for name, value in scope["headers"]:  # one pass for both headers
            if name == b"x-request-id" and sent_rid is None:
                sent_rid = value.decode("latin-1")
            elif name == b"accept-language" and accept_language is None:
                accept_language = value.decode("latin-1")
        rid = sent_rid if sent_rid and _RID_OK.match(sent_rid) else uuid.uuid4().hex
        ids = current_ids()
        extra = [(b"x-request-id", rid.encode())]
        if ids:
            extra.append((b"traceparent", f"00-{ids[0]}-{ids[1]}-{ids[2]}".encode()))
        # Also in the scope: the 500 handler runs outside this middleware, after the reset.
        scope.setdefault("state", {})["request_id"] = rid
        rid_token = request_id_var.set(rid)
        language_token = language_var.set(negotiate(accept_language))
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *extra]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            path = scope.get("path", "")
            template = route_template(scope)
            observe_request(scope.get("method", ""), template, status["code"], elapsed, ids)
            if path not in _QUIET and log.isEnabledFor(logging.INFO):
                log.info(
                    "request",
                    extra={
                        "method": scope.get("method"),
                        "path": path,
                        "status": status["code"],
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )
            request_id_var.reset(rid_token)
            language_var.reset(language_token)
