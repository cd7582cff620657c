"""Outgoing HTTP: one typed client factory with deadlines, bounded retries and propagation.

Retries apply to idempotent methods only (GET, HEAD, OPTIONS, PUT, DELETE), on
connection errors and on 502/503/504, with a short exponential back-off, and
never past the request's own timeout budget. The request id and the caller's
principal token follow every call; each attempt is a client span whose W3C
``traceparent`` the OpenTelemetry transport adds (shared_kit.telemetry).
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
import httpx
from opentelemetry.instrumentation.httpx import AsyncOpenTelemetryTransport

from shared_kit.auth import PRINCIPAL_HEADER
from shared_kit.context import principal_token_var, request_id_var

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({502, 503, 504})


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx's API over one long-lived aiohttp session with keep-alive.

    A plain ``httpx.AsyncHTTPTransport`` costs about 2.6 ms of CPU a request here (its
    connection pool; docs/performance.md); aiohttp's costs a fraction of that. Bodies are
    read whole: the services answer JSON of bounded size. aiohttp's errors are raised as
    httpx's, so callers and :class:`RetryingTransport` see one family of exceptions.
    Why not the ``httpx-aiohttp`` package: it maps a dropped keep-alive connection
    (``ServerDisconnectedError``) to ``ConnectTimeout``, which would stop the idempotent
    retry that carries a read past a replica killed mid-request (tests/ops/test_replicas.py).
    """

    def __init__(self, *, max_connections: int = 50) -> None:
        self.max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.max_connections),
                auto_decompress=False,  # httpx decodes content-encoding itself
                skip_auto_headers=("User-Agent", "Accept-Encoding"),
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=timeouts.get("connect"),
            sock_read=timeouts.get("read"),
        )
        try:
            async with self._client().request(
                request.method,
                str(request.url),
                headers=[(k.decode(), v.decode()) for k, v in request.headers.raw],
                data=await request.aread() or None,
                timeout=timeout,
                allow_redirects=False,
            ) as resp:
                body = await resp.read()
                headers = [(k.decode(), v.decode()) for k, v in resp.raw_headers]
                status = resp.status
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except aiohttp.ServerDisconnectedError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx.ReadError(str(exc), request=request) from exc
        return httpx.Response(status, headers=headers, content=body, request=request)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


class RetryingTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        retries: int = 2,
        backoff: float = 0.05,
        budget: float | None = None,
    ) -> None:
        self.inner, self.retries, self.backoff, self.budget = inner, retries, backoff, budget

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                response = await self.inner.handle_async_request(request)
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError):
                if not self._may_retry(request, attempt, started):
                    raise
            else:
                if response.status_code not in RETRY_STATUSES or not self._may_retry(
                    request, attempt, started
                ):
                    return response
                await response.aclose()
            await asyncio.sleep(self.backoff * (2**attempt))
            attempt += 1

    def _may_retry(self, request: httpx.Request, attempt: int, started: float) -> bool:
        if request.method not in IDEMPOTENT or attempt >= self.retries:
            return False
        return (
            self.budget is None
            or time.monotonic() - started + self.backoff * (2**attempt) < self.budget
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _propagate(request: httpx.Request) -> None:
    rid = request_id_var.get()
    if rid and "x-request-id" not in request.headers:
        request.headers["x-request-id"] = rid
    token = principal_token_var.get()
    if token and PRINCIPAL_HEADER not in request.headers:
        request.headers[PRINCIPAL_HEADER] = token


def build_http_client(
    base_url: str = "",
    *,
    timeout: float = 5.0,
    connect_timeout: float = 1.0,
    retries: int = 2,
    max_connections: int = 50,
    transport: httpx.AsyncBaseTransport | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` for calling another service.

    ``transport`` may be replaced in unit tests by ``httpx.MockTransport``.
    """
    inner = transport or AiohttpTransport(max_connections=max_connections)
    return httpx.AsyncClient(
        base_url=base_url,
        transport=RetryingTransport(
            AsyncOpenTelemetryTransport(inner), retries=retries, budget=timeout
        ),
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        headers=headers,
        event_hooks={"request": [_propagate]},
    )
