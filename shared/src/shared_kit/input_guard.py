"""No text input may carry U+0000: PostgreSQL cannot store it in any text column.

Without this guard a NUL in a query parameter, a path segment or a JSON string
reaches the database and fails there as a server error. The middleware answers
422 instead, naming the offending input, before any route runs. Uploaded files
(CSV/XLSX imports) are parsed by the services, which check their cells.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared_kit.errors import FieldError, ValidationFailed, problem_response
from shared_kit.i18n import t

NUL_CODE = "nul_character"
NUL_MESSAGE = t(
    "文本不能包含 NUL 字符（U+0000）", "text may not contain the NUL character (U+0000)"
)
_JSON_NUL = b"\\u0000"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def json_has_nul(body: bytes) -> bool:
    """Whether a JSON text holds an escaped NUL (``\\u0000`` not itself escaped)."""
    at = body.find(_JSON_NUL)
    while at != -1:
        backslashes = 0
        while at - backslashes > 0 and body[at - backslashes - 1] == 0x5C:
            backslashes += 1
        if backslashes % 2 == 0:
            return True
        at = body.find(_JSON_NUL, at + 1)
    return False


def _query_field(query: bytes) -> str | None:
    if b"%00" not in query and b"\x00" not in query:
        return None
    for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if "\x00" in key or "\x00" in value:
            return "query." + key.replace("\x00", "")
    return None


def _media_type(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"content-type":
            media_type: bytes = value.split(b";", 1)[0]
            return media_type.strip().lower().decode("latin-1")
    return ""


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _body_has_nul(media_type: str, body: bytes) -> bool:
    return json_has_nul(body) if _is_json(media_type) else b"\x00" in body


class InputGuardMiddleware:
    """Pure ASGI: 422 for a NUL in the path, the query or a JSON/text body.

    ``check_bodies=False`` (the gateway) leaves bodies to the services, so
    proxied uploads stream through unbuffered.
    """

    def __init__(self, app: ASGIApp, *, check_bodies: bool = True) -> None:
        self.app = app
        self.check_bodies = check_bodies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        field = "path" if "\x00" in scope.get("path", "") else _query_field(scope["query_string"])
        if field is None and self.check_bodies and scope["method"] in _BODY_METHODS:
            media_type = _media_type(scope)
            if _is_json(media_type) or media_type.startswith("text/"):
                body, receive = await _buffer(receive)
                if _body_has_nul(media_type, body):
                    field = "body"
        if field is None:
            await self.app(scope, receive, send)
            return
        response = problem_response(
            422,
            "validation_error",
            ValidationFailed.title,
            detail=NUL_MESSAGE,
            instance=scope.get("path"),
            errors=[FieldError(field=field, code=NUL_CODE, message=NUL_MESSAGE)],
        )
        await response(scope, receive, send)


def _repeat(message: Message) -> Receive:
    async def again() -> Message:
        return message

    return again


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body, and a ``receive`` that hands it to the app again."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"", _repeat(message)  # the client went away: the app sees it too
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
