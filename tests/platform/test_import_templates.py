"""Import templates and the one import pattern, across the four services that import.

The template round trip proves the column spec, the template and the importer agree: the
XLSX template of every dataset, uploaded as downloaded, imports its example row cleanly.
The other tests hold the importer to what the users were promised: every row error in
one pass (the wrong city included), columns named as the file named them, in Chinese
(English on request), nothing stored on refusal and counts equal to what was stored.
"""

from __future__ import annotations

import csv
import importlib
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from devstack import imports_doc
from devstack.pytest_plugin import create_app_with

pytestmark = pytest.mark.asyncio(loop_scope="session")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NANNING = "450100"
USCC_NN = "914501005794165304"


async def _register_example_firm(svc: Any) -> None:
    body = {"uscc": USCC_NN, "name": "南宁某科技", "city": NANNING, "industry": "新材料"}
    r = await svc.as_("admin").post("/v1/enterprises", json=body)
    assert r.status_code == 201, r.text


async def _example_dispatch(svc: Any) -> None:
    """The dispatch the template's example row names (its id set to the example's)."""
    from talent_service.commissioner.import_columns import EXAMPLE_DISPATCH

    admin = svc.as_("admin")
    body = {"name": "韦科技", "organisation": "广西大学", "kind": "individual"}
    r = await admin.post("/v1/commissioners", json=body | {"home_city": NANNING})
    assert r.status_code == 201, r.text
    r = await admin.post(
        "/v1/commissioner-dispatches",
        json={
            "commissioner_id": r.json()["id"],
            "year": 2023,
            "dispatching_unit": "科技厅",
            "city": NANNING,
            "county": "450103",
            "dispatched_on": "2023-02-01",
        },
    )
    assert r.status_code == 201, r.text
    await svc.connection.execute(
        text("UPDATE commissioner_dispatches SET id = CAST(:new AS uuid) WHERE id = :old"),
        {"new": EXAMPLE_DISPATCH, "old": r.json()["id"]},
    )


@dataclass(frozen=True)
class Case:
    service: str
    dataset: str
    table: str  # where the example row lands
    setup: Any = None


CASES = (
    Case("projects", "challenge-demands", "challenge_demands"),
    Case("projects", "funded-projects", "funded_projects"),
    Case("enterprise", "enterprises", "enterprises"),
    Case("enterprise", "training-sessions", "training_sessions"),
    Case("enterprise", "vouchers", "vouchers", _register_example_firm),
    Case(
        "enterprise", "rd-subsidy-applications", "rd_subsidy_applications", _register_example_firm
    ),
    Case("talent", "commissioner-service-logs", "commissioner_service_logs", _example_dispatch),
    Case("transfer", "tech-contracts", "tech_contracts"),
)
SETTINGS: dict[str, dict[str, Any]] = {
    "talent": {"pii_key": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}
}


def _factory(service: str) -> Any:
    return importlib.import_module(f"{service}_service.main").create_app


async def _client(factory: Any, service: str) -> Any:
    return await factory(service, _factory(service), **SETTINGS.get(service, {}))


