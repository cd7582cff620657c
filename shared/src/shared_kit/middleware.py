"""Pure-ASGI request middleware: request id, W3C trace context, access log, metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared_kit.context import TraceContext, request_id_var, trace_var
from shared_kit.metrics import Metrics

log = logging.getLogger("access")
_RID_OK = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_QUIET = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k: v for k, v in scope["headers"] if k in (b"x-request-id", b"traceparent")}
        rid_raw = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = rid_raw if _RID_OK.match(rid_raw) else uuid.uuid4().hex
        parent = TraceContext.parse(headers.get(b"traceparent", b"").decode("latin-1"))
        trace = parent.child() if parent else TraceContext.new()
        # Also in the scope: the 500 handler runs outside this middleware, after the reset.
        scope.setdefault("state", {})["request_id"] = rid
        rid_token = request_id_var.set(rid)
        trace_token = trace_var.set(trace)
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", rid.encode()),
                    (b"traceparent", trace.traceparent.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            path = scope.get("path", "")
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            if self.metrics is not None:
                self.metrics.observe(scope.get("method", ""), template, status["code"], elapsed)
            if path not in _QUIET:
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
            trace_var.reset(trace_token)
