"""``make bench BENCH_ARGS=--json`` names every headline figure of issue 17 the same way
in every run, so two runs compare key by key. Fed with the shape each script prints."""

from __future__ import annotations

from typing import Any

from bench.run_all import all_figures, by_key, national

PATHS = {
    "raw": {"rps": 3000.0, "p50_ms": 5.0, "p99_ms": 9.0},
    "direct": {"rps": 2000.0, "p50_ms": 7.0, "p99_ms": 12.0},
    "gateway": {"rps": 1700.0, "p50_ms": 8.5, "p99_ms": 15.0},
}
RUNS: dict[str, dict[str, Any]] = {
    "http_paths": {"bench": "http_paths", "concurrency": 32, "paths": PATHS,
                   "low_concurrency": 8, "paths_low": PATHS,
                   "errors": {"raw": 0, "direct": 0, "gateway": 0},
                   "peak_rss_mb": {"projects": 117.0, "gateway": 108.0}},
    "bank_ingestion": {"bench": "bank_ingestion", "concurrency": 1,
                       "rows_per_s": {"copy": 80000.0, "gateway": 30000.0},
                       "gateway_over_copy": 0.375, "direct_over_copy": 0.4,
                       "store_over_copy": 0.45, "gateway_hop_ms_per_batch": 14.0,
                       "peak_rss_mb": {"enterprise": 140.0}},
    "report": {"bench": "report", "scale": 0.2,
               "indicators_ms": {"talent": 100.0, "transfer": 80.0},
               "both_periods_ms": {"talent": 180.0, "transfer": 150.0},
               "report_ms": 240.0, "report_warm_ms": 20.0, "slowest": "talent",
               "slowest_both": "talent", "peak_rss_mb": {"reporting": 130.0}},
    "enterprise_import": {"bench": "enterprise_import", "over_copy": 0.5},
    "transfer_contracts": {"bench": "transfer_contracts", "contracts": 200000,
                           "indicators_ms": 26.0, "raw_ms": 20.0},
}  # fmt: skip


def test_every_headline_figure_has_its_stable_name() -> None:
    figures = by_key(all_figures(RUNS))
    assert figures["http.c32.service_over_raw"] == 2000 / 3000
    assert figures["http.c8.gateway_over_direct"] == 1700 / 2000
    assert figures["http.c8.gateway_added_p50_ms"] == 1.5
    assert figures["bank.gateway_over_copy"] == 0.375
    assert figures["report.cold_over_slowest_call"] == 240 / 180
    assert figures["report.warm_ms"] == 20.0
    assert figures["enterprise_import.over_copy"] == 0.5
    assert figures["transfer_indicators.over_raw"] == 26 / 20
    assert figures["report.rss_mb.reporting"] == 130.0


def test_national_scale_shrinks_by_the_factor() -> None:
    args = national("report", 0.01)
    assert args[args.index("--scale") + 1] == "0.1"
    assert args[args.index("--enterprises") + 1] == "20000"
    assert national("transfer_contracts", 1.0)[1] == "10000000"
