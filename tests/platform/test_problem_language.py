"""Every problem answer is Chinese by default and English with ``Accept-Language: en``.

Two checks: every ``AppError`` subclass of the platform carries a bilingual title
(Chinese with an English twin), and a real stack — every service and the gateway as
processes — answers a broad set of error requests, at least one per problem the platform
produces (401, 403 role and city, 404, 405, 409 conflict and period lock, 413, 415, 422
field and domain rule, 429, 502 and 503 with a service down), through the gateway, in
both languages with the same status and code. The whole suite is watched as well: the
pytest plugin fails a run in which any test receives a problem in one language only
(devstack.problem_language).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from devstack.problem_language import CJK, problem_language_errors
from devstack.pytest_plugin import TestDatabase
from shared_kit.errors import AppError
from shared_kit.i18n import Text
from tests.e2e.conftest import Stack, start_stack
from tests.e2e.gw import api_key, call, uscc

NN, LZ = "450100", "450200"
TR, EN, RP = "/api/transfer/v1", "/api/enterprise/v1", "/api/reporting/v1"
PACKAGES = (
    "shared_kit",
    "gateway",
    "projects_service",
    "enterprise_service",
    "talent_service",
    "transfer_service",
    "reporting_service",
)
MAX_BODY = 64 * 1024
RATE_BURST = 30


def _subclasses(cls: type[AppError]) -> Iterator[type[AppError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_error_class_title_is_bilingual() -> None:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    classes: list[type[AppError]] = [AppError, *_subclasses(AppError)]
    assert len(classes) > 100
    wrong = []
    for cls in classes:
        title = cls.title
        if not (isinstance(title, Text) and CJK.search(title) and not CJK.search(title.en)):
            wrong.append(f"{cls.__module__}.{cls.__qualname__}: {title!r}")
    assert wrong == []


def test_the_checker_refuses_a_problem_in_one_language() -> None:
    """The plugin's check itself: an English-only problem asked in Chinese is caught."""

    def problem(lang: str | None, title: str, detail: str | None) -> httpx.Response:
        request = httpx.Request(
            "GET", "http://x/", headers={"Accept-Language": lang} if lang else {}
        )
        body = {"title": title, "status": 404, "code": "not_found", "detail": detail}
        return httpx.Response(
            404, json=body, headers={"content-type": "application/problem+json"}, request=request
        )

    assert problem_language_errors(problem(None, "未找到", "没有技术合同 x")) == []
    assert problem_language_errors(problem("en", "Not found", "no contract x")) == []
    assert problem_language_errors(problem(None, "Not found", None)) != []
    assert problem_language_errors(problem("zh-CN", "未找到", "no contract x")) != []
    assert problem_language_errors(problem("en", "未找到", None)) != []


@pytest.fixture(scope="module")
def stack(pg: TestDatabase) -> Iterator[Stack]:
    env = {
        "gateway": {
            "GATEWAY_MAX_BODY_BYTES": str(MAX_BODY),
            "GATEWAY_RATE_LIMIT_BURST": str(RATE_BURST),
            "GATEWAY_RATE_LIMIT_STORE": "memory",
            "GATEWAY_RATE_LIMIT_PER_SECOND": "1",
        }
    }
    with start_stack(pg, "gxst_problem_language", env=env) as st:
        yield st


def contract(no: str, city: str, day: str, **over: str) -> dict[str, Any]:
    body = {
        "registration_no": no, "type": "consulting", "seller_name": "卖方",
        "seller_region": city[:4] + "02", "buyer_name": "买方", "buyer_region": "440305",
        "contract_amount": "100.00", "tech_transaction_amount": "50.00",
        "signed_on": day, "registered_on": day, "city": city,
    }  # fmt: skip
    return body | over


ASCII_DETAIL = re.compile(r"^[\x20-\x7e]*$")


def both(send: Callable[[dict[str, str]], httpx.Response]) -> tuple[httpx.Response, ...]:
    """The same request asked by default, in Chinese and in English."""
    return send({}), send({"Accept-Language": "zh-CN,zh;q=0.9"}), send({"Accept-Language": "en"})


