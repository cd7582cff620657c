"""Every problem answer a test receives speaks the language it was asked for.

The pytest plugin wraps httpx's ``send`` (sync and async) for the whole run, so each
``application/problem+json`` answer any test gets — from a service app, the gateway or
a real stack — is checked: asked in Chinese (the default), its ``title`` and
``detail`` are Chinese; asked with ``Accept-Language: en``, its ``title`` is English.
A problem carried in one language only fails the run, naming the test and the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from shared_kit.i18n import negotiate

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Violation:
    test: str
    method: str
    url: str
    status: int
    language: str
    problem: str

    def __str__(self) -> str:
        return (
            f"{self.test}: {self.method} {self.url} → {self.status} asked in {self.language}: "
            f"{self.problem}"
        )


def problem_language_errors(response: httpx.Response) -> list[str]:
    """What is wrong with the language of ``response`` if it is a problem; [] otherwise."""
    if not response.headers.get("content-type", "").startswith(PROBLEM):
        return []
    try:
        body: Any = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return []
    if not isinstance(body, dict):
        return []
    language = negotiate(response.request.headers.get("accept-language"))
    title, detail = body.get("title"), body.get("detail")
    out = []
    if language == "zh":
        if not isinstance(title, str) or not CJK.search(title):
            out.append(f"title {title!r} is not Chinese")
        if isinstance(detail, str) and detail and not CJK.search(detail):
            out.append(f"detail {detail!r} is not Chinese")
    elif isinstance(title, str) and CJK.search(title):
        out.append(f"title {title!r} is not English")
    return out


class Recorder:
    """Collects violations while installed; the plugin reports them at the end."""

    def __init__(self) -> None:
        self.test = "(outside a test)"
        self.exempt = False
        self.violations: list[Violation] = []
        self._originals: tuple[Any, Any] | None = None

    def check(self, response: httpx.Response) -> None:
        if self.exempt:
            return
        for problem in problem_language_errors(response):
            request = response.request
            self.violations.append(
                Violation(
                    self.test,
                    request.method,
                    str(request.url),
                    response.status_code,
                    negotiate(request.headers.get("accept-language")),
                    problem,
                )
            )

    def install(self) -> None:
        sync_send, async_send = httpx.Client.send, httpx.AsyncClient.send
        self._originals = (sync_send, async_send)
        recorder = self

        def send(self: httpx.Client, request: httpx.Request, **kw: Any) -> httpx.Response:
            response = sync_send(self, request, **kw)
            if not kw.get("stream"):
                recorder.check(response)
            return response

        async def asend(
            self: httpx.AsyncClient, request: httpx.Request, **kw: Any
        ) -> httpx.Response:
            response = await async_send(self, request, **kw)
            if not kw.get("stream"):
                recorder.check(response)
            return response

        httpx.Client.send = send  # type: ignore[method-assign]
        httpx.AsyncClient.send = asend  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._originals is not None:
            httpx.Client.send, httpx.AsyncClient.send = self._originals  # type: ignore[method-assign]
            self._originals = None
