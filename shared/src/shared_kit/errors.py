"""RFC 9457 problem details: the one error shape of the platform.

Every non-2xx answer is ``application/problem+json`` with a stable ``code``.
Domain code raises :class:`AppError` subclasses; the handlers registered by
:func:`install_error_handlers` turn them (and framework errors) into problems.
"""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, ClassVar

import asyncpg
import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, PrivateAttr
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.responses import Response

from shared_kit.context import request_id_var
from shared_kit.db import is_database_unavailable
from shared_kit.i18n import CONTENT_LANGUAGE, Language, Text, language_var, localize, negotiate, t
from shared_kit.validation_text import pydantic_message

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://errors.gxst.example/"
log = logging.getLogger("shared_kit.errors")


class FieldError(BaseModel):
    field: str = Field(description="dotted location of the offending input, e.g. body.amount")
    code: str
    message: str
    row: int | None = Field(default=None, description="1-based data row, for file and batch input")
    # The English twin of a bilingual message (pydantic keeps a str field as a plain str).
    _message_en: str | None = PrivateAttr(default=None)

    def __init__(self, **data: Any) -> None:
        message = data.get("message")
        super().__init__(**data)
        if isinstance(message, Text):
            self._message_en = message.en

    @property
    def text(self) -> Text:
        """The message with its English twin (to reuse it as a problem's detail)."""
        return Text(self.message, self._message_en or self.message)

    def localized(self, language: Language) -> dict[str, Any]:
        body = self.model_dump(exclude_none=True)
        if language == "en" and self._message_en is not None:
            body["message"] = self._message_en
        return body


class Problem(BaseModel):
    """RFC 9457 problem details with the platform's extension members."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str
    request_id: str | None = None
    errors: list[FieldError] | None = None


class AppError(Exception):
    """An expected error with its own status and stable code."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = t("请求有误", "Bad request")

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors
        self.extra = extra or {}
        self.headers = headers or {}


class Unauthorized(AppError):
    status, code, title = 401, "unauthorized", t("需要身份认证", "Authentication required")


class Forbidden(AppError):
    status, code, title = 403, "forbidden", t("当前角色无权执行此操作", "Not allowed for this role")


class NotFound(AppError):
    status, code, title = 404, "not_found", t("未找到", "Not found")


class Conflict(AppError):
    status, code, title = 409, "conflict", t("与现有数据冲突", "Conflict")
    # Unique constraints (by name) whose violation this conflict stands for: a race past a
    # service's check-first answers with the same code as the check (see unique_conflict).
    unique_constraints: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.unique_constraints:
            _UNIQUE_CONFLICTS[name] = cls


class AlreadyExists(Conflict):
    status, code, title = 409, "already_exists", t("记录已存在", "Record already exists")


_UNIQUE_CONFLICTS: dict[str, type[Conflict]] = {}
UNIQUE_VIOLATION = "23505"
_KEY_DETAIL = re.compile(r"Key \((?P<columns>.+?)\)=\((?P<values>.*)\) already exists")


def _postgres_error(exc: BaseException) -> asyncpg.PostgresError | None:
    """The asyncpg error behind ``exc`` (SQLAlchemy wraps it twice), if any."""
    seen: BaseException | None = exc
    for _ in range(4):
        if seen is None or isinstance(seen, asyncpg.PostgresError):
            return seen
        seen = getattr(seen, "orig", None) or seen.__cause__
    return None


def unique_conflict(exc: BaseException) -> Conflict | None:
    """The 409 for a unique violation (SQLSTATE 23505), naming the conflicting fields; else None.

    Services check a natural key before inserting; two concurrent creates both pass the
    check and the second insert meets the constraint. The constraint's columns name the
    fields (the API's field names are the column names); a conflict class that declares
    the constraint in ``unique_constraints`` lends its code and title.
    """
    error = _postgres_error(exc)
    if error is None or error.sqlstate != UNIQUE_VIOLATION:
        return None
    match = _KEY_DETAIL.search(str(getattr(error, "detail", "") or ""))
    columns = [c.strip().strip('"') for c in match["columns"].split(",")] if match else []
    kind = _UNIQUE_CONFLICTS.get(str(getattr(error, "constraint_name", "") or ""), AlreadyExists)
    fields = "、".join(columns) or "唯一键"
    return kind(
        t(
            f"{fields} 与已有记录重复",
            f"{', '.join(columns) or 'the unique key'} duplicates an existing record",
        ),
        errors=[
            FieldError(
                field=f"body.{column}",
                code="already_exists",
                message=t("该值已被占用", "this value is taken"),
            )
            for column in columns
        ],
    )


