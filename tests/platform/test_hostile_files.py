"""Hostile files against every import endpoint, and a clerk's Excel CSV accepted by each.

Every endpoint that takes an uploaded table reads it with shared_kit.tabular. Each hostile
file must get a 4xx problem (never a 5xx) and leave every table of the service as it was;
a GBK (GB18030) or UTF-8-with-BOM CSV with valid content, as Excel on Chinese Windows
writes it, must be accepted. The endpoints are checked against the services' OpenAPI, so
a new import endpoint cannot be left out of the matrix.
"""

from __future__ import annotations

import csv
import importlib
import io
import random
import time
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from devstack.layout import SERVICES
from devstack.pytest_plugin import create_app_with
from shared_kit import data_version

pytestmark = pytest.mark.asyncio(loop_scope="session")

NANNING = "450100"
NANNING_COUNTY, NANNING_VILLAGE = "450103", "450103001001"
USCC_NN = "914501005794165304"
USCC_LZ = "91450200MAA7L76A5R"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PII_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
EXCEL_ROWS = 1_048_576  # the most rows an Excel sheet holds
MAX_BYTES = 4 * 1024 * 1024  # the matrix's byte limit, so an oversize file stays cheap

Setup = Callable[[Any], Awaitable[dict[str, str]]]


@dataclass(frozen=True)
class Endpoint:
    id: str
    service: str
    path: str  # as the OpenAPI names it, and the URL posted to
    header: tuple[str, ...]
    # A valid row, given what setup() returns; it holds Chinese text where the columns allow.
    row: Callable[[dict[str, str]], list[str]]
    body: str = "multipart"  # or "raw": the file itself as the request body
    setup: Setup | None = None
    params: dict[str, str] = field(default_factory=dict)


async def _no_setup(client: Any) -> dict[str, str]:
    return {}


async def _enterprises(svc: Any) -> dict[str, str]:
    for uscc, city in ((USCC_NN, NANNING), (USCC_LZ, "450200")):
        r = await svc.as_("admin").post(
            "/v1/enterprises",
            json={"uscc": uscc, "name": "南宁某科技", "city": city, "industry": "新材料"},
        )
        assert r.status_code == 201, r.text
    return {}


async def _dispatch(svc: Any) -> dict[str, str]:
    admin = svc.as_("admin")
    r = await admin.post(
        "/v1/commissioners",
        json={"name": "韦科技", "organisation": "广西大学", "kind": "individual"}
        | {"home_city": NANNING},
    )
    assert r.status_code == 201, r.text
    r = await admin.post(
        "/v1/commissioner-dispatches",
        json={
            "commissioner_id": r.json()["id"],
            "year": 2023,
            "dispatching_unit": "科技厅",
            "city": NANNING,
            "county": NANNING_COUNTY,
            "dispatched_on": "2023-02-01",
        },
    )
    assert r.status_code == 201, r.text
    return {"dispatch": r.json()["id"]}


