"""Tracing off costs no instrumentation per request, yet the W3C trace context still travels.

With no exporter configured, a request runs under shared_kit.telemetry's
TraceContextMiddleware instead of OpenTelemetry's ASGI instrumentation: the answer
still names its trace in ``traceparent`` (the caller's trace when one arrived, a fresh
one otherwise), the log lines and the outgoing clients carry the same trace. With an
exporter configured, every request is a recorded server span as before. The second
half runs a real process, since a process configures its tracer once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

from devstack.layout import REPO
from shared_kit import telemetry
from shared_kit.app import create_service_app
from shared_kit.http import build_http_client
from shared_kit.settings import ServiceSettings

asyncio_mark = pytest.mark.asyncio(loop_scope="session")
CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def make_app(seen: dict[str, Any]) -> FastAPI:
    router = APIRouter(prefix="/v1", tags=["trace"])

    @router.get("/hop")
    async def hop() -> dict[str, Any]:
        def upstream(request: httpx.Request) -> httpx.Response:
            seen["upstream_traceparent"] = request.headers.get("traceparent")
            return httpx.Response(200)

        seen["ids"] = telemetry.current_ids()
        async with build_http_client("http://peer", transport=httpx.MockTransport(upstream)) as c:
            await c.get("/next")
        return {}

    return create_service_app(
        name="trace-test",
        settings=ServiceSettings(log_json=False, log_level="WARNING"),
        routers=[router],
        uses_database=False,
    )


def layers(app: FastAPI) -> list[type]:
    stack: Any = app.build_middleware_stack()
    out = []
    while stack is not None:
        out.append(type(stack))
        stack = getattr(stack, "app", None)
    return out


@asyncio_mark
class TestTracingOff:
    async def test_no_instrumentation_on_the_request_path(self) -> None:
        assert not telemetry.recording()  # no exporter in the test process
        kinds = layers(make_app({}))
        assert telemetry.TraceContextMiddleware in kinds
        assert OpenTelemetryMiddleware not in kinds

    async def test_a_callers_trace_travels_on_and_comes_back(self) -> None:
        seen: dict[str, Any] = {}
        app = make_app(seen)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            r = await client.get("/v1/hop", headers={"traceparent": CALLER})
        assert r.status_code == 200
        version, trace_id, span_id, flags = r.headers["traceparent"].split("-")
        assert (version, trace_id) == ("00", "4bf92f3577b34da6a3ce929d0e0e4736")
        assert span_id not in ("00f067aa0ba902b7", "0" * 16)  # this service's own span
        assert flags == "00"  # nothing here records: not sampled, as the SDK would say
        assert seen["ids"] == (trace_id, span_id, flags)  # what the log lines read
        assert seen["upstream_traceparent"].split("-")[1] == trace_id

    async def test_without_one_each_request_gets_a_trace_of_its_own(self) -> None:
        seen: dict[str, Any] = {}
        app = make_app(seen)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            first = (await client.get("/v1/hop")).headers["traceparent"].split("-")
            upstream = seen["upstream_traceparent"].split("-")
            second = (await client.get("/v1/hop")).headers["traceparent"].split("-")
            probe = await client.get("/healthz")
        assert first[1] != "0" * 32
        assert first[1] != second[1]
        assert upstream[1] == first[1]
        assert first[3] == "02"  # random trace id, not sampled
        assert "traceparent" not in probe.headers  # probes are not traced, as before


SCRIPT = """
import asyncio, httpx, sys
sys.path.insert(0, {tests!r})
from tests.shared.test_trace_context import make_app
from shared_kit import telemetry

async def main():
    app = make_app({{}})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.get("/v1/hop", headers={{"traceparent": {caller!r}}})
    print("TRACEPARENT", r.headers["traceparent"], telemetry.recording(), flush=True)
    telemetry.shutdown_tracing()

asyncio.run(main())
"""


def test_with_an_exporter_every_request_is_a_recorded_span() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env["OTEL_TRACES_EXPORTER"] = "console"
    script = SCRIPT.format(tests=str(REPO), caller=CALLER)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    (marker,) = [line for line in lines if line.startswith("TRACEPARENT")]
    _, traceparent, recording = marker.split()
    assert recording == "True"
    _, trace_id, span_id, flags = traceparent.split("-")
    assert trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert flags == "01"
    # The console exporter prints each span as a JSON object after the answer.
    text = out.stdout[out.stdout.index(marker) + len(marker) :]
    spans, decoder, at = [], json.JSONDecoder(), 0
    while (start := text.find("{", at)) != -1:
        span, at = decoder.raw_decode(text, start)
        spans.append(span)
    servers = [s for s in spans if s["kind"] == "SpanKind.SERVER"]
    assert [s["name"] for s in servers] == ["GET /v1/hop"]
    assert servers[0]["context"]["span_id"] == f"0x{span_id}"
    assert servers[0]["parent_id"] == "0x00f067aa0ba902b7"
    clients = [s for s in spans if s["kind"] == "SpanKind.CLIENT"]
    assert clients
    assert all(s["context"]["trace_id"] == f"0x{trace_id}" for s in clients)
