"""Traces and metrics from the real processes, configured as an operator would.

Every component runs as its own process with only the standard ``OTEL_*``
variables pointing at an OTLP/HTTP receiver in this test (what a collector is),
so the exporter, the per-component service names and the W3C propagation over
real HTTP are all exercised. The same processes' ``/metrics`` pages are what the
alert rules and the Grafana dashboard are checked against.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.layout import ALL, REPO, WORKSTREAMS
from devstack.pytest_plugin import TestDatabase
from shared_kit import telemetry
from tests.e2e.conftest import Stack, start_stack
from tests.e2e.gw import api_key, bank_client, uscc
from tests.ops.monitoring import (
    ALERT_TESTS,
    ALERTS,
    PROMETHEUS_CONFIG,
    SYNTHETIC,
    OtlpReceiver,
    Span,
    alert_expressions,
    as_recording_rules,
    dashboard_expressions,
    exposed_names,
    metric_names,
    promtool,
    promtool_run,
    value,
)
from tests.projects.test_imports import DEMAND_HEADER, demand_row, to_csv

SERVER, CLIENT = 2, 3
BANK = "OTELBANK"


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    r = OtlpReceiver()
    yield r
    r.close()


@pytest.fixture(scope="module")
def stack(pg: TestDatabase, receiver: OtlpReceiver) -> Iterator[Stack]:
    otel = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "100"}
    with start_stack(pg, "gxst_otel", env={c.name: otel for c in ALL}) as st:
        yield st


@pytest.fixture(scope="module")
def admin(stack: Stack) -> Iterator[httpx.Client]:
    with stack.client(api_key(stack, "admin")) as c:
        yield c


def wait_for_trace(receiver: OtlpReceiver, trace_id: str, services: set[str]) -> list[Span]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        spans = receiver.trace(trace_id)
        have = {s.service for s in spans}
        db = {s.service for s in spans if s.attributes.get("db.system") == "postgresql"}
        if services <= have and set(WORKSTREAMS) <= {n.removeprefix("gxst-") for n in db}:
            time.sleep(0.5)  # the last batches of SQL spans
            return receiver.trace(trace_id)
        time.sleep(0.1)
    return receiver.trace(trace_id)


class TestTracing:
    def test_one_report_request_is_one_trace_across_every_process(
        self, admin: httpx.Client, receiver: OtlpReceiver
    ) -> None:
        r = admin.get("/api/reporting/v1/reports/consolidated", params={"period": "2023-H1"})
        assert r.status_code == 200, r.text
        trace_id = r.headers["traceparent"].split("-")[1]
        names = {f"gxst-{c.name}" for c in ALL if c.name != "projects"} | {"gxst-projects"}
        spans = wait_for_trace(receiver, trace_id, names)
        by_id = {s.span_id: s for s in spans}
        assert {s.service for s in spans} == names, {s.service for s in spans}

        # One tree: a single root (the gateway's server span), every parent in the trace.
        roots = [s for s in spans if not s.parent_id]
        assert len(roots) == 1, roots
        root = roots[0]
        assert (root.service, root.kind) == ("gxst-gateway", SERVER)
        assert root.name == "GET /api/{service}/{path:path}"
        assert all(s.parent_id in by_id for s in spans if s.parent_id)

        def parent(s: Span) -> Span:
            return by_id[s.parent_id]

        def server_of(s: Span) -> Span:
            while s.kind != SERVER:
                s = parent(s)
            return s

        (reporting,) = [s for s in spans if s.service == "gxst-reporting" and s.kind == SERVER]
        assert reporting.name == "GET /v1/reports/consolidated"
        hop = parent(reporting)  # the gateway's aiohttp call
        assert (hop.service, hop.kind) == ("gxst-gateway", CLIENT)
        for name in WORKSTREAMS:
            servers = [s for s in spans if s.service == f"gxst-{name}" and s.kind == SERVER]
            assert servers, name
            for s in servers:
                call = parent(s)  # reporting's httpx call
                assert (call.service, call.kind) == ("gxst-reporting", CLIENT), (name, call)
                assert server_of(call) is reporting
            sql = [
                s
                for s in spans
                if s.service == f"gxst-{name}" and s.attributes.get("db.system") == "postgresql"
            ]
            assert sql, f"no SQL span from {name}"
            assert all(server_of(s) in servers for s in sql)
            assert any("SELECT" in str(s.attributes.get("db.statement", "")) for s in sql)

    def test_a_callers_trace_is_continued(
        self, admin: httpx.Client, receiver: OtlpReceiver
    ) -> None:
        caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        r = admin.get("/api/projects/v1/challenge-demands", headers={"traceparent": caller})
        assert r.status_code == 200
        assert r.headers["traceparent"].startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            spans = receiver.trace("4bf92f3577b34da6a3ce929d0e0e4736")
            gateway = [s for s in spans if s.service == "gxst-gateway" and s.kind == SERVER]
            if gateway and any(s.service == "gxst-projects" for s in spans):
                break
            time.sleep(0.1)
        assert [s.parent_id for s in gateway] == ["00f067aa0ba902b7"]
        assert any(s.service == "gxst-projects" for s in spans)


class TestTracingConfiguration:
    @pytest.mark.parametrize(
        ("env", "on"),
        [
            ({}, False),
            ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, True),
            ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, True),
            ({"OTEL_TRACES_EXPORTER": "console"}, True),
            ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c"}, False),
            ({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, False),
        ],
    )
    def test_off_unless_an_exporter_is_configured(
        self, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], on: bool
    ) -> None:
        for name in list(os.environ):
            if name.startswith("OTEL_"):
                monkeypatch.delenv(name)
        for name, v in env.items():
            monkeypatch.setenv(name, v)
        assert telemetry.tracing_enabled() is on


# ---- metrics


def scrape(stack: Stack) -> dict[str, str]:
    return {name: httpx.get(url + "/metrics", timeout=10).text for name, url in stack.urls.items()}


@pytest.fixture(scope="module")
def exercised(stack: Stack, admin: httpx.Client) -> dict[str, str]:
    """Every business metric given something to count, then every /metrics page."""
    r = admin.post(
        "/api/enterprise/v1/partner-banks",
        json={"code": BANK, "name": "观测银行", "agreement_signed_on": "2021-05-01"},
    )
    assert r.status_code == 201, r.text
    firm = uscc("450100", 88001)
    r = admin.post(
        "/api/enterprise/v1/enterprises",
        json={"uscc": firm, "name": "观测企业", "city": "450100", "industry": "新材料"},
    )
    assert r.status_code == 201, r.text
    loans = [
        {"contract_no": "OT-1", "uscc": firm, "enterprise_name": "观测企业",
         "amount": "100000.00", "disbursed_on": "2023-03-01", "maturity_on": "2024-03-01",
         "annual_rate": "3.45", "guarantee": "credit", "status": "disbursed"},
        {"contract_no": "OT-2", "uscc": firm, "enterprise_name": "观测企业",
         "amount": "200000.00", "disbursed_on": "2023-03-02", "maturity_on": "2024-03-01",
         "annual_rate": "3.45", "guarantee": "credit", "status": "disbursed"},
    ]  # fmt: skip
    key = uuid.uuid4().hex
    with bank_client(stack, BANK) as bank:
        assert bank.push_loans("ot-1", loans, idempotency_key=key).status_code == 201
        assert bank.push_loans("ot-1", loans, idempotency_key=key).status_code == 201
        bad = [dict(loans[0], amount="-1")]
        assert bank.push_loans("ot-2", bad).status_code == 422
    # No signature at all, then a signature by an unknown key.
    assert httpx.get(stack.gateway + "/bank/v1/listed-enterprises").status_code == 401
    csv = to_csv(DEMAND_HEADER, [demand_row("OT1"), demand_row("OT2"), demand_row("OT3")])
    files = {"file": ("d.csv", csv, "text/csv")}
    assert admin.post("/api/projects/v1/imports/challenge-demands", files=files).status_code == 200
    bad_csv = to_csv(DEMAND_HEADER, [demand_row("OT4"), demand_row("OT5", budget="很多")])
    files = {"file": ("d.csv", bad_csv, "text/csv")}
    assert admin.post("/api/projects/v1/imports/challenge-demands", files=files).status_code == 422
    r = admin.get("/api/reporting/v1/reports/consolidated", params={"period": "2023-H1"})
    assert r.status_code == 200
    return scrape(stack)


PROCESS = {
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
    "process_open_fds",
    "python_gc_objects_collected_total",
    "python_info",
}


class TestMetrics:
    def test_every_component_has_process_runtime_and_request_metrics(
        self, exercised: dict[str, str]
    ) -> None:
        assert set(exercised) == {c.name for c in ALL}
        for name, text in exercised.items():
            names = exposed_names(text)
            assert names >= PROCESS, (name, PROCESS - names)
            assert value(text, "gxst_database_up") == 1, name
        gateway = exercised["gateway"]
        # Route templates, never raw paths (ids would make a series per record).
        assert (
            value(
                gateway,
                "http_server_request_duration_seconds_count",
                route="/api/{service}/{path:path}",
                method="GET",
                status="200",
            )
            >= 1
        )
        assert "/api/reporting/v1/reports/consolidated" not in gateway
        reporting = exercised["reporting"]
        assert value(
            reporting, "http_server_request_duration_seconds_count",
            route="/v1/reports/consolidated", status="200",
        ) >= 1  # fmt: skip

    def test_business_metrics_count_what_happened(self, exercised: dict[str, str]) -> None:
        ent, gw, proj, rep = (
            exercised[n] for n in ("enterprise", "gateway", "projects", "reporting")
        )
        assert value(ent, "gxst_bank_batches_total", bank=BANK, outcome="stored") == 1
        assert value(ent, "gxst_bank_batches_total", bank=BANK, outcome="replayed") == 1
        assert value(ent, "gxst_bank_batches_total", bank=BANK, outcome="refused") == 1
        assert value(ent, "gxst_bank_loans_total", bank=BANK, outcome="created") == 2
        assert value(ent, "gxst_bank_loans_total", bank=BANK, outcome="refused") == 1
        assert value(gw, "gxst_bank_signature_failures_total", code="missing_signature") == 1
        assert value(gw, "gxst_bank_signature_failures_total", code="replayed_nonce") == 0
        kind = "projects.challenge-demands"
        assert value(proj, "gxst_import_rows_total", kind=kind, outcome="accepted") == 3
        assert value(proj, "gxst_import_rows_total", kind=kind, outcome="refused") == 1
        assert value(rep, "gxst_report_builds_total", outcome="complete") >= 1
        assert value(rep, "gxst_report_build_duration_seconds_count") >= 1

    def test_alerts_and_dashboard_name_only_exposed_metrics(
        self, exercised: dict[str, str]
    ) -> None:
        exposed = set().union(*(exposed_names(t) for t in exercised.values())) | SYNTHETIC
        for alert, expr in alert_expressions().items():
            names = metric_names(expr)
            assert names, alert
            assert names <= exposed, (alert, names - exposed)
        for expr in dashboard_expressions():
            names = metric_names(expr)
            assert names, expr
            assert names <= exposed, (expr, names - exposed)

    def test_openmetrics_answers_carry_trace_exemplars(
        self, stack: Stack, admin: httpx.Client
    ) -> None:
        r = admin.get("/api/reporting/v1/reports/consolidated", params={"period": "2023-H1"})
        trace_id = r.headers["traceparent"].split("-")[1]
        accept = "application/openmetrics-text; version=1.0.0"
        r = httpx.get(stack.urls["reporting"] + "/metrics", headers={"accept": accept})
        assert r.headers["content-type"].startswith("application/openmetrics-text")
        assert f'# {{trace_id="{trace_id}"}}' in r.text


def test_metric_names_reads_promql() -> None:
    expr = (
        'histogram_quantile(0.99, sum by (job, le) (rate(a_bucket{route!~"/x|y"}[5m]))) > 2'
        " and on (job) b_total offset 5m / ignoring(code) up"
    )
    assert metric_names(expr) == {"a_bucket", "b_total", "up"}


needs_promtool = pytest.mark.skipif(
    promtool() is None and not os.environ.get("CI"),
    reason="promtool not installed (make ops-tools installs it; CI requires it)",
)


@needs_promtool
class TestPromtool:
    def test_alert_rules_and_their_unit_tests(self) -> None:
        folder = ALERTS.parent
        for args in (
            ("check", "rules", ALERTS.name),
            ("test", "rules", ALERT_TESTS.name),
            ("check", "config", PROMETHEUS_CONFIG.name),
        ):
            out = promtool_run(*args, cwd=folder)
            assert out.returncode == 0, out.stdout + out.stderr

    def test_dashboard_queries_parse(self, tmp_path: Path) -> None:
        rules = tmp_path / "dashboard.yml"
        rules.write_text(as_recording_rules(dashboard_expressions()), encoding="utf-8")
        out = promtool_run("check", "rules", str(rules), cwd=REPO)
        assert out.returncode == 0, out.stdout + out.stderr
