"""Schemathesis against every service's and the gateway's OpenAPI: no server error and no
answer the document does not describe (issue 8, reliability suite).

The real stack runs: every service and the gateway as uvicorn processes on a fresh
database (gateway rate limit off). Fuzzed, each from the document its process serves:

- every service, directly, as an admin principal: the document's examples, the coverage
  phase (boundary and invalid values of every parameter and body field), the fuzzing
  phase (generated valid and invalid requests) and the stateful phase (chains of calls
  that reuse the ids earlier calls created);
- every service again as a city bureau (scope rules: 404/403 for other cities), fuzzing
  and stateful phases;
- the enterprise bank interface as a bank principal;
- the gateway's merged document with an admin API key: its own operations and the
  ``/bank/v1/…`` ones (signed, RFC 9421, as a registered bank client) in every phase,
  the proxied ``/api/…`` ones (their coverage phase ran at the service) with examples,
  fuzzing and stateful phases;
- the gateway's proxied operations again with a city bureau's API key, in every phase
  (coverage included: its boundary and invalid values pass the real gateway and meet
  the scope rules).

Generation mode is "all" everywhere: valid (positive) and schema-invalid (negative)
requests. Every response must pass not_a_server_error (no 5xx), status_code_conformance
(a status the operation declares), content_type_conformance (the declared media type:
problem+json for every error), response_schema_conformance,
response_headers_conformance and negative_data_rejection (a request the document calls
invalid is refused with a 4xx). Each run prints what it did (operations, requests per
phase, failures); a failure lists the check, the response and a curl to reproduce it.

Budget, so the suite fits CI (about 2.5 minutes on two cores, one of them the city
bureau's coverage phase through the gateway): ``FUZZ_EXAMPLES``
generated requests per operation in the fuzzing phase (default 10; the proxied gateway
operations get a third). ``FUZZ_SEED`` fixes generation (default constant: a CI failure
reproduces). ``FUZZ_STATEFUL=0`` drops the stateful phase, ``FUZZ_GATEWAY_COVERAGE=1``
adds the coverage phase to the proxied operations. A deeper local run (~10 minutes):
``FUZZ_EXAMPLES=60 FUZZ_GATEWAY_COVERAGE=1 uv run pytest tests/reliability/test_fuzz.py -s``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.engine import Status, events
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER, HookContext

from devstack.pytest_plugin import TestDatabase, Tokens
from examples.bank_client import Credentials, sign_request
from shared_kit.auth import REPORTING_PRINCIPAL, SERVICE_PRINCIPAL_HEADER
from tests.e2e.conftest import Stack, start_stack
from tests.e2e.gw import api_key, ensure_partner, gateway_cli

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
FUZZ_STATEFUL = os.environ.get("FUZZ_STATEFUL", "1") not in ("", "0")
FUZZ_SEED = int(os.environ.get("FUZZ_SEED", "20230630"))
FUZZ_GATEWAY_COVERAGE = os.environ.get("FUZZ_GATEWAY_COVERAGE", "") not in ("", "0")
SERVICES = ("projects", "enterprise", "talent", "transfer", "reporting")
ALL_PHASES = ("examples", "coverage", "fuzzing")
CITY = "450300"
BANK = "FUZZBANK"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    # A request the document calls invalid (negative generation mode) is refused with a 4xx.
    "negative_data_rejection",
)


@dataclass(frozen=True)
class Target:
    """One document to fuzz: where it is served, who calls, which operations."""

    name: str
    base_url: str
    # Called when the run starts: principal tokens live five minutes, a deep run longer.
    headers: Callable[[], dict[str, str]]
    include_path_regex: str | None = None
    exclude_path_regex: str | None = None
    max_examples: int = FUZZ_EXAMPLES
    phases: tuple[str, ...] = ("examples", "coverage", "fuzzing")


@dataclass
class Finding:
    operation: str
    title: str
    message: str
    reproduce: str


@dataclass
class Outcome:
    target: str
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    by_phase: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.target}: {len(self.operations)} operations, {self.cases} requests, "
            f"{len(self.findings)} failures, {len(self.errors)} errors in {self.seconds:.1f}s "
            f"{self.by_phase}"
        )

    def report(self) -> str:
        lines = [self.summary()]
        for f in self.findings:
            lines += [f"- {f.operation}: {f.title}", f"  {f.message}", f"  {f.reproduce}"]
        lines += [f"- error: {e}" for e in self.errors]
        return "\n".join(lines)


@dataclass
class Fuzz:
    stack: Stack
    targets: dict[str, Target]
    bank: Credentials


@pytest.fixture(scope="module")
def fuzz(
    pg: TestDatabase, tokens: Tokens, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fuzz]:
    # Hypothesis keeps caches in .hypothesis/ of the working directory: not in the repository.
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))
    running = contextlib.ExitStack()
    running.callback(set_hypothesis_home_dir, None)
    with running:
        with pytest.MonkeyPatch.context() as env:
            # The gateway's per-client rate limit would answer most requests with 429 (0: off).
            env.setenv("GATEWAY_RATE_LIMIT_PER_SECOND", "0")
            stack = running.enter_context(start_stack(pg, "gxst_fuzz"))

        # Reporting's own identity, which the gateway adds to every request it forwards
        # there (period locks are reporting's decision, not its caller's).
        def as_reporting() -> dict[str, str]:
            return {SERVICE_PRINCIPAL_HEADER: tokens.signer.sign(REPORTING_PRINCIPAL)}

        def admin() -> dict[str, str]:
            return {"X-Principal": tokens.token("admin"), **as_reporting()}

        def bureau() -> dict[str, str]:
            return {"X-Principal": tokens.token("city_bureau", city=CITY), **as_reporting()}

        def bank() -> dict[str, str]:
            return {"X-Principal": tokens.token("bank", bank=BANK)}

        key = api_key(stack, "admin")
        bureau_key = api_key(stack, "city_bureau", city=CITY)

        def gateway_key() -> dict[str, str]:
            return {"X-API-Key": key}

        def gateway_bureau_key() -> dict[str, str]:
            return {"X-API-Key": bureau_key}

        no_bank = "^/v1/bank/"
        targets = [
            *(
                Target(name, stack.urls[name], admin, exclude_path_regex=no_bank)
                for name in SERVICES
            ),
            # A city bureau meets the scope rules (404/403 for other cities).
            *(
                Target(
                    f"{name}-city-bureau",
                    stack.urls[name],
                    bureau,
                    exclude_path_regex=no_bank,
                    phases=("fuzzing",),
                )
                for name in SERVICES
            ),
            Target(
                "enterprise-bank",
                stack.urls["enterprise"],
                bank,
                include_path_regex=no_bank,
            ),
            # The gateway's own operations and the signed bank interface.
            Target("gateway", stack.gateway, gateway_key, exclude_path_regex="^/api/"),
            # Every service through the proxy; their coverage phase ran at the service.
            Target(
                "gateway-proxied",
                stack.gateway,
                gateway_key,
                include_path_regex="^/api/",
                max_examples=max(1, FUZZ_EXAMPLES // 3),
                phases=ALL_PHASES if FUZZ_GATEWAY_COVERAGE else ("examples", "fuzzing"),
            ),
            # As a city bureau's API key through the real gateway, every phase: the coverage
            # phase's boundary and invalid values meet the scope rules as well.
            Target(
                "gateway-city-bureau",
                stack.gateway,
                gateway_bureau_key,
                include_path_regex="^/api/",
                max_examples=max(1, FUZZ_EXAMPLES // 3),
            ),
        ]
        yield Fuzz(stack, {t.name: t for t in targets}, bank_credentials(stack))


def bank_credentials(stack: Stack) -> Credentials:
    ensure_partner(stack, BANK)  # only a partner bank in force is served
    out = gateway_cli(stack, "create-bank-client", "--bank", BANK, "--alg", "hmac-sha256")
    values = dict(line.split("=", 1) for line in out.strip().splitlines() if "=" in line)
    return Credentials.hmac(values["key_id"], values["secret"])


def load_schema(target: Target) -> schemathesis.BaseSchema:
    config = schemathesis.Config.from_dict(
        {
            "seed": FUZZ_SEED,
            "suppress-health-check": ["all"],
            "cache": {"enabled": False},  # no .schemathesis folder in the repository
            "workers": 1,
            "request-timeout": 60,
            "headers": target.headers(),
            "checks": {
                "enabled": False,
                **{name: {"enabled": True} for name in CHECKS},
                "negative_data_rejection": {"enabled": True, "expected-statuses": ["4xx"]},
            },
            "phases": {
                **{phase: {"enabled": phase in target.phases} for phase in ALL_PHASES},
                "stateful": {"enabled": FUZZ_STATEFUL},
            },
            "generation": {
                "max-examples": target.max_examples,
                "mode": "all",
                "database": "none",  # no .hypothesis folder either
            },
        }
    )
    schema = schemathesis.openapi.from_url(
        f"{target.base_url}/openapi.json", config=config, timeout=60
    )
    if target.include_path_regex:
        schema = schema.include(path_regex=target.include_path_regex)
    if target.exclude_path_regex:
        schema = schema.exclude(path_regex=target.exclude_path_regex)
    return schema


def run(target: Target) -> Outcome:
    """One schemathesis run over ``target``'s document; what it found."""
    started = time.monotonic()
    outcome = Outcome(target.name)
    for event in schemathesis.engine.from_schema(load_schema(target)).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            if event.status is not Status.SKIP:
                outcome.operations.add(recorder.label)
            outcome.cases += len(recorder.cases)
            phase = str(event.phase.value)
            outcome.by_phase[phase] = outcome.by_phase.get(phase, 0) + len(recorder.cases)
            for checks in recorder.checks.values():
                for node in checks:
                    info = node.failure_info
                    if node.status is Status.FAILURE and info is not None:
                        failure = info.failure
                        outcome.findings.append(
                            Finding(
                                recorder.label, failure.title, failure.message, info.code_sample
                            )
                        )
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            raise event.exception
    outcome.seconds = time.monotonic() - started
    return outcome