# SQLSTATE → the problem a database exception raised on purpose stands for (e.g. a trigger's
# period_locked, shared_kit.period_lock); the module owning the rule registers it.
_DATABASE_PROBLEMS: dict[str, Callable[[asyncpg.PostgresError], AppError]] = {}


def register_database_problem(
    sqlstate: str, make: Callable[[asyncpg.PostgresError], AppError]
) -> None:
    _DATABASE_PROBLEMS[sqlstate] = make


def database_problem(exc: BaseException) -> AppError | None:
    error = _postgres_error(exc)
    make = _DATABASE_PROBLEMS.get(str(error.sqlstate)) if error is not None else None
    return make(error) if make is not None and error is not None else None


class ValidationFailed(AppError):
    status, code, title = 422, "validation_error", t("输入有误", "Invalid input")


class MethodNotAllowed(AppError):
    status, code, title = 405, "method_not_allowed", t("不支持该请求方法", "Method not allowed")


class ServiceUnavailable(AppError):
    status, code, title = 503, "service_unavailable", t("服务暂不可用", "Service unavailable")


class QueryTimedOut(ServiceUnavailable):
    """A statement ran past the pool's ``statement_timeout`` (SQLSTATE 57014) and the server
    cancelled it: the request asked for more than the database gives in that time (say a
    figure over a national-scale table), not a bug and not an outage."""

    code = "query_timeout"
    title = t("查询超时", "Query timed out")


# The server's code for a statement it cancelled (statement_timeout, or a cancel request).
QUERY_CANCELED_SQLSTATE = "57014"


def _query_timed_out(error: asyncpg.PostgresError) -> AppError:
    return QueryTimedOut(
        t(
            "数据库未能在时限内完成本次查询，已中止；请缩小查询范围或稍后重试",
            "the database did not finish this query in time and cancelled it; "
            "narrow the query or retry later",
        )
    )


register_database_problem(QUERY_CANCELED_SQLSTATE, _query_timed_out)

# How long a client should wait before retrying while the database is away.
DATABASE_RETRY_AFTER_SECONDS = 2
# Exceptions that may mean the database is away; each is checked by is_database_unavailable.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    DBAPIError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
)


def problem_response(
    status: int,
    code: str,
    title: str,
    *,
    detail: str | None = None,
    instance: str | None = None,
    errors: list[FieldError] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    request_id: str | None = None,
    language: Language | None = None,
) -> Response:
    """The problem+json answer, worded in ``language`` (the request's when not given)."""
    lang = language or language_var.get()
    # Extension members first: they may add to a problem, never redefine its own members.
    body: dict[str, Any] = dict(extra or {})
    body.update(
        type=PROBLEM_TYPE_BASE + code.replace("_", "-"),
        title=localize(title, lang),
        status=status,
        detail=localize(detail, lang),
        instance=instance,
        code=code,
        request_id=request_id or request_id_var.get(),
    )
    if errors is not None:
        body["errors"] = [e.localized(lang) for e in errors]
    out_headers = {"Content-Language": CONTENT_LANGUAGE[lang], "Vary": "Accept-Language"}
    out_headers.update(headers or {})
    return Response(
        orjson.dumps(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=out_headers
    )


def request_language(request: Request) -> Language:
    """The language a request asked for (handlers may run outside the request middleware)."""
    return negotiate(request.headers.get("accept-language"))


_HTTP_CODES: dict[int, tuple[str, Text]] = {
    400: ("bad_request", t("请求有误", "Bad request")),
    401: ("unauthorized", t("需要身份认证", "Authentication required")),
    403: ("forbidden", t("无权访问", "Forbidden")),
    404: ("not_found", t("未找到", "Not found")),
    405: ("method_not_allowed", t("不支持该请求方法", "Method not allowed")),
    406: ("not_acceptable", t("无法提供所要求的格式", "Not acceptable")),
    409: ("conflict", t("与现有数据冲突", "Conflict")),
    413: ("payload_too_large", t("请求体过大", "Payload too large")),
    415: ("unsupported_media_type", t("不支持的内容类型", "Unsupported media type")),
    422: ("validation_error", ValidationFailed.title),
    429: ("rate_limited", t("请求过于频繁", "Too many requests")),
    503: ("service_unavailable", t("服务暂不可用", "Service unavailable")),
}
# The framework's own details, which only repeat the status phrase in English.
_HTTP_DETAILS: dict[int, Text] = {
    404: t("请求的路径不存在", "Not Found"),
    405: t("此路径不支持该请求方法", "Method Not Allowed"),
}


def _loc_to_field(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc)


def validation_errors(exc: RequestValidationError) -> list[FieldError]:
    return [
        FieldError(
            field=_loc_to_field(err.get("loc", ())),
            code=str(err.get("type", "invalid")),
            message=pydantic_message(err),
        )
        for err in exc.errors()
    ]


def unreadable_body(exc: StarletteHTTPException) -> FieldError | None:
    """The field error for a body the framework could not parse, else None.

    FastAPI answers a JSON body that is not UTF-8, and Starlette a broken
    multipart body, with a bare 400; to the client that is bad input like any
    other, so it gets the same 422 as malformed JSON.
    """
    if exc.status_code != 400:
        return None
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, UnicodeDecodeError):
        return FieldError(
            field="body",
            code="json_invalid",
            message=t("请求体不是 UTF-8 编码", "the body is not UTF-8"),
        )
    if isinstance(cause, MultiPartException):
        return FieldError(
            field="body",
            code="multipart_invalid",
            message=t(f"表单数据格式有误（{cause.message}）", cause.message),
        )
    return None


