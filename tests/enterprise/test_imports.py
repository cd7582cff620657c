"""City-bureau bulk import of training sessions, vouchers and R&D applications."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook

pytestmark = pytest.mark.asyncio(loop_scope="session")

NANNING, LIUZHOU = "450100", "450200"
NN, LZ, A = "914501005794165304", "91450200MAA7L76A5R", "91350100M000100Y43"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_body(*lines: str) -> dict[str, Any]:
    return {
        "content": ("\n".join(lines) + "\n").encode(),
        "headers": {"Content-Type": "text/csv"},
    }


def xlsx_body(header: list[str], *rows: list[Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


class TestTraining:
    async def test_csv_dry_run_then_store(self, svc: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        body = csv_body(
            "city,topic,held_on,attendees,organiser",
            f"{NANNING},高企申报辅导,2023-03-01,45,市科技局",
            f"{NANNING},科技型中小企业评价,2023-04-12,60,",
        )
        r = await bureau.post("/v1/imports/training-sessions", params={"dry_run": "true"}, **body)
        assert r.status_code == 200, r.text
        got = r.json()
        assert (got["rows"], got["created"], got["dry_run"]) == (2, 0, True)
        assert got["by_city"] == {NANNING: 2}
        assert (await bureau.get("/v1/training-sessions")).json()["items"] == []
        r = await bureau.post("/v1/imports/training-sessions", **body)
        assert r.json()["created"] == 2
        items = (await bureau.get("/v1/training-sessions")).json()["items"]
        assert [i["attendees"] for i in items] == [45, 60]

    async def test_other_city_and_bad_rows_store_nothing(self, svc: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        body = csv_body(
            "city,topic,held_on,attendees",
            f"{NANNING},好的,2023-03-01,45",
            f"{LIUZHOU},别人的,2023-03-01,45",
            f"{NANNING},,2023-02-30,-1",
        )
        r = await bureau.post("/v1/imports/training-sessions", **body)
        assert r.status_code == 422
        assert r.json()["code"] == "import_invalid"
        got = {(e["row"], e["field"], e["code"]) for e in r.json()["errors"]}
        assert (2, "city", "city_not_allowed") in got
        assert {(3, "topic"), (3, "held_on"), (3, "attendees")} <= {(r_, f) for r_, f, _ in got}
        assert 1 not in {e["row"] for e in r.json()["errors"]}
        assert (await svc.as_("admin").get("/v1/training-sessions")).json()["items"] == []

    async def test_xlsx_with_real_dates_and_numbers(self, svc: Any) -> None:
        content = xlsx_body(
            ["City", "Topic", "Held_on", "Attendees"],
            [NANNING, "政策宣讲", date(2023, 5, 6), 30],
        )
        r = await svc.as_("admin").post(
            "/v1/imports/training-sessions", content=content, headers={"Content-Type": XLSX}
        )
        assert r.status_code == 200, r.text
        assert r.json()["created"] == 1
        assert r.json()["first_date"] == "2023-05-06"

    async def test_multipart_upload(self, svc: Any) -> None:
        content = xlsx_body(
            ["city", "topic", "held_on", "attendees"], [NANNING, "x", "2023-01-05", 3]
        )
        r = await svc.as_("admin").post(
            "/v1/imports/training-sessions",
            files={"file": ("sessions.xlsx", content, "application/octet-stream")},
        )
        assert r.status_code == 200, r.text
        assert r.json()["created"] == 1

    async def test_garbage_is_a_problem(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/imports/training-sessions",
            content=b"PK\x03\x04junk",
            headers={"Content-Type": XLSX},
        )
        assert r.status_code == 422
        assert r.json()["code"] == "unreadable_file"
        r = await svc.as_("analyst").post("/v1/imports/training-sessions", **csv_body("city"))
        assert r.status_code == 403


class TestVouchers:
    async def test_vouchers_with_cap_and_registry(self, svc: Any, register: Any) -> None:
        await register(NN, NANNING)
        await register(LZ, LIUZHOU)
        admin = svc.as_("admin")
        body = csv_body(
            "enterprise_uscc,applied_on,purpose,face_amount,issued_on",
            f"{NN},2023-01-05,检测,150000.00,2023-02-01",
            f"{NN},2023-01-06,研发,50000.00,2023-03-01",
            f"{LZ},2023-01-07,,,",
        )
        r = await admin.post("/v1/imports/vouchers", **body)
        assert r.status_code == 200, r.text
        assert r.json()["amount"] == "200000.00"
        assert r.json()["by_city"] == {NANNING: 2, LIUZHOU: 1}
        statuses = sorted(v["status"] for v in (await admin.get("/v1/vouchers")).json()["items"])
        assert statuses == ["applied", "issued", "issued"]
        # The same enterprise has used its whole 2023 cap; another year is free.
        r = await admin.post(
            "/v1/imports/vouchers",
            **csv_body(
                "enterprise_uscc,applied_on,face_amount,issued_on",
                f"{NN},2023-05-01,0.01,2023-05-02",
                f"{A},2023-05-01,,",
                f"{NN},2023-05-01,1.00,",
            ),
        )
        assert r.status_code == 422
        got = {(e["row"], e["code"]) for e in r.json()["errors"]}
        assert got == {(1, "voucher_cap_exceeded"), (2, "unknown_enterprise"), (3, "value_error")}

    async def test_city_bureau_only_own_enterprises(self, svc: Any, register: Any) -> None:
        await register(NN, NANNING)
        await register(LZ, LIUZHOU)
        r = await svc.as_("city_bureau", city=LIUZHOU).post(
            "/v1/imports/vouchers",
            **csv_body("enterprise_uscc,applied_on", f"{NN},2023-01-01", f"{LZ},2023-01-01"),
        )
        assert r.status_code == 422
        assert [(e["row"], e["code"]) for e in r.json()["errors"]] == [(1, "city_not_allowed")]


class TestRdApplications:
    async def test_rd_import_counts_in_indicators(self, svc: Any, register: Any) -> None:
        await register(NN, NANNING)
        await register(LZ, LIUZHOU)
        admin = svc.as_("admin")
        content = xlsx_body(
            ["enterprise_uscc", "year", "requested_amount", "submitted_on"],
            [NN, 2022, "300000.00", date(2023, 3, 1)],
            [LZ, 2022, 1250.5, date(2023, 4, 1)],
        )
        r = await admin.post(
            "/v1/imports/rd-subsidy-applications", content=content, headers={"Content-Type": XLSX}
        )
        assert r.status_code == 200, r.text
        assert r.json()["amount"] == "301250.50"
        f = await admin.get("/v1/indicators", params={"from": "2023-01-01", "to": "2023-06-30"})
        figs = {x["code"]: x for x in f.json()["indicators"]}
        assert figs["enterprise.rd_subsidy_amount"]["value"] == "301250.50"
        assert figs["enterprise.rd_subsidy_applicants"]["value"] == 2


class TestDamagedFiles:
    """500s before: a NUL in a multipart CSV reached PostgreSQL; a damaged sheet failed
    while openpyxl streamed it, outside the load's try."""

    async def test_a_nul_character_in_an_uploaded_csv_is_422(self, svc: Any) -> None:
        csv = f"city,topic,held_on,attendees\n{NANNING},讲\x00座,2023-03-01,45\n".encode()
        r = await svc.as_("admin").post(
            "/v1/imports/training-sessions", files={"file": ("t.csv", csv, "text/csv")}
        )
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "unreadable_file"
        assert "第 2 行" in r.json()["detail"]

    async def test_a_workbook_damaged_mid_sheet_is_422(self, svc: Any) -> None:
        rows = [[NANNING, "政策宣讲", "2023-05-06", 30] for _ in range(60)]
        out = io.BytesIO()
        with (
            zipfile.ZipFile(
                io.BytesIO(xlsx_body(["city", "topic", "held_on", "attendees"], *rows))
            ) as src,
            zipfile.ZipFile(out, "w") as dst,
        ):
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data[: len(data) * 2 // 3]
                dst.writestr(item, data)
        r = await svc.as_("admin").post(
            "/v1/imports/training-sessions", content=out.getvalue(), headers={"Content-Type": XLSX}
        )
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "unreadable_file"
        assert (await svc.as_("admin").get("/v1/training-sessions")).json()["items"] == []