DEMANDS = Endpoint(
    "projects:challenge-demands",
    "projects",
    "/v1/imports/challenge-demands",
    (
        *("需求编号", "需求名称", "需求单位", "统一社会信用代码", "所属市", "技术领域"),
        *("攻关目标", "预算（元）", "提交日期"),
    ),
    lambda _: [
        *("XQ-1", "高端轴承材料", "南宁某企业", USCC_NN, "南宁市", "新材料"),
        *("国产替代", "1500000.50", "2023-03-01"),
    ],
)
PROJECTS = Endpoint(
    "projects:funded-projects",
    "projects",
    "/v1/imports/funded-projects",
    (
        *("项目编号", "项目名称", "项目类别", "领域", "牵头单位", "牵头单位统一社会信用代码"),
        *("所属市", "立项日期", "资助经费（元）"),
    ),
    lambda _: [
        *("XM-1", "高性能铝合金", "科技重大专项", "新材料", "南宁某企业", USCC_NN),
        *("南宁市", "2023-06-30", "1234567.89"),
    ],
)
REGISTRY = Endpoint(
    "enterprise:enterprises",
    "enterprise",
    "/v1/imports/enterprises",
    ("统一社会信用代码", "企业名称", "所在城市", "所属行业"),
    lambda _: [USCC_NN, "南宁某科技有限公司", "南宁市", "新材料"],
)
TRAINING = Endpoint(
    "enterprise:training-sessions",
    "enterprise",
    "/v1/imports/training-sessions",
    ("city", "topic", "held_on", "attendees", "organiser"),
    lambda _: [NANNING, "高企申报辅导", "2023-03-01", "45", "市科技局"],
)
VOUCHERS = Endpoint(
    "enterprise:vouchers",
    "enterprise",
    "/v1/imports/vouchers",
    ("enterprise_uscc", "applied_on", "purpose"),
    lambda _: [USCC_NN, "2023-01-05", "检测服务"],
    setup=_enterprises,
)
RD = Endpoint(
    "enterprise:rd-subsidy-applications",
    "enterprise",
    "/v1/imports/rd-subsidy-applications",
    ("enterprise_uscc", "year", "requested_amount", "submitted_on"),
    lambda _: [USCC_NN, "2022", "300000.00", "2023-03-01"],
    setup=_enterprises,
)
SERVICE_LOGS = Endpoint(
    "talent:commissioner-service-logs",
    "talent",
    "/v1/imports/commissioner-service-logs",
    ("派出记录编号", "村（社区）代码", "服务日期", "服务天数", "服务内容", "服务成效"),
    lambda d: [d["dispatch"], NANNING_VILLAGE, "2023-03-01", "2", "水稻种植指导", "增产"],
    setup=_dispatch,
)
CONTRACTS = Endpoint(
    "transfer:tech-contracts",
    "transfer",
    "/v1/imports/tech-contracts",
    (
        *("合同登记编号", "合同类型", "项目名称", "卖方名称", "卖方统一社会信用代码"),
        *("卖方行政区划代码", "买方名称", "买方统一社会信用代码", "买方行政区划代码"),
        *("合同成交额", "技术交易额", "签订日期", "登记日期", "登记城市"),
    ),
    lambda _: [
        *("23450101000001", "委托开发", "智能装备研发", "广西大学", USCC_NN, NANNING),
        *("柳州某公司", USCC_LZ, "450200", "1,000.00", "800.00", "2023/02/01"),
        *("2023-03-01", "南宁市"),
    ],
)


async def _partner_bank(svc: Any) -> dict[str, str]:
    """The bank interface serves partners in force only: BANKA signs an agreement first."""
    body = {"code": "BANKA", "name": "BANKA 银行", "agreement_signed_on": "2021-05-01"}
    r = await svc.as_("admin").post("/v1/partner-banks", json=body)
    assert r.status_code == 201, r.text
    return {}


LOANS = Endpoint(
    "enterprise:bank-loan-batches",
    "enterprise",
    "/v1/bank/loan-batches",
    (
        *("contract_no", "uscc", "enterprise_name", "amount", "disbursed_on", "maturity_on"),
        *("annual_rate", "guarantee", "status"),
    ),
    lambda _: [
        *("DK-1", USCC_NN, "南宁某科技有限公司", "1000000.00", "2023-03-01"),
        *("2024-03-01", "3.45", "credit", "disbursed"),
    ],
    body="bank",
    setup=_partner_bank,
)


def _raw(endpoint: Endpoint) -> Endpoint:
    """The same import with the file as the request body (text/csv or XLSX)."""
    return Endpoint(**{**endpoint.__dict__, "id": endpoint.id + ":raw", "body": "raw"})


ENDPOINTS = (
    DEMANDS,
    PROJECTS,
    REGISTRY,
    _raw(REGISTRY),
    TRAINING,
    _raw(TRAINING),
    VOUCHERS,
    _raw(VOUCHERS),
    RD,
    _raw(RD),
    SERVICE_LOGS,
    CONTRACTS,
    LOANS,
)
APPS = {
    "projects": {"import_max_bytes": MAX_BYTES},
    "enterprise": {"import_max_bytes": MAX_BYTES, "registry_import_max_bytes": MAX_BYTES},
    "talent": {"import_max_bytes": MAX_BYTES, "pii_key": PII_KEY},
    "transfer": {"contract_import_max_bytes": MAX_BYTES},
}


