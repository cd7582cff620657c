"""City-bureau bulk import of commissioner service logs from CSV and XLSX."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import Workbook

from tests.talent.conftest import (
    LIUZHOU,
    LIUZHOU_COUNTY,
    LIUZHOU_VILLAGE,
    NANNING,
    NANNING_COUNTY,
    NANNING_VILLAGE,
    NANNING_VILLAGE_2,
    indicators,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

URL = "/v1/imports/commissioner-service-logs"
EN = ["dispatch_id", "village_code", "served_on", "days", "content", "outcome"]
ZH = ["派出记录编号", "村（社区）代码", "服务日期", "服务天数", "服务内容", "服务成效"]


async def setup_dispatches(svc: Any) -> dict[str, str]:
    admin = svc.as_("admin")
    r = await admin.post(
        "/v1/commissioners",
        json={
            "name": "韦科技",
            "organisation": "广西大学",
            "kind": "individual",
            "home_city": NANNING,
        },
    )
    cid = r.json()["id"]
    out = {}
    for key, city, county in (("nn", NANNING, NANNING_COUNTY), ("lz", LIUZHOU, LIUZHOU_COUNTY)):
        r = await admin.post(
            "/v1/commissioner-dispatches",
            json={
                "commissioner_id": cid,
                "year": 2023,
                "dispatching_unit": "科技厅",
                "city": city,
                "county": county,
                "dispatched_on": "2023-02-01",
            },
        )
        out[key] = r.json()["id"]
    return out


def csv_bytes(header: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def upload(client: Any, content: bytes, name: str = "logs.csv", **params: Any) -> Any:
    return await client.post(URL, files={"file": (name, content)}, params=params)


async def count_logs(client: Any) -> int:
    r = await client.get("/v1/commissioner-service-logs", params={"limit": 1000})
    return len(r.json()["items"])


class TestImport:
    async def test_csv_with_chinese_headers_creates_everything(self, svc: Any) -> None:
        d = await setup_dispatches(svc)
        bureau = svc.as_("city_bureau", city=NANNING)
        rows = [
            [d["nn"], NANNING_VILLAGE, "2023-03-01", "2", "果树修剪", "示范10亩"],
            [d["nn"], NANNING_VILLAGE_2, "2023/3/2", "3", "病虫害防治", ""],
            ["", "", "", "", "", ""],  # blank spacer rows are skipped
            [d["nn"], NANNING_VILLAGE, "2023年3月5日", "1", "技术培训", "培训30人"],
        ]
        r = await upload(bureau, csv_bytes(ZH, rows))
        assert r.status_code == 201, r.text
        body = r.json()
        assert body == {
            "dry_run": False,
            "rows": 3,
            "valid": 3,
            "failed": 0,
            "created": 3,
            "errors": [],
        }
        figs = await indicators(bureau, "2023-01-01", "2023-06-30")
        assert figs["talent.commissioner_service_days"]["value"] == 6
        assert figs["talent.commissioner_villages_served"]["value"] == 2

    async def test_xlsx_with_dates_and_numbers_as_cells(self, svc: Any) -> None:
        d = await setup_dispatches(svc)
        admin = svc.as_("admin")
        rows = [
            [d["nn"], int(NANNING_VILLAGE), datetime(2023, 3, 1), 2, "果树修剪", "好"],
            [d["lz"], LIUZHOU_VILLAGE, date(2023, 4, 1), 4.0, "养殖指导", None],
        ]
        content = xlsx_bytes(["序号", *ZH], [[i + 1, *row] for i, row in enumerate(rows)])
        r = await upload(admin, content, name="logs.xlsx")
        assert r.status_code == 201, r.text
        assert r.json()["created"] == 2
        logs = (await admin.get("/v1/commissioner-service-logs")).json()["items"]
        assert {(x["village_code"], x["days"], x["city"]) for x in logs} == {
            (NANNING_VILLAGE, 2, NANNING),
            (LIUZHOU_VILLAGE, 4, LIUZHOU),
        }

    async def test_dry_run_writes_nothing(self, svc: Any) -> None:
        d = await setup_dispatches(svc)
        admin = svc.as_("admin")
        content = csv_bytes(EN, [[d["nn"], NANNING_VILLAGE, "2023-03-01", "2", "x", ""]])
        r = await upload(admin, content, dry_run="true")
        assert r.status_code == 200
        assert (r.json()["valid"], r.json()["created"], r.json()["dry_run"]) == (1, 0, True)
        assert await count_logs(admin) == 0

    async def test_one_bad_row_writes_nothing_and_every_error_is_listed(self, svc: Any) -> None:
        d = await setup_dispatches(svc)
        bureau = svc.as_("city_bureau", city=NANNING)
        rows = [
            [d["nn"], NANNING_VILLAGE, "2023-03-01", "2", "好行", ""],  # 1: fine
            [d["nn"], "45010300", "2023-02-30", "0", "", ""],  # 2: four bad cells
            [d["lz"], LIUZHOU_VILLAGE, "2023-03-01", "2", "x", ""],  # 3: Liuzhou's dispatch
            [d["nn"], LIUZHOU_VILLAGE, "2023-01-15", "40", "x", ""],  # 4: 3 rule errors
            ["not-a-uuid", NANNING_VILLAGE, "2023-03-01", "1.5", "x", ""],  # 5
            ["00000000-0000-0000-0000-000000000000", NANNING_VILLAGE, "2023-03-01", "1", "x", ""],
            [d["nn"], NANNING_VILLAGE, "2023-03-01", "1", "dup of row 1", ""],  # 7
            [d["nn"], NANNING_VILLAGE_2, "2999-01-01", "1", "x", ""],  # 8: future
        ]
        r = await upload(bureau, csv_bytes(EN, rows))
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert body["code"] == "import_rows_invalid"
        assert (body["rows"], body["valid"], body["failed"], body["created"]) == (8, 1, 7, 0)
        got = {(e["row"], e["field"], e["code"]) for e in body["errors"]}
        assert got == {
            (2, "content", "missing"),
            (2, "village_code", "invalid_village_code"),
            (2, "served_on", "invalid_date"),
            (2, "days", "out_of_range"),
            (3, "dispatch_id", "city_not_allowed"),
            (4, "days", "out_of_range"),
            (4, "village_code", "village_not_in_city"),
            (4, "served_on", "served_before_dispatch"),
            (5, "dispatch_id", "invalid_uuid"),
            (5, "days", "invalid_integer"),
            (6, "dispatch_id", "unknown_dispatch"),
            (7, "served_on", "duplicate_row"),
            (8, "served_on", "date_in_future"),
        }
        assert all(e["message"] for e in body["errors"])
        assert await count_logs(svc.as_("admin")) == 0  # row 1 was not written either

    async def test_reupload_is_refused_row_by_row(self, svc: Any) -> None:
        d = await setup_dispatches(svc)
        admin = svc.as_("admin")
        content = csv_bytes(EN, [[d["nn"], NANNING_VILLAGE, "2023-03-01", "2", "x", ""]])
        assert (await upload(admin, content)).status_code == 201
        r = await upload(admin, content)
        assert r.status_code == 422
        assert [(e["row"], e["code"]) for e in r.json()["errors"]] == [(1, "already_recorded")]
        assert await count_logs(admin) == 1

    async def test_cancelled_dispatch_rows_fail(self, svc: Any) -> None:
        d = await setup_dispatches(svc)
        admin = svc.as_("admin")
        await admin.post(f"/v1/commissioner-dispatches/{d['nn']}/cancel", json={})
        content = csv_bytes(EN, [[d["nn"], NANNING_VILLAGE, "2023-03-01", "2", "x", ""]])
        r = await upload(admin, content, dry_run="true")
        assert r.status_code == 200
        assert r.json()["errors"][0]["code"] == "dispatch_cancelled"
        assert r.json()["failed"] == 1

    async def test_gb18030_csv_from_excel(self, svc: Any) -> None:
        d = await setup_dispatches(svc)
        content = csv_bytes(
            ZH, [[d["nn"], NANNING_VILLAGE, "2023-03-01", "2", "水稻", "增产"]], "gb18030"
        )
        r = await upload(svc.as_("admin"), content)
        assert r.status_code == 201, r.text

    async def test_header_and_file_problems(self, svc: Any) -> None:
        admin = svc.as_("admin")
        r = await upload(admin, csv_bytes(["服务日期", "备注"], [["2023-01-01", "x"]]))
        assert r.status_code == 422
        err = r.json()["errors"][0]
        # Every missing column, each named by the template's Chinese header.
        assert {(e["field"], e["code"]) for e in r.json()["errors"]} >= {
            ("派出记录编号", "missing_column"),
            ("服务天数", "missing_column"),
        }
        assert err["message"] == "表头「派出记录编号」这一列缺失，文件必须包含它"
        r = await upload(admin, csv_bytes([*EN, "服务天数"], []))
        assert r.json()["errors"][0]["code"] == "duplicate_column"
        r = await upload(admin, csv_bytes(EN, []))
        assert r.json()["errors"][0]["code"] == "no_rows"
        r = await upload(admin, b"PK\x03\x04garbage", name="x.xlsx")
        assert r.status_code == 422
        assert r.json()["code"] == "unreadable_file"
        r = await upload(svc.as_("analyst"), csv_bytes(EN, []))
        assert r.status_code == 403

    async def test_a_workbook_damaged_mid_sheet_is_422(self, svc: Any) -> None:
        # Was a 500: openpyxl reads the sheet while it is iterated, outside the load's try.
        d = await setup_dispatches(svc)
        rows = [[d["nn"], NANNING_VILLAGE, "2023-03-01", "1", "x", ""] for _ in range(60)]
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(xlsx_bytes(ZH, rows))) as src,
            zipfile.ZipFile(out, "w") as dst,
        ):
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data[: len(data) * 2 // 3]
                dst.writestr(item, data)
        bureau = svc.as_("city_bureau", city=NANNING)
        r = await upload(bureau, out.getvalue(), name="logs.xlsx")
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "unreadable_file"
        assert r.json()["errors"][0]["code"] == "unreadable_xlsx"

    async def test_row_limit(self, service_client_factory: Any) -> None:
        from talent_service.main import create_app

        small = await service_client_factory("talent", create_app, import_max_rows=2)
        d = await setup_dispatches(small)
        rows = [[d["nn"], NANNING_VILLAGE, f"2023-03-0{i}", "1", "x", ""] for i in range(1, 4)]
        r = await upload(small.as_("admin"), csv_bytes(EN, rows))
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "too_many_rows"
