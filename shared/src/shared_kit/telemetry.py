"""OpenTelemetry tracing, configured only through the standard ``OTEL_*`` variables.

Tracing is off unless an exporter is configured: ``OTEL_TRACES_EXPORTER`` (``otlp``,
``console``; ``none`` is off) or ``OTEL_EXPORTER_OTLP_ENDPOINT`` /
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``; ``OTEL_SDK_DISABLED=true`` wins over both.
The OTLP exporter speaks HTTP/protobuf (``OTEL_EXPORTER_OTLP_PROTOCOL`` must be
``http/protobuf`` when set) and reads its endpoint, headers, timeout and the batch
processor's ``OTEL_BSP_*`` settings itself; the sampler comes from
``OTEL_TRACES_SAMPLER`` (default: parent-based, always on).

Off, no instrumentation runs on the request path (their non-recording spans cost a
fifth of a hot read): :class:`TraceContextMiddleware` gives each request the span
context the SDK's sampler would have given it, so the W3C ``traceparent`` a caller
sent still travels on to every service it reaches, into the log lines and back in
the answer, and a request without one still gets a trace id of its own.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from fastapi import FastAPI
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.propagators.textmap import Getter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator, RandomIdGenerator
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("telemetry")
_lock = threading.Lock()
_configured: str | None = None
# Whether this process records spans (an exporter or a test's processor is configured).
_recording = False
# Probes and scrapes are not worth a span each.
_EXCLUDED = ("/healthz", "/readyz", "/metrics")
_EXCLUDED_URLS = ",".join(f"{path}$" for path in _EXCLUDED)


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def tracing_enabled() -> bool:
    """Whether the ``OTEL_*`` environment asks for spans to be exported."""
    if _env("OTEL_SDK_DISABLED").lower() == "true":
        return False
    exporters = _env("OTEL_TRACES_EXPORTER").lower()
    if exporters:
        return exporters != "none"
    return bool(_env("OTEL_EXPORTER_OTLP_ENDPOINT") or _env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def _exporters() -> list[SpanExporter]:
    names = [n.strip() for n in (_env("OTEL_TRACES_EXPORTER").lower() or "otlp").split(",")]
    out: list[SpanExporter] = []
    for name in names:
        if name == "otlp":
            protocol = _env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or _env(
                "OTEL_EXPORTER_OTLP_PROTOCOL"
            )
            if protocol not in ("", "http/protobuf"):
                raise RuntimeError(
                    f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol!r}: only http/protobuf is installed"
                )
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            out.append(OTLPSpanExporter())
        elif name == "console":
            out.append(ConsoleSpanExporter())
        elif name not in ("", "none"):
            raise RuntimeError(f"OTEL_TRACES_EXPORTER: unknown exporter {name!r}")
    return out


def configure_tracing(service: str, *, processor: SpanProcessor | None = None) -> None:
    """Install this process's tracer provider (once) and the asyncpg instrumentation.

    ``service`` names the component (``OTEL_SERVICE_NAME`` overrides it).
    ``processor`` adds a span processor of the caller's: tests pass one with an
    in-memory exporter, which turns recording on.
    """
    global _configured, _recording
    with _lock:
        if _configured is not None:
            return
        _configured = service
        name = _env("OTEL_SERVICE_NAME") or f"gxst-{service}"
        # Resource.create also reads OTEL_RESOURCE_ATTRIBUTES (deployment.environment, …).
        resource = Resource.create({SERVICE_NAME: name})
        enabled = tracing_enabled() or processor is not None
        provider = (
            TracerProvider(resource=resource)
            if enabled
            else TracerProvider(resource=resource, sampler=ALWAYS_OFF)
        )
        if enabled and tracing_enabled():
            for exporter in _exporters():
                provider.add_span_processor(BatchSpanProcessor(exporter))
        if processor is not None:
            provider.add_span_processor(processor)
        trace.set_tracer_provider(provider)
        _recording = enabled
        if enabled:
            # Covers SQLAlchemy's asyncpg dialect (prepared statements) and the raw read
            # pool. Off, a statement's span would record nothing and carry nothing on.
            AsyncPGInstrumentor().instrument()  # type: ignore[no-untyped-call]
            log.info("tracing on", extra={"otel_service_name": name})


def recording() -> bool:
    """Whether this process records spans (decided once, by :func:`configure_tracing`)."""
    return _recording


def instrument_app(app: FastAPI) -> None:
    """The server span of each request, named by its route template, when recording.

    The choice is made when the middleware stack is built (the first request), after
    :func:`configure_tracing`: recording, OpenTelemetry's instrumented stack; not
    recording, the plain stack under :class:`TraceContextMiddleware`.
    """
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls=_EXCLUDED_URLS, exclude_spans=["receive", "send"]
    )
    instrumented = app.build_middleware_stack
    plain = app._original_build_middleware_stack  # type: ignore[attr-defined]

    def build_middleware_stack() -> ASGIApp:
        if recording():
            return instrumented()
        return TraceContextMiddleware(plain())

    app.build_middleware_stack = build_middleware_stack  # type: ignore[method-assign]


class _HeaderGetter(Getter[Any]):
    """Reads W3C trace headers out of an ASGI scope's header list."""

    def get(self, carrier: Any, key: str) -> list[str] | None:
        name = key.encode("latin-1")
        found = [v.decode("latin-1") for k, v in carrier if k == name]
        return found or None

    def keys(self, carrier: Any) -> list[str]:
        return [k.decode("latin-1") for k, _ in carrier]


