"""``/bank/v1/…``: partner banks, authenticated by RFC 9421 signatures (bank-api.md).

A verified request goes to the enterprise service's ``/v1/bank/…`` with a
principal of role ``bank`` whose bank code comes from the signing key.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from gateway.bank.exceptions import BankAuthError
from gateway.bank.metrics import SIGNATURE_FAILURES
from gateway.bank.service import BankAuthenticator, BankClientStore, NonceLedger, SignedRequest
from gateway.config import Settings
from gateway.proxy.router import METHODS, forward, read_body
from shared_kit.errors import problem_response
from shared_kit.i18n import t

router = APIRouter(tags=["bank"])
log = logging.getLogger("gateway.bank")

BANK_SERVICE = "enterprise"


def authenticator(app: FastAPI) -> BankAuthenticator:
    """Built on first use from the app's engine (no extra startup hook needed)."""
    auth: BankAuthenticator | None = getattr(app.state, "bank_authenticator", None)
    if auth is None:
        settings: Settings = app.state.settings
        auth = BankAuthenticator(
            BankClientStore(app.state.engine, ttl=settings.api_key_cache_seconds),
            NonceLedger(app.state.engine),
        )
        app.state.bank_authenticator = auth
    return auth


def target_uri(request: Request, public_base_url: str = "") -> str:
    """The URI the bank signed: its public URL, not the one this process sees.

    With ``GATEWAY_PUBLIC_BASE_URL`` set (behind a proxy or load balancer) that
    trusted base is used; otherwise the request's own scheme and Host. The path
    and query are the raw bytes received, since the bank signed them encoded.
    """
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
    query: bytes = request.scope.get("query_string", b"")
    if public_base_url:
        base = public_base_url.rstrip("/")
    else:
        host = request.headers.get("host") or request.url.netloc
        base = f"{request.url.scheme}://{host}"
    uri = base + raw_path.decode("latin-1")
    if query:
        uri += "?" + query.decode("latin-1")
    return uri


@router.api_route("/bank/v1/{path:path}", methods=METHODS, include_in_schema=False)
async def bank_proxy(request: Request, path: str) -> Response:
    """Forward a signed bank request. Roles: a registered bank client (becomes role bank)."""
    if any(segment in (".", "..") for segment in path.split("/")):
        return problem_response(
            404,
            "not_found",
            t("未找到", "Not found"),
            detail=t("没有这个银行接口资源", "no such bank resource"),
        )
    body = await read_body(request)
    if isinstance(body, Response):
        return body
    settings: Settings = request.app.state.settings
    message = SignedRequest.build(
        request.method, target_uri(request, settings.public_base_url), request.headers.raw, body
    )
    try:
        verified = await authenticator(request.app).authenticate(message)
    except BankAuthError as exc:
        # Operators answer "why are we refused?" from this line and the request id.
        log.warning("bank request refused", extra={"code": exc.code, "detail": exc.detail})
        SIGNATURE_FAILURES.labels(exc.code).inc()
        return problem_response(
            401, exc.code, exc.title, detail=exc.detail, instance=request.url.path
        )
    return await forward(request, BANK_SERVICE, f"v1/bank/{path}", verified.principal(), body)
