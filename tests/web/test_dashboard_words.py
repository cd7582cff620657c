"""The dashboard's words and signs (web/dashboard/src/format.js, words.js), run in Node:
comparisons as the documents write them, money as the report rounds it, ISO dates."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from devstack.layout import REPO

SRC = REPO / "web" / "dashboard" / "src"

SCRIPT = """
const f = await import(process.argv[1] + '/format.js');
const w = await import(process.argv[1] + '/words.js');
const row = (r) => f.comparison({ unit: '项', change_pct: null, change_pp: null, ...r });
const abs = { compare: 'abs', previous: 1500 };
console.log(JSON.stringify({
  zeroZero: row({ value: 0, previous: 0, change_abs: 0 }),
  contracts: row({ ...abs, value: 1538, change_abs: 38, change_pct: '2.5' }),
  contractsDown: row({ ...abs, value: 1462, change_abs: -38, change_pct: '-2.5' }),
  rate: f.comparison({ unit: '%', value: '45.2', previous: '43.1', change_pp: '2.1' }),
  pct: row({ value: 130, previous: 100, change_abs: 30, change_pct: '30.0' }),
  fromNothing: row({ value: 5, previous: 0, change_abs: 5 }),
  flat: row({ value: 5, previous: 5, change_abs: 0, change_pct: '0.0' }),
  noValue: row({ value: null, previous: 3, change_abs: null }),
  yi: f.fmtMoney('1037000000.00', '亿元'),
  yiHalfUp: f.fmtMoney('1036500000.00', '亿元'),
  wan: f.fmtMoney('1234567.89', '万元'),
  iso: [f.isoDate('2023-02-28'), f.isoDate('2023-02-30'), f.isoDate('02/28/2023')],
  six: f.lastSixHalfYears({ year: 2023, kind: 'H1' }),
  action: w.actionWords('POST', '/api/projects/v1/challenge-demands/abc/transitions'),
  imported: w.actionWords('POST', '/api/transfer/v1/imports/tech-contracts'),
  reason: [w.reasonWords('timed out'), w.reasonWords('unreachable (ConnectError)')],
  reasonZh: [
    w.reasonWords('超过时限未答复'),
    w.reasonWords('无法连接（ConnectError）'),
    w.reasonWords('答复 503 database_unavailable'),
  ],
  fields: ['body.uscc', 'body.tech_transaction_amount', 'file'].map(w.fieldWords),
  listItem: ['body.criteria.2.weight', 'body.criteria.1', 'body.demand_ids'].map(w.fieldWords),
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


def test_comparisons_read_as_the_documents_write_them(out: dict[str, Any]) -> None:
    assert out["zeroZero"]["text"] == "—"  # nothing against nothing: no comparison
    assert out["contracts"]["text"] == "+38项"
    assert out["contractsDown"]["text"] == "-38项"
    assert (out["rate"]["mark"], out["rate"]["text"]) == ("▲", "2.1个百分点")
    assert (out["pct"]["mark"], out["pct"]["text"]) == ("▲", "30.0%")
    assert out["fromNothing"]["text"] == "+5项"
    assert out["flat"]["text"] == "持平"
    assert out["noValue"]["text"] == "—"


def test_money_rounds_half_up_exactly(out: dict[str, Any]) -> None:
    assert out["yi"] == "10.37亿元"
    assert out["yiHalfUp"] == "10.37亿元"
    assert out["wan"] == "123.46万元"


def test_dates_periods_and_words(out: dict[str, Any]) -> None:
    assert out["iso"] == ["2023-02-28", None, None]
    assert out["six"] == ["2020-H2", "2023-H1"]
    assert out["action"] == "变更状态揭榜挂帅需求"
    assert out["imported"] == "导入技术合同"
    assert out["reason"] == ["响应超时", "无法连接"]
    # reporting answers the page in Chinese (it sends Accept-Language: zh-CN)
    assert out["reasonZh"] == ["响应超时", "无法连接", "服务内部错误"]
    assert out["fields"] == ["统一社会信用代码", "技术交易额", "文件"]
    # A list's item (criteria.1) is named by its list, never by its index.
    assert out["listItem"] == ["权重", "评分指标", "纳入的需求"]


API_SCRIPT = """
globalThis.window = { location: { origin: 'http://gw' } };
const seen = [];
globalThis.fetch = async (url, init) => {
  seen.push(init.headers);
  const body = JSON.stringify({ title: '未找到', detail: '没有技术合同 x', code: 'not_found' });
  const headers = { 'content-type': 'application/problem+json' };
  return new Response(body, { status: 404, headers });
};
const { createApi } = await import(process.argv[1] + '/api.js');
const api = createApi({ session: () => ({ kind: 'key', secret: 'k' }) });
let detail = null;
try { await api.get('/api/transfer/v1/tech-contracts/x'); } catch (e) { detail = e.detail; }
console.log(JSON.stringify({ headers: seen[0], detail }));
"""


def test_the_page_asks_for_chinese_problems() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (the dashboard is built with it)")
    r = subprocess.run(
        [node, "--input-type=module", "-e", API_SCRIPT, str(SRC)],
        check=True,
        capture_output=True,
        text=True,
    )
    out = json.loads(r.stdout)
    assert out["headers"]["Accept-Language"] == "zh-CN"
    assert out["detail"] == "没有技术合同 x"
