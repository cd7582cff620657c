"""OpenTelemetry tracing, configured only through the standard ``OTEL_*`` variables.

Tracing is off unless an exporter is configured: ``OTEL_TRACES_EXPORTER`` (``otlp``,
``console``; ``none`` is off) or ``OTEL_EXPORTER_OTLP_ENDPOINT`` /
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``; ``OTEL_SDK_DISABLED=true`` wins over both.
The OTLP exporter speaks HTTP/protobuf (``OTEL_EXPORTER_OTLP_PROTOCOL`` must be
``http/protobuf`` when set) and reads its endpoint, headers, timeout and the batch
processor's ``OTEL_BSP_*`` settings itself; the sampler comes from
``OTEL_TRACES_SAMPLER`` (default: parent-based, always on).

Off, the instrumentations still run with a sampler that records nothing, so the W3C
``traceparent`` a caller sent still travels on to every service it reaches and into
the log lines, at the cost of a few non-recording spans.
"""

from __future__ import annotations

import logging
import os
import threading

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

log = logging.getLogger("telemetry")
_lock = threading.Lock()
_configured: str | None = None
# Probes and scrapes are not worth a span each.
_EXCLUDED_URLS = "/healthz$,/readyz$,/metrics$"


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
    global _configured
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
        # Covers SQLAlchemy's asyncpg dialect (prepared statements) and the raw read pool.
        AsyncPGInstrumentor().instrument()  # type: ignore[no-untyped-call]
        if enabled:
            log.info("tracing on", extra={"otel_service_name": name})


def instrument_app(app: FastAPI) -> None:
    """The server span of each request, named by its route template."""
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls=_EXCLUDED_URLS, exclude_spans=["receive", "send"]
    )


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
