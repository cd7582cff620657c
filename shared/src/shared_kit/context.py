"""Per-request context (request id, trace context, principal token) in contextvars.

Middleware sets them; logging and the outgoing HTTP client read them, so a
request id and a W3C trace id follow a call from the gateway through every
service it touches.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar
from dataclasses import dataclass

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
trace_var: ContextVar[TraceContext | None] = ContextVar("trace", default=None)
principal_token_var: ContextVar[str | None] = ContextVar("principal_token", default=None)


@dataclass(frozen=True, slots=True)
class TraceContext:
    trace_id: str
    span_id: str
    flags: str = "01"

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"

    def child(self) -> TraceContext:
        return TraceContext(self.trace_id, secrets.token_hex(8), self.flags)

    @classmethod
    def new(cls) -> TraceContext:
        return cls(secrets.token_hex(16), secrets.token_hex(8))

    @classmethod
    def parse(cls, header: str | None) -> TraceContext | None:
        """Parse a ``traceparent`` header (version 00); None when absent or invalid."""
        if not header:
            return None
        parts = header.strip().split("-")
        if len(parts) != 4 or parts[0] != "00":
            return None
        _, trace_id, span_id, flags = parts
        if (
            len(trace_id) != 32
            or len(span_id) != 16
            or len(flags) != 2
            or trace_id == "0" * 32
            or span_id == "0" * 16
        ):
            return None
        try:
            int(trace_id, 16), int(span_id, 16), int(flags, 16)
        except ValueError:
            return None
        return cls(trace_id.lower(), span_id.lower(), flags.lower())