def install_error_handlers(app: FastAPI) -> None:
    async def app_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AppError)
        return problem_response(
            exc.status,
            exc.code,
            exc.title,
            detail=exc.detail,
            instance=request.url.path,
            language=request_language(request),
            errors=exc.errors,
            extra=exc.extra,
            headers=exc.headers,
        )

    async def request_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = validation_errors(exc)
        return problem_response(
            422,
            "validation_error",
            ValidationFailed.title,
            detail=t(
                f"{len(errors)} 个字段未通过校验", f"{len(errors)} field(s) failed validation"
            ),
            instance=request.url.path,
            language=request_language(request),
            errors=errors,
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        unreadable = unreadable_body(exc)
        if unreadable is not None:
            return problem_response(
                422,
                "validation_error",
                ValidationFailed.title,
                detail=t("无法解析请求体", "the body could not be parsed"),
                instance=request.url.path,
                language=request_language(request),
                errors=[unreadable],
            )
        code, title = _HTTP_CODES.get(
            exc.status_code, (f"http_{exc.status_code}", t("错误", "Error"))
        )
        detail: str | None = exc.detail if isinstance(exc.detail, str) else None
        if detail is not None and not isinstance(detail, Text):
            # Starlette's detail is the status phrase (or a library's English): say it in Chinese.
            detail = _HTTP_DETAILS.get(exc.status_code) or (
                title
                if detail == HTTPStatus(exc.status_code).phrase
                else t(f"{title}：{detail}", detail)
            )
        return problem_response(
            exc.status_code,
            code,
            title,
            detail=detail,
            instance=request.url.path,
            language=request_language(request),
            headers=dict(exc.headers or {}),
        )

    async def unhandled(request: Request, exc: Exception) -> Response:
        rid, headers = request_id_var.get(), None
        if rid is None:
            # As the handler for Exception this runs outside the request-context middleware,
            # which has reset its variable and adds no header: the id comes from the scope.
            rid = getattr(request.state, "request_id", None)
            headers = {"X-Request-ID": rid} if rid else None
        log.exception("unhandled error", extra={"path": request.url.path, "request_id": rid})
        return problem_response(
            500,
            "internal_error",
            t("服务器内部错误", "Internal server error"),
            detail=t(
                "错误已记录；反馈问题时请提供请求编号（request_id）",
                "The error has been logged; quote the request id when reporting it.",
            ),
            instance=request.url.path,
            language=request_language(request),
            request_id=rid,
            headers=headers,
        )

    async def database_error(request: Request, exc: Exception) -> Response:
        conflict = unique_conflict(exc) or database_problem(exc)
        if conflict is not None:
            return await app_error(request, conflict)
        if not is_database_unavailable(exc):
            return await unhandled(request, exc)
        # An outage, not a bug: one line, no traceback, and an answer the client can act on.
        log.warning(
            "database unavailable",
            extra={"path": request.url.path, "error": f"{type(exc).__name__}: {exc}"[:300]},
        )
        return problem_response(
            503,
            "database_unavailable",
            t("数据库暂不可用", "Database unavailable"),
            detail=t(
                "暂时无法连接数据库，请稍后重试",
                "the database cannot be reached right now; retry shortly",
            ),
            instance=request.url.path,
            language=request_language(request),
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )

    app.add_exception_handler(AppError, app_error)
    for exc_class in DATABASE_ERRORS:
        app.add_exception_handler(exc_class, database_error)
    app.add_exception_handler(RequestValidationError, request_validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unhandled)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No valid principal"},
    403: {"model": Problem, "description": "Role not allowed"},
    422: {"model": Problem, "description": "Invalid input"},
}