SIGNATURE_HEADERS = frozenset({"content-length", "signature", "signature-input", "content-digest"})


def _required_headers(case: schemathesis.Case) -> set[str]:
    return {str(param.name).lower() for param in case.operation.headers if param.is_required}


def signer(bank: Credentials) -> Any:
    """A ``before_call`` hook: a request to the gateway's /bank/v1/ is signed as ``bank``."""

    class BankSignature(requests.auth.AuthBase):
        def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
            body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
            request = httpx.Request(
                prepared.method or "GET",
                prepared.url or "",
                # The document declares the signature headers: whatever values were
                # generated for them are replaced by a real signature.
                headers={
                    k: v for k, v in prepared.headers.items() if k.lower() not in SIGNATURE_HEADERS
                },
                content=body or b"",
            )
            signed = sign_request(request, bank)
            for name in ("signature", "signature-input", "content-digest"):
                if name in signed.headers:
                    prepared.headers[name] = signed.headers[name]
            return prepared

    def before_call(context: HookContext, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
        # A negative case that leaves out a signature header the document requires is
        # sent as generated, unsigned: the gateway must refuse it.
        sent = {name.lower() for name in (case.headers or {})}
        required = SIGNATURE_HEADERS & _required_headers(case)
        if case.path.startswith("/bank/v1/") and required <= sent:
            kwargs["auth"] = BankSignature()

    return before_call


TARGETS = [
    *SERVICES,
    *(f"{name}-city-bureau" for name in SERVICES),
    "enterprise-bank",
    "gateway",
    "gateway-proxied",
    "gateway-city-bureau",
]


@pytest.mark.parametrize("name", TARGETS)
def test_fuzz(fuzz: Fuzz, name: str) -> None:
    target = fuzz.targets[name]
    hook = signer(fuzz.bank) if name == "gateway" else None
    if hook is not None:
        GLOBAL_HOOK_DISPATCHER.register_hook_with_name(hook, "before_call")
    try:
        outcome = run(target)
    finally:
        if hook is not None:
            GLOBAL_HOOK_DISPATCHER.unregister(hook)
    print(outcome.report())
    assert outcome.operations, f"{name}: no operation was tested"
    assert not outcome.findings, outcome.report()
    assert not outcome.errors, outcome.report()


def test_unsigned_bank_requests_are_refused(fuzz: Fuzz) -> None:
    """Without a signature every /bank/v1/ operation answers 401 problem+json."""
    doc = httpx.get(f"{fuzz.stack.gateway}/openapi.json", timeout=60).json()
    bank_ops = [
        (method, path)
        for path, item in doc["paths"].items()
        if path.startswith("/bank/v1/")
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert bank_ops
    with httpx.Client(base_url=fuzz.stack.gateway, timeout=60) as client:
        for method, path in bank_ops:
            url = path.replace("{", "").replace("}", "")
            r = client.request(method.upper(), url, json={} if method == "post" else None)
            assert r.status_code == 401, (method, path, r.status_code, r.text)
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["status"] == 401
