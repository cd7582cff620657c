"""Per-request context (request id, principal token) in contextvars.

Middleware sets them; logging and the outgoing HTTP client read them, so a
request id follows a call from the gateway through every service it touches.
The W3C trace context is OpenTelemetry's own (shared_kit.telemetry).
"""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
principal_token_var: ContextVar[str | None] = ContextVar("principal_token", default=None)