def _app_factory(service: str) -> Any:
    return importlib.import_module(f"{service}_service.main").create_app


def _csv(header: tuple[str, ...] | list[str], *rows: list[str], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # as Excel writes it
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def _xlsx(header: tuple[str, ...], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _damaged_mid_sheet(book: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) * 2 // 3]  # cut short, as a broken upload
            dst.writestr(item, data)
    return out.getvalue()


@cache
def _excel_rows(header: tuple[str, ...]) -> bytes:
    """1,048,576 data rows, each filled only in a first, unnamed column (every import
    ignores such a column), so only the row limit can refuse it: about 2 MiB."""
    return _csv(("", *header)) + b"x\r\n" * EXCEL_ROWS


def hostile_files(e: Endpoint) -> dict[str, tuple[str, bytes]]:
    """name → (file name, content) of every hostile file for an endpoint."""
    h, row = e.header, e.row({"dispatch": "00000000-0000-0000-0000-000000000000"})
    bad = [row[0], "不是合法的值", *[""] * (len(row) - 2)]  # decodes fine, fails its row
    line = _csv([], row)
    oversize = _csv(h) + line * (MAX_BYTES // len(line) + 1)
    formulas = [["=1+1"] * len(h), ['=HYPERLINK("http://evil.example","点击")'] * len(h)]
    return {
        "field_40k": ("t.csv", _csv(h, row, [row[0], "长" * 40_000, *row[2:]])),
        "field_200k": ("t.csv", _csv(h, row, [row[0], "x" * 200_000, *row[2:]])),
        "oversize_file": ("t.csv", oversize),
        "nul": ("t.csv", _csv(h, row, [row[0], "智能\x00装备", *row[2:]])),
        "utf16_bom": ("t.csv", _csv(h, row, encoding="utf-16")),
        "utf16le_no_bom": ("t.csv", _csv(h, row, encoding="utf-16-le")),
        "gbk_bad_row": ("t.csv", _csv(h, bad, encoding="gb18030")),
        "bom_bad_row": ("t.csv", _csv(h, bad, encoding="utf-8-sig")),
        "too_many_columns": ("t.csv", _csv(h) + b"x" + b"," * 20_000 + b"\r\n"),
        "unbalanced_quotes": ("t.csv", _csv(h) + b'"' + _csv([], row) + _csv([], row)),
        "header_only": ("t.csv", _csv(h)),
        "empty": ("t.csv", b""),
        "random_bytes": ("t.csv", random.Random(13).randbytes(8192)),
        "legacy_xls": ("t.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
        "xlsx_damaged_mid_sheet": ("t.xlsx", _damaged_mid_sheet(_xlsx(h, [row] * 300))),
        "xlsx_not_a_workbook": ("t.xlsx", b"PK\x03\x04 not really a workbook"),
        "xlsx_formula_cells": ("t.xlsx", _xlsx(h, formulas)),
        "csv_formula_cells": ("t.csv", _csv(h, [*row[:1], "=1+1", *row[2:]])),
        "excel_max_rows": ("t.csv", _excel_rows(h)),
    }


HOSTILE = list(hostile_files(DEMANDS))
# Files that decode and whose rows fail: the answer is a row problem, not unreadable_file.
DECODED = {"gbk_bad_row", "bom_bad_row"}


async def _post(svc: Any, e: Endpoint, name: str, content: bytes, **params: str) -> Any:
    url = e.path
    media = XLSX if name.endswith(".xlsx") else "text/csv"
    if e.body == "bank":
        client = svc.as_("bank", bank="BANKA")
        headers = {"Content-Type": "text/csv", "Idempotency-Key": f"k-{time.monotonic_ns()}"}
        return await client.post(url, content=content, headers=headers, params=params)
    client = svc.as_("city_bureau", city=NANNING)
    if e.body == "raw":
        headers = {"Content-Type": media}
        return await client.post(url, content=content, headers=headers, params=params)
    return await client.post(url, files={"file": (name, content, media)}, params=params)


async def _counts(svc: Any) -> dict[str, int]:
    """Rows of every record table of the service's schema, in one statement.

    The data-version log is bookkeeping, not records: it grows with every write and is
    folded back into one row now and then, so its count says nothing about what was stored.
    """
    conn = svc.connection
    names = (
        await conn.execute(
            text(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
                "ORDER BY 1"
            )
        )
    ).scalars()
    names = [n for n in names if n not in data_version.ALWAYS_EXEMPT]
    assert names, "the service's schema has tables"
    counts = ", ".join(f'(SELECT count(*) FROM "{n}")' for n in names)
    row = (await conn.execute(text(f"SELECT {counts}"))).one()
    return dict(zip(names, row, strict=True))


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
async def test_every_hostile_file_is_a_4xx_problem_and_stores_nothing(
    endpoint: Endpoint, service_client_factory: Any
) -> None:
    svc = await service_client_factory(
        endpoint.service, _app_factory(endpoint.service), **APPS[endpoint.service]
    )
    await (endpoint.setup or _no_setup)(svc)
    files = hostile_files(endpoint)
    before = await _counts(svc)
    wrong: list[str] = []
    started = time.perf_counter()
    for name, (filename, content) in files.items():
        r = await _post(svc, endpoint, filename, content)
        if not 400 <= r.status_code < 500:
            wrong.append(f"{name}: {r.status_code} {r.text[:200]}")
            continue
        problem = r.json()
        if not r.headers["content-type"].startswith("application/problem+json") or not (
            problem.get("code") and problem.get("title")
        ):
            wrong.append(f"{name}: not a problem: {r.text[:200]}")
        elif name in DECODED and problem["code"] in ("unreadable_file", "malformed_batch"):
            wrong.append(f"{name}: refused as unreadable, should have been decoded: {r.text}")
    assert wrong == [], "\n".join(wrong)
    assert await _counts(svc) == before
    # About 3 s on a 2-core machine: the 1,048,576-row file stops at the row limit.
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
# GBK text encodes to the same bytes in GB18030, its superset: one file stands for both.
@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
async def test_a_clerks_excel_csv_is_accepted(
    endpoint: Endpoint, encoding: str, service_client_factory: Any
) -> None:
    """Excel on Chinese Windows saves "CSV" as GBK; "CSV UTF-8" starts with a BOM."""
    svc = await service_client_factory(
        endpoint.service, _app_factory(endpoint.service), **APPS[endpoint.service]
    )
    data = await (endpoint.setup or _no_setup)(svc)
    before = await _counts(svc)
    content = _csv(endpoint.header, endpoint.row(data), encoding=encoding)
    # Chinese text in every file but the R&D one, whose columns are codes and numbers.
    assert not content.isascii() or endpoint is RD or endpoint.id == RD.id + ":raw"
    r = await _post(svc, endpoint, "导入.csv", content)
    assert 200 <= r.status_code < 300, r.text
    after = await _counts(svc)
    assert sum(after.values()) > sum(before.values()), "the row was stored"


async def test_the_matrix_covers_every_upload_endpoint(pg: Any, tokens: Any) -> None:
    """Every operation of every service that takes a file (multipart or text/csv)."""
    found = set()
    for component in SERVICES:
        settings = APPS.get(component.name, {})
        app = create_app_with(_app_factory(component.name), component.name, pg, tokens, settings)
        for path, operations in app.openapi()["paths"].items():
            for method, operation in operations.items():
                content = operation.get("requestBody", {}).get("content", {})
                if "multipart/form-data" in content or "text/csv" in content:
                    found.add((component.name, method.upper(), path))
    covered = {(e.service, "POST", e.path) for e in ENDPOINTS}
    assert found == covered
    # One URL pattern: every import of a city bureau's data is /v1/imports/{dataset}.
    assert {e.path for e in ENDPOINTS if e is not LOANS} == {
        "/v1/imports/challenge-demands",
        "/v1/imports/funded-projects",
        "/v1/imports/enterprises",
        "/v1/imports/training-sessions",
        "/v1/imports/vouchers",
        "/v1/imports/rd-subsidy-applications",
        "/v1/imports/commissioner-service-logs",
        "/v1/imports/tech-contracts",
    }
