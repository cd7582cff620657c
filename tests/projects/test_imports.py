from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from typing import Any

import pytest
import pytest_asyncio
from openpyxl import Workbook

from projects_service.main import create_app

from .helpers import LIUZHOU, NANNING, USCC_LIUZHOU, USCC_NANNING

pytestmark = pytest.mark.asyncio(loop_scope="session")

DEMAND_HEADER = [
    "需求编号",
    "需求名称",
    "需求单位",
    "统一社会信用代码",
    "所属市",
    "技术领域",
    "攻关目标",
    "预算（元）",
    "提交日期",
]


def demand_row(ref: str, **over: Any) -> list[Any]:
    row = {
        "ref": ref,
        "title": "高端轴承材料",
        "org": "南宁某企业",
        "uscc": USCC_NANNING,
        "city": "南宁市",
        "field": "新材料",
        "goal": "国产替代",
        "budget": "1500000.50",
        "on": "2023-03-01",
    } | over
    return list(row.values())


def to_csv(header: list[str], rows: list[list[Any]], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def to_xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("projects", create_app)


async def upload(
    client: Any, kind: str, name: str, content: bytes, *, dry_run: bool = False
) -> Any:
    return await client.post(
        f"/v1/imports/{kind}",
        files={"file": (name, content, "application/octet-stream")},
        params={"dry_run": str(dry_run).lower()},
    )


async def demands(svc: Any) -> list[dict[str, Any]]:
    r = await svc.as_("admin").get("/v1/challenge-demands", params={"limit": 1000})
    return list(r.json()["items"])


class TestDemandCsv:
    async def test_create_then_unchanged_then_updated(self, svc: Any) -> None:
        admin = svc.as_("admin")
        body = to_csv(DEMAND_HEADER, [demand_row("R1"), demand_row("R2", city="450200")])
        r = await upload(admin, "challenge-demands", "d.csv", body)
        assert r.status_code == 200, r.text
        assert r.json()["summary"] == {
            "rows": 2,
            "created": 2,
            "updated": 0,
            "unchanged": 0,
            "failed": 0,
        }
        got = {d["external_ref"]: d for d in await demands(svc)}
        assert got["R1"]["city"] == NANNING
        assert got["R2"]["city"] == LIUZHOU
        assert got["R1"]["budget"] == "1500000.50"
        assert got["R1"]["status"] == "submitted"
        hist = (await admin.get(f"/v1/challenge-demands/{got['R1']['id']}/history")).json()
        assert [(h["to_status"], h["reason"], h["occurred_on"]) for h in hist] == [
            ("submitted", "bulk import", "2023-03-01")
        ]

        r = await upload(admin, "challenge-demands", "d.csv", body)
        assert r.json()["summary"]["unchanged"] == 2
        changed = to_csv(
            DEMAND_HEADER, [demand_row("R1", budget="9.99"), demand_row("R2", city="450200")]
        )
        r = await upload(admin, "challenge-demands", "d.csv", changed)
        assert r.json()["summary"] == {
            "rows": 2,
            "created": 0,
            "updated": 1,
            "unchanged": 1,
            "failed": 0,
        }
        again = {d["external_ref"]: d for d in await demands(svc)}
        assert again["R1"]["budget"] == "9.99"
        assert again["R1"]["id"] == got["R1"]["id"]
        assert len(again) == 2

    async def test_dry_run_writes_nothing(self, svc: Any) -> None:
        body = to_csv(DEMAND_HEADER, [demand_row("R1"), demand_row("R2")])
        r = await upload(svc.as_("admin"), "challenge-demands", "d.csv", body, dry_run=True)
        assert r.status_code == 200
        assert r.json()["applied"] is False
        assert r.json()["summary"]["created"] == 2
        assert await demands(svc) == []

    async def test_every_failing_row_listed_and_nothing_written(self, svc: Any) -> None:
        rows = [
            demand_row("OK1"),
            demand_row("BAD1", uscc="91350100M0001TGQXM"),
            demand_row("BAD2", on="2023-02-30", budget="1.234"),
            demand_row("BAD3", city="广州市"),
            demand_row("OK1"),
            demand_row("", title=""),
        ]
        body = to_csv(DEMAND_HEADER, rows)
        r = await upload(svc.as_("admin"), "challenge-demands", "d.csv", body)
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["code"] == "import_rows_invalid"
        found = {(e["row"], e["field"], e["code"]) for e in problem["errors"]}
        assert (2, "统一社会信用代码", "value_error") in found
        assert (3, "提交日期", "date_from_datetime_parsing") in found
        assert (3, "预算（元）", "decimal_max_places") in found
        assert (4, "所属市", "value_error") in found
        assert (5, "需求编号", "duplicate_key") in found
        assert {e["row"] for e in problem["errors"]} == {2, 3, 4, 5, 6}
        assert all(e["message"] for e in problem["errors"])
        assert problem["summary"]["failed"] == 5
        assert problem["summary"]["rows"] == 6
        assert await demands(svc) == []

        r = await upload(svc.as_("admin"), "challenge-demands", "d.csv", body, dry_run=True)
        assert r.status_code == 200
        assert r.json()["summary"]["failed"] == 5
        assert len(r.json()["errors"]) == len(problem["errors"])

    async def test_english_headers_and_gbk_encoding(self, svc: Any) -> None:
        header = [
            "external_ref",
            "title",
            "organisation_name",
            "organisation_uscc",
            "city",
            "field",
            "budget",
            "submitted_on",
        ]
        row = ["E1", "材料", "南宁单位", USCC_NANNING, "450100", "新材料", "100", "2023-01-05"]
        r = await upload(
            svc.as_("admin"), "challenge-demands", "d.csv", to_csv(header, [row], "gb18030")
        )
        assert r.status_code == 200, r.text
        assert (await demands(svc))[0]["title"] == "材料"

    async def test_header_problems_are_file_errors(self, svc: Any) -> None:
        header = [h for h in DEMAND_HEADER if h != "提交日期"] + ["颜色"]
        body = to_csv(header, [[*demand_row("R1")[:-1], "红"]])
        r = await upload(svc.as_("admin"), "challenge-demands", "d.csv", body)
        assert r.status_code == 422
        assert r.json()["code"] == "import_file_invalid"
        codes = {(e["field"], e["code"]) for e in r.json()["errors"]}
        assert codes == {("颜色", "unknown_column"), ("提交日期", "missing_column")}

    async def test_garbage_xlsx_is_a_file_error(self, svc: Any) -> None:
        r = await upload(svc.as_("admin"), "challenge-demands", "d.xlsx", b"PK\x03\x04garbage")
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "unreadable_xlsx"


class TestCityBureauImport:
    async def test_only_its_city_rows(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await upload(
            admin,
            "challenge-demands",
            "d.csv",
            to_csv(DEMAND_HEADER, [demand_row("LZ", city="柳州", uscc=USCC_LIUZHOU)]),
        )
        bureau = svc.as_("city_bureau", city=NANNING)
        rows = [
            demand_row("N1"),
            demand_row("X1", city="450200"),
            demand_row("LZ"),  # Nanning row but the key is Liuzhou's record
        ]
        r = await upload(bureau, "challenge-demands", "d.csv", to_csv(DEMAND_HEADER, rows))
        assert r.status_code == 422
        assert {(e["row"], e["code"]) for e in r.json()["errors"]} == {
            (2, "city_not_allowed"),
            (3, "city_not_allowed"),
        }
        r = await upload(bureau, "challenge-demands", "d.csv", to_csv(DEMAND_HEADER, rows[:1]))
        assert r.status_code == 200
        assert {d["external_ref"] for d in await demands(svc)} == {"LZ", "N1"}

    @pytest.mark.parametrize("role", ["analyst", "service"])
    async def test_readers_cannot_import(self, svc: Any, role: str) -> None:
        r = await upload(svc.as_(role), "funded-projects", "p.csv", b"x\n")
        assert r.status_code == 403


PROJECT_HEADER = [
    "project_code",
    "name",
    "category",
    "field",
    "lead_organisation_name",
    "lead_organisation_uscc",
    "city",
    "approved_on",
    "funding_amount",
]


def project_row(code: str, **over: Any) -> list[Any]:
    row = {
        "code": code,
        "name": "高性能铝合金",
        "category": "科技重大专项",
        "field": "新材料",
        "lead": "南宁某企业",
        "uscc": USCC_NANNING,
        "city": NANNING,
        "on": date(2023, 6, 30),
        "amount": 1234567.89,
    } | over
    return list(row.values())


class TestProjectXlsx:
    async def test_xlsx_with_typed_cells_then_indicators_see_them(self, svc: Any) -> None:
        admin = svc.as_("admin")
        rows = [
            project_row("P1"),
            project_row("P2", category="重点研发计划", amount=100, city="柳州市"),
            project_row("P3", category="key_rd", on=date(2023, 7, 1)),
        ]
        r = await upload(admin, "funded-projects", "p.xlsx", to_xlsx(PROJECT_HEADER, rows))
        assert r.status_code == 200, r.text
        assert r.json()["summary"]["created"] == 3
        items = (await admin.get("/v1/funded-projects")).json()["items"]
        by_code = {i["project_code"]: i for i in items}
        assert by_code["P1"]["funding_amount"] == "1234567.89"
        assert by_code["P1"]["category"] == "major_special"
        assert by_code["P2"]["city"] == LIUZHOU
        assert by_code["P2"]["status"] == "approved"
        f = (
            await admin.get("/v1/indicators", params={"from": "2023-01-01", "to": "2023-06-30"})
        ).json()["indicators"]
        funding = next(x for x in f if x["code"] == "projects.project_funding")
        assert funding["value"] == "1234667.89"

    async def test_xlsx_row_errors_and_atomicity(self, svc: Any) -> None:
        admin = svc.as_("admin")
        rows = [
            project_row("P1"),
            project_row("P2", category="基础研究", amount=-5),
            project_row("P3", on="昨天"),
        ]
        r = await upload(admin, "funded-projects", "p.xlsx", to_xlsx(PROJECT_HEADER, rows))
        assert r.status_code == 422
        found = {(e["row"], e["field"]) for e in r.json()["errors"]}
        assert found == {(2, "category"), (2, "funding_amount"), (3, "approved_on")}
        assert (await admin.get("/v1/funded-projects")).json()["items"] == []

    async def test_status_column_updates_and_cancelled_leaves_indicator(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await upload(
            admin, "funded-projects", "p.xlsx", to_xlsx(PROJECT_HEADER, [project_row("P1")])
        )
        header = [*PROJECT_HEADER, "状态"]
        r = await upload(
            admin,
            "funded-projects",
            "p.xlsx",
            to_xlsx(header, [[*project_row("P1"), "撤销"]]),
        )
        assert r.json()["summary"]["updated"] == 1
        f = (
            await admin.get("/v1/indicators", params={"from": "2023-01-01", "to": "2023-06-30"})
        ).json()["indicators"]
        assert next(x for x in f if x["code"] == "projects.major_projects_funded")["value"] == 0

    async def test_xlsx_dry_run_counts_and_writes_nothing(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await upload(
            admin, "funded-projects", "p.xlsx", to_xlsx(PROJECT_HEADER, [project_row("P1")])
        )
        rows = [project_row("P1", amount=1), project_row("P2"), project_row("P3", city="北京市")]
        r = await upload(
            admin, "funded-projects", "p.xlsx", to_xlsx(PROJECT_HEADER, rows), dry_run=True
        )
        assert r.status_code == 200, r.text
        assert r.json()["summary"] == {
            "rows": 3,
            "created": 1,
            "updated": 1,
            "unchanged": 0,
            "failed": 1,
        }
        assert [(e["row"], e["field"]) for e in r.json()["errors"]] == [(3, "city")]
        items = (await admin.get("/v1/funded-projects")).json()["items"]
        assert [(i["project_code"], i["funding_amount"]) for i in items] == [("P1", "1234567.89")]

    async def test_city_bureau_project_rows(self, svc: Any) -> None:
        bureau = svc.as_("city_bureau", city=LIUZHOU)
        rows = [project_row("L1", city=LIUZHOU), project_row("N1")]
        r = await upload(bureau, "funded-projects", "p.xlsx", to_xlsx(PROJECT_HEADER, rows))
        assert r.status_code == 422
        assert [(e["row"], e["code"]) for e in r.json()["errors"]] == [(2, "city_not_allowed")]
        r = await upload(bureau, "funded-projects", "p.xlsx", to_xlsx(PROJECT_HEADER, rows[:1]))
        assert r.json()["summary"]["created"] == 1


def damaged(xlsx: bytes) -> bytes:
    """The workbook with its sheet's XML cut short, as a broken upload or disk leaves it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) * 2 // 3]
            dst.writestr(item, data)
    return out.getvalue()


class TestDamagedFiles:
    """Found by the schemathesis suite's review of the import path: these were 500s."""

    async def test_a_damaged_workbook_is_422(self, svc: Any) -> None:
        rows = [demand_row(f"DMG{i}") for i in range(60)]
        r = await upload(
            svc.as_("admin"), "challenge-demands", "d.xlsx", damaged(to_xlsx(DEMAND_HEADER, rows))
        )
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["code"] == "unreadable_xlsx"

    async def test_a_nul_character_in_a_csv_is_422(self, svc: Any) -> None:
        rows = [demand_row("NUL1"), demand_row("NUL2", title="高端\x00轴承")]
        r = await upload(
            svc.as_("admin"), "challenge-demands", "d.csv", to_csv(DEMAND_HEADER, rows)
        )
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["code"] == "nul_character"
        assert "第 3 行" in r.json()["errors"][0]["message"]
        assert await demands(svc) == []