def check(
    answers: tuple[httpx.Response, ...], status: int, code: str, *, detail_zh: str | None = None
) -> dict[str, Any]:
    """Same status and code in every language; Chinese by default, English on request."""
    default, zh, en = answers
    for r in answers:
        assert r.status_code == status, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == code, r.text
    for r in (default, zh):
        body = r.json()
        assert r.headers["content-language"] == "zh-CN"
        assert CJK.search(body["title"]), body
        assert body.get("detail") is None or CJK.search(body["detail"]), body
        for error in body.get("errors") or []:
            assert CJK.search(error["message"]), body
    body_en = en.json()
    assert en.headers["content-language"] == "en"
    assert ASCII_DETAIL.match(body_en["title"]), body_en
    assert body_en.get("detail") is None or not CJK.search(body_en["detail"]), body_en
    for error in body_en.get("errors") or []:
        assert not CJK.search(error["message"]), body_en
    assert [e["field"] for e in default.json().get("errors") or []] == [
        e["field"] for e in body_en.get("errors") or []
    ]
    if detail_zh is not None:
        assert detail_zh in default.json()["detail"], default.json()
    out: dict[str, Any] = default.json()
    return out


def test_every_kind_of_problem_in_both_languages(stack: Stack) -> None:
    gw = stack.gateway
    admin_key = api_key(stack, "admin")
    keys = {
        "admin": admin_key,
        "analyst": api_key(stack, "analyst"),
        "nn": api_key(stack, "city_bureau", city=NN),
    }

    def as_(who: str | None, method: str, path: str, **kw: Any) -> Callable[..., httpx.Response]:
        def send(lang: dict[str, str]) -> httpx.Response:
            headers = dict(kw.pop("headers", {}), **lang)
            if who is not None:
                headers.setdefault("X-API-Key", keys.get(who, who))
            with httpx.Client(base_url=gw, timeout=30.0) as c:
                return call(c, method, path, headers=headers, **kw)

        return send

    # 401: no credentials, an unknown key.
    check(both(as_(None, "GET", f"{TR}/tech-contracts")), 401, "missing_credentials")
    check(both(as_("not-a-key", "GET", f"{TR}/tech-contracts")), 401, "invalid_api_key")
    # 401: a bank request without its signature.
    with httpx.Client(base_url=gw, timeout=30.0) as c:
        check(both(lambda h: c.get("/bank/v1/loans", headers=h)), 401, "missing_signature")
        forged = {"Signature-Input": "sig=(", "Signature": "sig=:AAAA:"}
        check(
            both(lambda h: c.get("/bank/v1/loans", headers=forged | h)), 401, "malformed_signature"
        )
    # 403: a role the endpoint refuses; a city bureau writing another city's record.
    check(
        both(
            as_(
                "analyst",
                "POST",
                f"{TR}/tech-contracts",
                json=contract("LANG-001", NN, "2023-03-01"),
            )
        ),
        403,
        "forbidden",
    )
    check(
        both(
            as_("nn", "POST", f"{TR}/tech-contracts", json=contract("LANG-002", LZ, "2023-03-01"))
        ),
        403,
        "city_not_allowed",
        detail_zh="南宁市",
    )
    # 404: a record, an unknown service, a path the gateway does not forward.
    check(
        both(as_("admin", "GET", f"{TR}/tech-contracts/{uuid.uuid4()}")),
        404,
        "tech_contract_not_found",
    )
    check(both(as_("admin", "GET", "/api/nowhere/v1/x")), 404, "unknown_service")
    check(both(as_("admin", "GET", "/api/transfer/metrics")), 404, "not_found")
    # 405: a method the path does not take.
    check(both(as_("admin", "DELETE", f"{TR}/tech-contracts")), 405, "method_not_allowed")
    # 409: a USCC registered twice.
    firm = {"uscc": uscc(NN, 7001), "name": "语言测试企业", "city": NN, "industry": "新材料"}
    with httpx.Client(base_url=gw, headers={"X-API-Key": admin_key}, timeout=30.0) as c:
        call(c, "POST", f"{EN}/enterprises", json=firm, expect=201)
    check(both(as_("admin", "POST", f"{EN}/enterprises", json=firm)), 409, "enterprise_exists")
    # 422: field validation (pydantic's rules, our validators' USCC check digit), in Chinese.
    wrong = firm["uscc"][:17] + ("0" if firm["uscc"][17] != "0" else "1")
    body = check(
        both(as_("admin", "POST", f"{EN}/enterprises", json=firm | {"name": "", "extra": 1})),
        422,
        "validation_error",
        detail_zh="2 个字段未通过校验",
    )
    assert {e["code"] for e in body["errors"]} == {"string_too_short", "extra_forbidden"}
    seller = contract("LANG-005", NN, "2023-08-01", seller_uscc=wrong)
    body = check(
        both(as_("admin", "POST", f"{TR}/tech-contracts", json=seller)), 422, "validation_error"
    )
    assert "统一社会信用代码校验位应为" in body["errors"][0]["message"], body
    # 422: the enterprise service's own USCC check.
    body = check(
        both(as_("admin", "POST", f"{EN}/enterprises", json=firm | {"uscc": wrong})),
        422,
        "invalid_uscc",
    )
    assert "统一社会信用代码校验位应为" in body["detail"], body
    check(
        both(as_("admin", "POST", f"{TR}/tech-contracts", json={"city": NN})),
        422,
        "validation_error",
    )
    # 422: a domain rule (the transaction amount may not exceed the contract's).
    over = contract("LANG-003", NN, "2023-08-01", tech_transaction_amount="500.00")
    send = as_("admin", "POST", f"{TR}/tech-contracts", json=over)
    body = check(both(send), 422, "tech_amount_exceeds_contract")
    assert any("技术交易额不能超过合同金额" in e["message"] for e in body["errors"]), body
    # 413: a body past the gateway's limit; 415: an upload that is neither CSV nor XLSX.
    big = b"x" * (MAX_BODY + 1)
    check(both(as_("admin", "POST", f"{TR}/tech-contracts", content=big)), 413, "payload_too_large")
    check(
        both(
            as_(
                "admin",
                "POST",
                f"{EN}/imports/enterprises",
                content=b"<x/>",
                headers={"Content-Type": "application/xml"},
            )
        ),
        415,
        "unsupported_media_type",
    )
    # 409 period_locked: the city submitted 2023-H1, its writes dated in it are refused.
    with httpx.Client(base_url=gw, headers={"X-API-Key": keys["nn"]}, timeout=60.0) as c:
        call(c, "POST", f"{RP}/approvals/2023-H1/{NN}/submit", expect=200)
    check(
        both(
            as_("nn", "POST", f"{TR}/tech-contracts", json=contract("LANG-004", NN, "2023-03-01"))
        ),
        409,
        "period_locked",
        detail_zh="南宁市",
    )
    # 429: one client past its burst (the bucket refills one request a second).
    hammer = api_key(stack, "analyst")
    with httpx.Client(base_url=gw, headers={"X-API-Key": hammer}, timeout=30.0) as c:
        for _ in range(RATE_BURST * 3):
            if c.get(f"{TR}/tech-contracts").status_code == 429:
                break
        check(both(lambda h: c.get(f"{TR}/tech-contracts", headers=h)), 429, "rate_limited")
    # A service down: the gateway's 502, reporting's 503 naming the service in Chinese.
    stack.stop("talent")
    check(both(as_("admin", "GET", "/api/talent/v1/people")), 502, "upstream_unavailable")
    body = check(
        both(as_("admin", "GET", f"{RP}/reports/consolidated", params={"period": "2023-H1"})),
        503,
        "upstream_unavailable",
        detail_zh="人才服务（talent）",
    )
    assert body["service"] == "talent"