_GETTER = _HeaderGetter()
_TRACE_HEADERS = frozenset({b"traceparent", b"tracestate", b"baggage"})


def _ids() -> IdGenerator:
    provider = trace.get_tracer_provider()
    generator = getattr(provider, "id_generator", None)
    return generator if isinstance(generator, IdGenerator) else RandomIdGenerator()


class TraceContextMiddleware:
    """Pure ASGI, tracing off: the request's span context without an instrumentation.

    The same span context the SDK gives a server span when its sampler records
    nothing: the caller's trace id (a fresh one without ``traceparent``), a fresh
    span id, flags not sampled (the random-trace-id flag kept), the caller's
    ``tracestate``. Log lines, the metrics' exemplars, the answer's ``traceparent``
    and the outgoing clients read it from the OpenTelemetry context as before.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.ids = _ids()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"].endswith(_EXCLUDED):
            await self.app(scope, receive, send)
            return
        headers = scope["headers"]
        parent_ctx = None
        if any(k in _TRACE_HEADERS for k, _ in headers):
            parent_ctx = propagate.extract(headers, getter=_GETTER)
        parent = trace.get_current_span(parent_ctx).get_span_context()
        if parent.is_valid:
            trace_id, state = parent.trace_id, parent.trace_state
            flags = TraceFlags(parent.trace_flags & TraceFlags.RANDOM_TRACE_ID)
        else:
            trace_id, state = self.ids.generate_trace_id(), None
            flags = TraceFlags(
                TraceFlags.RANDOM_TRACE_ID if self.ids.is_trace_id_random() else TraceFlags.DEFAULT
            )
        span = NonRecordingSpan(
            SpanContext(trace_id, self.ids.generate_span_id(), False, flags, state)
        )
        token = otel_context.attach(trace.set_span_in_context(span, parent_ctx))
        try:
            await self.app(scope, receive, send)
        finally:
            otel_context.detach(token)


def shutdown_tracing() -> None:
    """Flush the spans still queued (on shutdown: a batch would otherwise be lost)."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.force_flush(5_000)


def current_ids() -> tuple[str, str, str] | None:
    """(trace id, span id, flags) of the current span as hex, or None outside a trace."""
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return None
    return f"{ctx.trace_id:032x}", f"{ctx.span_id:016x}", f"{int(ctx.trace_flags):02x}"
