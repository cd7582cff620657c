"""Bulk import of technology contracts from CSV and XLSX."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio
from openpyxl import Workbook

from tests.transfer.conftest import GUANGZHOU, LIUZHOU, NANNING, USCC_LIUZHOU, USCC_NANNING
from transfer_service.main import create_app

pytestmark = pytest.mark.asyncio(loop_scope="session")

ZH_HEADER = [
    "合同登记编号",
    "合同类型",
    "项目名称",
    "卖方名称",
    "卖方统一社会信用代码",
    "卖方行政区划代码",
    "买方名称",
    "买方统一社会信用代码",
    "买方行政区划代码",
    "合同成交额",
    "技术交易额",
    "签订日期",
    "登记日期",
    "登记城市",
]


def zh_row(no: str, **over: Any) -> list[Any]:
    row = {
        "合同登记编号": no,
        "合同类型": "委托开发",
        "项目名称": "智能装备研发",
        "卖方名称": "广西大学",
        "卖方统一社会信用代码": USCC_NANNING,
        "卖方行政区划代码": NANNING,
        "买方名称": "柳州某公司",
        "买方统一社会信用代码": USCC_LIUZHOU,
        "买方行政区划代码": LIUZHOU,
        "合同成交额": "1,000.00",
        "技术交易额": "800.00",
        "签订日期": "2023/02/01",
        "登记日期": "2023-03-01",
        "登记城市": "南宁市",
    } | over
    return [row[h] for h in ZH_HEADER]


def csv_bytes(rows: list[list[Any]], *, encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(ZH_HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


async def upload(
    client: Any, content: bytes, *, name: str = "contracts.csv", dry_run: bool = False
) -> Any:
    return await client.post(
        "/v1/imports/tech-contracts",
        params={"dry_run": str(dry_run).lower()},
        files={"file": (name, content)},
    )


async def stored(client: Any) -> list[dict[str, Any]]:
    r = await client.get("/v1/tech-contracts", params={"limit": 1000})
    return list(r.json()["items"])


class TestCsv:
    async def test_dry_run_counts_and_writes_nothing(self, svc: Any) -> None:
        admin = svc.as_("admin")
        content = csv_bytes([zh_row("23450101000001"), zh_row("23450101000002")])
        r = await upload(admin, content, dry_run=True)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["dry_run"] is True
        assert (body["rows"], body["created"], body["updated"], body["failed"]) == (2, 2, 0, 0)
        assert await stored(admin) == []

    async def test_import_then_reimport_is_unchanged_then_updated(self, svc: Any) -> None:
        admin = svc.as_("admin")
        rows = [
            zh_row("23450101000001"),
            zh_row("23450101000002", 合同类型="技术咨询"),
            zh_row("23450101000003", 合同类型="技术转让（专利实施许可）"),
        ]
        r = await upload(admin, csv_bytes(rows))
        assert r.status_code == 200, r.text
        assert (r.json()["created"], r.json()["unchanged"]) == (3, 0)
        got = {c["registration_no"]: c for c in await stored(admin)}
        first = got["23450101000001"]
        assert first["type"] == "development_commissioned"
        assert got["23450101000002"]["type"] == "consulting"
        assert got["23450101000003"]["type"] == "licence_patent"  # legacy filing remapped
        assert first["contract_amount"] == "1000.00"
        assert first["signed_on"] == "2023-02-01"
        assert (first["seller_city"], first["buyer_city"], first["city"]) == (
            NANNING,
            LIUZHOU,
            NANNING,
        )
        again = await upload(admin, csv_bytes(rows))
        assert (again.json()["created"], again.json()["unchanged"]) == (0, 3)
        rows[1] = zh_row("23450101000002", 合同类型="技术咨询", 合同成交额="2000.00")
        changed = await upload(admin, csv_bytes(rows))
        body = changed.json()
        assert (body["created"], body["updated"], body["unchanged"]) == (0, 1, 2)
        got = {c["registration_no"]: c for c in await stored(admin)}
        assert got["23450101000002"]["contract_amount"] == "2000.00"
        assert got["23450101000002"]["id"] != first["id"]
        assert got["23450101000001"]["id"] == first["id"]

    async def test_one_bad_row_rejects_the_whole_file_with_every_error(self, svc: Any) -> None:
        admin = svc.as_("admin")
        rows = [
            zh_row("23450101000001"),
            zh_row("23450101000002", 技术交易额="1000.01"),
            zh_row(
                "23450101000003", 卖方统一社会信用代码="91350100M0001TGQXM", 签订日期="2023-02-30"
            ),
            zh_row("23450101000001"),
            zh_row("23450101000005", 合同类型="赠与", 买方名称=""),
        ]
        r = await upload(admin, csv_bytes(rows))
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert body["code"] == "import_rows_invalid"
        got = {(e["row"], e["field"], e["code"]) for e in body["errors"]}
        assert got == {
            (2, "技术交易额", "tech_amount_exceeds_contract"),
            (3, "卖方统一社会信用代码", "value_error"),
            (3, "签订日期", "date_from_datetime_parsing"),
            (4, "合同登记编号", "duplicate_in_file"),
            (5, "合同类型", "literal_error"),
            (5, "买方名称", "missing"),
        }
        assert body["summary"]["failed"] == 4
        assert body["summary"]["rows"] == 5
        assert await stored(admin) == []  # atomic: the valid row 1 is not stored either

    async def test_dry_run_reports_errors_with_200(self, svc: Any) -> None:
        admin = svc.as_("admin")
        rows = [zh_row("23450101000001"), zh_row("23450101000002", 登记日期="2023-01-01")]
        r = await upload(admin, csv_bytes(rows), dry_run=True)
        assert r.status_code == 200
        body = r.json()
        assert (body["created"], body["failed"]) == (1, 1)
        assert body["errors"][0]["code"] == "registered_before_signed"

    async def test_gb18030_csv_and_english_headers(self, svc: Any) -> None:
        admin = svc.as_("admin")
        r = await upload(admin, csv_bytes([zh_row("23450101000009")], encoding="gb18030"))
        assert r.status_code == 200, r.text
        assert r.json()["created"] == 1
        english = (
            "registration_no,type,seller_name,seller_region,buyer_name,buyer_region,"
            "contract_amount,tech_transaction_amount,signed_on,registered_on,city\n"
            f"23450101000010,service,A,{GUANGZHOU},B,{NANNING},5,5,2023-01-01,2023-01-02,450100\n"
        )
        r = await upload(admin, english.encode())
        assert r.status_code == 200, r.text
        c = next(c for c in await stored(admin) if c["registration_no"] == "23450101000010")
        assert (c["seller_city"], c["buyer_city"], c["title"]) == (None, NANNING, "")

    async def test_bad_header_is_a_problem(self, svc: Any) -> None:
        r = await upload(svc.as_("admin"), "合同登记编号,颜色\n1,红\n".encode())
        assert r.status_code == 422
        body = r.json()
        assert body["code"] == "bad_header"
        codes = {(e["field"], e["code"]) for e in body["errors"]}
        assert ("颜色", "unknown_column") in codes
        assert ("合同成交额", "missing_column") in codes  # named by the template's header

    async def test_garbage_is_unreadable(self, svc: Any) -> None:
        r = await upload(svc.as_("admin"), b"PK\x03\x04garbage", name="x.xlsx")
        assert r.status_code == 422
        assert r.json()["code"] == "unreadable_file"

    async def test_many_rows_cross_batches_and_feed_the_figures(self, svc: Any) -> None:
        admin = svc.as_("admin")
        rows = [
            zh_row(f"2345010200{i:04d}", 合同成交额="10.00", 技术交易额="1.00") for i in range(6000)
        ]
        r = await upload(admin, csv_bytes(rows))
        assert r.status_code == 200, r.text
        assert r.json()["created"] == 6000
        f = await admin.get("/v1/indicators", params={"from": "2023-01-01", "to": "2023-06-30"})
        figs = {x["code"]: x for x in f.json()["indicators"]}
        assert figs["transfer.contracts_total"]["value"] == 12000
        assert Decimal(figs["transfer.contract_value"]["value"]) == Decimal("60000.00")


class TestXlsx:
    async def test_xlsx_with_native_dates_and_numbers(self, svc: Any) -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(ZH_HEADER)
        row = zh_row("23450101000020", 合同成交额=1234.5, 技术交易额=1000, 登记城市=450100)
        row[ZH_HEADER.index("签订日期")] = date(2023, 2, 1)
        row[ZH_HEADER.index("登记日期")] = date(2023, 3, 1)
        row[ZH_HEADER.index("卖方行政区划代码")] = 450110
        sheet.append(row)
        sheet.append([None] * len(ZH_HEADER))  # blank rows are skipped
        bad = zh_row("23450101000021", 技术交易额=99999)
        sheet.append(bad)
        buf = io.BytesIO()
        book.save(buf)
        admin = svc.as_("admin")
        r = await upload(admin, buf.getvalue(), name="合同.xlsx", dry_run=True)
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["rows"], body["created"], body["failed"]) == (2, 1, 1)
        assert body["errors"][0]["row"] == 3  # data rows count the blank one
        sheet_ok = Workbook(write_only=True)
        ws = sheet_ok.create_sheet()
        ws.append(ZH_HEADER)
        ws.append(row)
        buf = io.BytesIO()
        sheet_ok.save(buf)
        r = await upload(admin, buf.getvalue(), name="合同.xlsx")
        assert r.status_code == 200, r.text
        c = (await stored(admin))[0]
        assert (c["contract_amount"], c["tech_transaction_amount"]) == ("1234.50", "1000.00")
        assert (c["signed_on"], c["seller_region"], c["seller_city"]) == (
            "2023-02-01",
            "450110",
            NANNING,
        )


class TestDamagedFiles:
    """500s before: a NUL reached PostgreSQL; a damaged sheet failed while it was read."""

    async def test_a_nul_character_in_a_csv_is_422_and_nothing_is_stored(self, svc: Any) -> None:
        admin = svc.as_("admin")
        rows = [zh_row("23450101009991"), zh_row("23450101009992", 项目名称="智能\x00装备")]
        r = await upload(admin, csv_bytes(rows))
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "unreadable_file"
        assert "第 3 行" in r.json()["detail"]
        assert await stored(admin) == []

    async def test_a_workbook_damaged_past_the_first_batch_is_422(self, svc: Any) -> None:
        # A workbook that states its dimension: openpyxl then reads the sheet only when
        # iterated, so the damage surfaces mid-import, after the first batch.
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(ZH_HEADER)
        for i in range(6000):
            sheet.append(zh_row(f"2345010300{i:04d}"))
        buf = io.BytesIO()
        book.save(buf)
        out = io.BytesIO()
        with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename.startswith("xl/worksheets/"):
                    data = data[: len(data) * 9 // 10]  # cut short, as a broken upload
                dst.writestr(item, data)
        admin = svc.as_("admin")
        r = await upload(admin, out.getvalue(), name="合同.xlsx")
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "unreadable_file"
        assert await stored(admin) == []


class TestScope:
    async def test_bureau_rows_of_another_city_fail(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await upload(admin, csv_bytes([zh_row("23450201000001", 登记城市="柳州市")]))
        bureau = svc.as_("city_bureau", city=NANNING)
        rows = [
            zh_row("23450101000001"),
            zh_row("23450101000002", 登记城市="柳州市"),
            zh_row("23450201000001"),  # Liuzhou's contract: may not be overwritten
        ]
        r = await upload(bureau, csv_bytes(rows))
        assert r.status_code == 422
        got = {(e["row"], e["code"]) for e in r.json()["errors"]}
        assert got == {(2, "city_not_allowed"), (3, "registration_no_taken")}

    async def test_analyst_may_not_import(self, svc: Any) -> None:
        r = await upload(svc.as_("analyst"), csv_bytes([zh_row("23450101000001")]))
        assert r.status_code == 403


@pytest_asyncio.fixture(loop_scope="session")
async def small(service_client_factory: Any) -> Any:
    return await service_client_factory("transfer", create_app, contract_import_max_rows=3)


class TestLimit:
    async def test_too_many_rows(self, small: Any) -> None:
        rows = [zh_row(f"2345010100{i:04d}") for i in range(4)]
        r = await upload(small.as_("admin"), csv_bytes(rows))
        assert r.status_code == 422
        assert r.json()["code"] == "too_many_rows"
        ok = await upload(small.as_("admin"), csv_bytes(rows[:3]))
        assert ok.status_code == 200


class TestRealTransaction:
    async def test_dry_run_through_the_real_session(self, pg: Any, tokens: Any) -> None:
        """Without the test harness's outer transaction: the staging table must live in
        the request's own transaction (a dry run commits nothing, so nothing to undo)."""
        from devstack.pytest_plugin import create_app_with

        app = create_app_with(create_app, "transfer", pg, tokens, {})
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                r = await http.post(
                    "/v1/imports/tech-contracts",
                    params={"dry_run": "true"},
                    files={"file": ("c.csv", csv_bytes([zh_row("23459901000001")]))},
                    headers=tokens.headers("admin"),
                )
                # The fast read path on its own pool (outside the harness's transaction).
                missing = await http.get(
                    "/v1/tech-contracts/00000000-0000-0000-0000-000000000000",
                    headers=tokens.headers("analyst"),
                )
                listed = await http.get(
                    "/v1/tech-contracts",
                    params={"registration_no": "23459901000001"},
                    headers=tokens.headers("city_bureau", city=NANNING),
                )
        assert r.status_code == 200, r.text
        assert r.json()["created"] == 1
        assert missing.status_code == 404
        assert listed.status_code == 200
        assert listed.json()["items"] == []  # the dry run stored nothing
