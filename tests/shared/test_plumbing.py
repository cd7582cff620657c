from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import httpx
import pytest

from shared_kit.errors import ValidationFailed
from shared_kit.http import build_http_client
from shared_kit.pagination import decode_cursor, encode_cursor


class TestCursor:
    def test_round_trip(self) -> None:
        values = [date(2023, 6, 30), uuid.uuid4(), Decimal("1.50"), 7, "x"]
        assert decode_cursor(encode_cursor(values)) == values

    def test_garbage_is_422(self) -> None:
        with pytest.raises(ValidationFailed):
            decode_cursor("not-base64-json!")


@pytest.mark.asyncio(loop_scope="session")
class TestRetries:
    async def test_idempotent_get_is_retried_post_is_not(self) -> None:
        calls: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request.method)
            if len([c for c in calls if c == request.method]) < 2:
                return httpx.Response(503)
            return httpx.Response(200)

        async with build_http_client(
            "http://svc", transport=httpx.MockTransport(handler), retries=2
        ) as client:
            assert (await client.get("/x")).status_code == 200
            assert (await client.post("/x")).status_code == 503
        assert calls == ["GET", "GET", "POST"]

    async def test_retries_are_bounded(self) -> None:
        count = 0

        def handler(request: httpx.Request) -> httpx.Response:
            nonlocal count
            count += 1
            raise httpx.ConnectError("refused", request=request)

        async with build_http_client(
            "http://svc", transport=httpx.MockTransport(handler), retries=2
        ) as client:
            with pytest.raises(httpx.ConnectError):
                await client.get("/x")
        assert count == 3

    async def test_request_id_and_traceparent_are_propagated(self) -> None:
        from opentelemetry import trace
        from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

        from shared_kit.context import request_id_var

        seen: dict[str, str] = {}

        def handler(request: httpx.Request) -> httpx.Response:
            seen.update(request.headers)
            return httpx.Response(200)

        parent = SpanContext(0x4BF92F3577B34DA6A3CE929D0E0E4736, 0x00F067AA0BA902B7, False,
                             TraceFlags(1))  # fmt: skip
        rid = request_id_var.set("rid-1")
        try:
            with trace.use_span(NonRecordingSpan(parent)):
                async with build_http_client(
                    "http://svc", transport=httpx.MockTransport(handler)
                ) as client:
                    await client.get("/x")
        finally:
            request_id_var.reset(rid)
        assert seen["x-request-id"] == "rid-1"
        assert seen["traceparent"].split("-")[1] == "4bf92f3577b34da6a3ce929d0e0e4736"