async def _count(svc: Any, table: str) -> int:
    return int((await svc.connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar())


def _csv(header: list[str], *rows: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.dataset)
async def test_the_template_example_imports_cleanly(
    case: Case, service_client_factory: Any
) -> None:
    svc = await _client(service_client_factory, case.service)
    if case.setup:
        await case.setup(svc)
    bureau = svc.as_("city_bureau", city=NANNING)

    listed = (await bureau.get("/v1/imports")).json()
    info = next(d for d in listed if d["name"] == case.dataset)
    headers = [c["header"] for c in info["columns"]]

    r = await bureau.get(f"/v1/imports/{case.dataset}/template.xlsx")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"{info['title']}导入模板.xlsx"
    book = load_workbook(io.BytesIO(r.content))
    data, codes, notes = book.worksheets
    assert [data.title, codes.title, notes.title] == [info["title"][:31], "代码", "说明"]
    assert codes.sheet_state == "hidden"
    assert [c.value for c in data[1]] == headers
    # 说明: one row per column, saying meaning, required and format.
    described = {row[0]: row for row in notes.iter_rows(min_row=2, values_only=True) if row[0]}
    for column in info["columns"]:
        assert described[column["header"]][1:4] == (
            column["meaning"],
            "必填" if column["required"] else "选填",
            column["format"],
        )
    # Every coded column offers its values as a drop-down from the 代码 sheet.
    listed_columns = {c["header"] for c in info["columns"] if c["allowed"]}
    validated = {
        data.cell(row=1, column=cell.min_col).value
        for dv in data.data_validations.dataValidation
        if dv.type == "list" and dv.formula1.startswith("'代码'!")
        for cell in dv.sqref.ranges
    }
    assert validated == listed_columns

    before = await _count(svc, case.table)
    r = await bureau.post(
        f"/v1/imports/{case.dataset}", files={"file": ("模板.xlsx", r.content, XLSX)}
    )
    assert 200 <= r.status_code < 300, r.text
    assert await _count(svc, case.table) == before + 1

    # The CSV template: UTF-8 with BOM, the same headers and example; it passes a dry run.
    r = await bureau.get(f"/v1/imports/{case.dataset}/template.csv")
    assert r.content.startswith("\ufeff".encode())
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows == [headers, [c["example"] for c in info["columns"]]]


async def test_unknown_dataset_template_is_404(service_client_factory: Any) -> None:
    svc = await _client(service_client_factory, "transfer")
    r = await svc.as_("city_bureau", city=NANNING).get("/v1/imports/nope/template.xlsx")
    assert r.status_code == 404
    assert r.json()["title"]


CONTRACT_HEADER = [
    *("合同登记编号", "合同类型", "卖方名称", "卖方行政区划代码", "买方名称"),
    *("买方行政区划代码", "合同金额", "技术交易额", "签订日期", "登记日期", "登记城市"),
]


def _contract(no: str, amount: str = "1000.00", city: str = "南宁市") -> list[str]:
    return [
        *(no, "委托开发", "广西大学", NANNING, "柳州某公司", "450200", amount, "800.00"),
        *("2023-02-01", "2023-03-01", city),
    ]


async def test_every_row_error_in_one_pass_named_as_the_file_named_it(
    service_client_factory: Any,
) -> None:
    svc = await _client(service_client_factory, "transfer")
    bureau = svc.as_("city_bureau", city=NANNING)
    content = _csv(
        CONTRACT_HEADER,
        _contract("23450101000001"),
        _contract("23450101000002", amount="一千", city="柳州市"),  # wrong city AND bad value
        _contract("23450101000003", amount="abc"),
        _contract("23450101000001"),  # the first row again
    )
    r = await bureau.post("/v1/imports/tech-contracts", files={"file": ("c.csv", content)})
    assert r.status_code == 422, r.text
    problem = r.json()
    got = {(e["row"], e["field"], e["code"]) for e in problem["errors"]}
    assert got == {
        (2, "登记城市", "city_not_allowed"),
        (2, "合同金额", "decimal_parsing"),  # the alias the file used, not 合同成交额
        (3, "合同金额", "decimal_parsing"),
        (4, "合同登记编号", "duplicate_in_file"),
    }
    messages = {(e["row"], e["field"]): e["message"] for e in problem["errors"]}
    assert messages[(3, "合同金额")] == "第 3 行「合同金额」不是有效金额"
    assert (
        messages[(4, "合同登记编号")] == "第 4 行「合同登记编号」与文件中前面的行重复（同第 1 行）"
    )
    assert messages[(2, "登记城市")].startswith("第 2 行「登记城市」不是本市的数据")
    # Nothing stored, and the counts do not say otherwise.
    assert await _count(svc, "tech_contracts") == 0
    assert problem["summary"]["created"] == 0
    assert problem["summary"]["failed"] == 3

    english = await bureau.post(
        "/v1/imports/tech-contracts",
        files={"file": ("c.csv", content)},
        headers={"Accept-Language": "en"},
    )
    en = {(e["row"], e["field"]): e["message"] for e in english.json()["errors"]}
    assert en[(3, "合同金额")].startswith("row 3, column '合同金额' is not a valid amount")

    # Fixed, the file imports; created is what was stored, and again nothing is doubled.
    fixed = _csv(CONTRACT_HEADER, _contract("23450101000001"), _contract("23450101000003"))
    r = await bureau.post("/v1/imports/tech-contracts", files={"file": ("c.csv", fixed)})
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2 == await _count(svc, "tech_contracts")
    r = await bureau.post("/v1/imports/tech-contracts", files={"file": ("c.csv", fixed)})
    assert (r.json()["created"], r.json()["unchanged"]) == (0, 2)
    assert await _count(svc, "tech_contracts") == 2


async def test_english_headers_are_aliases_and_name_their_errors(
    service_client_factory: Any,
) -> None:
    """Today's English headers still import; an error names the column by them."""
    svc = await _client(service_client_factory, "enterprise")
    bureau = svc.as_("city_bureau", city=NANNING)
    header = ["city", "培训主题", "held_on", "人数"]
    ok = _csv(header, [NANNING, "高企申报辅导", "2023-03-01", "45"])
    r = await bureau.post("/v1/imports/training-sessions", files={"file": ("t.csv", ok)})
    assert r.status_code == 200, r.text
    bad = _csv(
        header,
        ["柳州市", "专利培训", "2023-13-01", "45"],
        [NANNING, "专利培训", "2023-03-02", "很多"],
    )
    r = await bureau.post("/v1/imports/training-sessions", files={"file": ("t.csv", bad)})
    assert r.status_code == 422
    assert {(e["row"], e["field"], e["code"]) for e in r.json()["errors"]} == {
        (1, "city", "city_not_allowed"),
        (1, "held_on", "date_from_datetime_parsing"),
        (2, "人数", "int_parsing"),
    }
    assert await _count(svc, "training_sessions") == 1


PROJECT_HEADER = ["项目编号", "项目名称", "项目类别", "领域", "牵头单位"]
PROJECT_HEADER += ["牵头单位统一社会信用代码", "所属市", "立项日期", "资助经费(元)"]


def _project(code: str, amount: str = "1000000.00", city: str = "南宁市") -> list[str]:
    return [code, "铝合金", "重点研发计划", "新材料", "某大学", USCC_NN, city, "2023-06-30", amount]


async def test_counts_equal_what_was_stored(service_client_factory: Any) -> None:
    svc = await _client(service_client_factory, "projects")
    bureau = svc.as_("city_bureau", city=NANNING)

    async def post(*rows: list[str]) -> Any:
        content = _csv(PROJECT_HEADER, *rows)
        return await bureau.post("/v1/imports/funded-projects", files={"file": ("p.csv", content)})

    r = await post(_project("XM-1"), _project("XM-2"))
    assert r.status_code == 200, r.text
    assert r.json()["summary"]["created"] == 2 == await _count(svc, "funded_projects")

    r = await post(_project("XM-1"), _project("XM-2", amount="2000000.00"), _project("XM-3"))
    summary = r.json()["summary"]
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (1, 1, 1)
    assert await _count(svc, "funded_projects") == 3
    stored = await svc.connection.execute(
        text("SELECT funding_amount FROM funded_projects WHERE project_code = 'XM-2'")
    )
    assert str(stored.scalar()) == "2000000.00"

    # A refused file: a new row, a bad one and another city's — one pass, nothing stored,
    # and no count claims otherwise.
    r = await post(_project("XM-4"), _project("XM-5", amount="x", city="柳州市"))
    assert r.status_code == 422
    problem = r.json()
    assert {(e["row"], e["field"], e["code"]) for e in problem["errors"]} == {
        (2, "所属市", "city_not_allowed"),
        (2, "资助经费(元)", "decimal_parsing"),
    }
    assert problem["summary"]["created"] == problem["summary"]["updated"] == 0
    assert await _count(svc, "funded_projects") == 3


@pytest.mark.parametrize("service", ["projects", "enterprise", "talent", "transfer"])
async def test_openapi_documents_the_columns_and_template_media_types(
    service: str, pg: Any, tokens: Any
) -> None:
    app = create_app_with(_factory(service), service, pg, tokens, SETTINGS.get(service, {}))
    spec = app.openapi()["paths"]
    datasets = imports_doc.datasets()[service]
    # Every import of the service is one of its specified datasets, and each is documented.
    posted = {p for p, ops in spec.items() if p.startswith("/v1/imports/") and "post" in ops}
    assert posted == {f"/v1/imports/{d.name}" for d in datasets}
    assert "get" in spec["/v1/imports"]
    for dataset in datasets:
        description = spec[f"/v1/imports/{dataset.name}"]["post"]["description"]
        for column in dataset.columns:
            assert f"| {column.header} |" in description
            assert f"`{column.key}`" in description
    xlsx = spec["/v1/imports/{dataset}/template.xlsx"]["get"]["responses"]["200"]["content"]
    assert list(xlsx) == [XLSX]
    csv_ = spec["/v1/imports/{dataset}/template.csv"]["get"]["responses"]["200"]["content"]
    assert list(csv_) == ["text/csv"]


async def test_a_firm_of_another_city_is_told_beside_a_bad_cell(
    service_client_factory: Any,
) -> None:
    """The enterprise's city is checked even on a row that fails elsewhere (one pass)."""
    svc = await _client(service_client_factory, "enterprise")
    await _register_example_firm(svc)
    liuzhou = "91450200MAA7L76A5R"
    body = {"uscc": liuzhou, "name": "柳州某公司", "city": "450200", "industry": "机械"}
    assert (await svc.as_("admin").post("/v1/enterprises", json=body)).status_code == 201
    content = _csv(
        ["统一社会信用代码", "申请日期", "用途"],
        [liuzhou, "2023-13-01", "检测"],
        [USCC_NN, "2023-01-05", "检测"],
    )
    bureau = svc.as_("city_bureau", city=NANNING)
    r = await bureau.post("/v1/imports/vouchers", files={"file": ("v.csv", content)})
    assert r.status_code == 422, r.text
    assert {(e["row"], e["field"], e["code"]) for e in r.json()["errors"]} == {
        (1, "统一社会信用代码", "city_not_allowed"),
        (1, "申请日期", "date_from_datetime_parsing"),
    }
    assert await _count(svc, "vouchers") == 0


async def test_docs_imports_md_is_generated_from_the_specs() -> None:
    """docs/imports.md lists every import's columns; `python -m devstack.imports_doc`."""
    assert imports_doc.PAGE.read_text(encoding="utf-8") == imports_doc.render()


async def test_a_rule_across_cells_is_told_in_chinese(service_client_factory: Any) -> None:
    svc = await _client(service_client_factory, "enterprise")
    await _register_example_firm(svc)
    content = _csv(["统一社会信用代码", "申请日期", "面额(元)"], [USCC_NN, "2023-01-05", "5000"])
    bureau = svc.as_("city_bureau", city=NANNING)
    r = await bureau.post("/v1/imports/vouchers", files={"file": ("v.csv", content)})
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert (error["row"], error["field"]) == (1, "row")
    assert error["message"] == "第 1 行：面额与发放日期须同时填写或都不填"
