"""The dashboard's 撤回/更正 offers (views/corrections.js, words.js), run in Node: which
figures' 明细 offer them to whom, and how the audit names the new actions."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from devstack.layout import REPO

SRC = REPO / "web" / "dashboard" / "src"

SCRIPT = """
globalThis.window = { location: { origin: 'http://x' } };
const c = await import(process.argv[1] + '/views/corrections.js');
const w = await import(process.argv[1] + '/words.js');
const link = (code) => `/api/x/v1/indicators/${code}/records?from=2023-01-01`;
const kind = (code, role) => c.correctableOf(link(code), { role })?.kind ?? null;
console.log(JSON.stringify({
  demand: kind('projects.challenge_demands_collected', 'city_bureau'),
  contract: kind('transfer.contract_value', 'city_bureau'),
  logs: kind('talent.commissioner_service_days', 'admin'),
  analyst: kind('projects.challenge_demands_collected', 'analyst'),
  programmeBureau: kind('projects.action_plan_programs', 'city_bureau'),
  programmeAdmin: kind('projects.action_plan_programs', 'admin'),
  other: kind('transfer.pilot_bases', 'admin'),
  withdraw: w.actionWords('POST', '/api/projects/v1/challenge-demands/abc/withdraw'),
  approve: w.actionWords('POST', '/api/transfer/v1/correction-requests/abc/approve'),
}));
"""


@pytest.fixture(scope="module")
def out() -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (the dashboard is built with it)")
    r = subprocess.run(
        [node, "--input-type=module", "-e", SCRIPT, str(SRC)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(r.stdout)
    return result


def test_records_offer_corrections_to_who_may_make_them(out: dict[str, Any]) -> None:
    assert out["demand"] == "challenge_demand"
    assert out["contract"] == "tech_contract"
    assert out["logs"] == "commissioner_service_log"
    assert out["analyst"] is None  # reads, never changes
    assert (out["programmeBureau"], out["programmeAdmin"]) == (None, "program")
    assert out["other"] is None


def test_the_audit_names_the_new_actions(out: dict[str, Any]) -> None:
    assert out["withdraw"] == "撤回揭榜挂帅需求"
    assert out["approve"] == "批准更正申请"
