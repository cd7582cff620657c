"""Bulk import of the enterprise registry (POST /v1/imports/enterprises)."""

from __future__ import annotations

import csv
import io
import time
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from openpyxl import Workbook
from sqlalchemy import text

from enterprise_service.main import create_app
from shared_kit.codes import uscc_check_char
from tests.enterprise.conftest import GUILIN, LIUZHOU, NANNING, USCC_BAD, USCC_LZ, USCC_NN

pytestmark = pytest.mark.asyncio(loop_scope="session")

URL = "/v1/imports/enterprises"
HEADER = ["uscc", "name", "city", "industry"]
ZH_HEADER = ["序号", "统一社会信用代码", "企业名称", "区县代码", "所属行业", "法定代表人"]


def uscc(n: int, county: str = "450103") -> str:
    first17 = f"91{county}{n:09d}"
    return first17 + uscc_check_char(first17)


def csv_bytes(rows: list[list[Any]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


async def upload(
    client: Any, content: bytes, *, name: str = "registry.csv", dry_run: bool = False
) -> httpx.Response:
    r: httpx.Response = await client.post(
        URL, params={"dry_run": str(dry_run).lower()}, files={"file": (name, content)}
    )
    return r


async def enterprise(client: Any, code: str) -> dict[str, Any]:
    r = await client.get(f"/v1/enterprises/{code}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def codes(r: httpx.Response) -> set[tuple[int, str, str]]:
    return {(e["row"], e["field"], e["code"]) for e in r.json()["errors"]}


class TestCreateAndUpdate:
    async def test_dry_run_counts_and_stores_nothing(self, svc: Any) -> None:
        admin = svc.as_("admin")
        rows = [[uscc(1), "南宁一号科技有限公司", NANNING, "电子信息"],
                [uscc(2, "450203"), "柳州二号科技有限公司", "柳州市", "新材料"]]  # fmt: skip
        r = await upload(admin, csv_bytes(rows), dry_run=True)
        assert r.status_code == 200, r.text
        got = r.json()
        assert (got["dry_run"], got["rows"], got["created"], got["failed"]) == (True, 2, 2, 0)
        assert got["by_city"] == {NANNING: 1, LIUZHOU: 1}
        assert (await admin.get(f"/v1/enterprises/{uscc(1)}")).status_code == 404

    async def test_create_reimport_unchanged_then_update_with_history(self, svc: Any) -> None:
        admin = svc.as_("admin")
        rows = [[uscc(1), "南宁一号科技有限公司", NANNING, "电子信息"],
                [uscc(2), "南宁二号科技有限公司", NANNING, "新材料"]]  # fmt: skip
        r = await upload(admin, csv_bytes(rows))
        assert r.status_code == 200, r.text
        assert (r.json()["created"], r.json()["updated"]) == (2, 0)
        first = await enterprise(admin, uscc(1))
        assert (first["name"], first["city"], first["check_overridden"]) == (
            "南宁一号科技有限公司",
            NANNING,
            False,
        )
        r = await svc.as_("admin").post(
            "/v1/kcd-listings", json={"enterprise_uscc": uscc(1), "listed_on": "2023-01-01"}
        )
        assert r.status_code == 201, r.text
        seq = text("SELECT sync_seq FROM enterprise.kcd_listings WHERE enterprise_uscc = :u")
        before = (await svc.connection.execute(seq, {"u": uscc(1)})).scalar_one()

        again = await upload(admin, csv_bytes(rows))
        assert (again.json()["unchanged"], again.json()["created"]) == (2, 0)

        moved = [[uscc(1), "柳州一号科技有限公司", LIUZHOU, "电子信息", "2023-04-01"],
                 [uscc(2), "南宁二号科技有限公司", NANNING, "生物医药", ""]]  # fmt: skip
        r = await upload(admin, csv_bytes(moved, [*HEADER, "effective_on"]))
        assert r.status_code == 200, r.text
        got = r.json()
        assert (got["created"], got["updated"], got["unchanged"], got["changes"]) == (0, 2, 0, 2)
        one = await enterprise(admin, uscc(1))
        assert (one["name"], one["city"]) == ("柳州一号科技有限公司", LIUZHOU)
        assert (await enterprise(admin, uscc(2)))["industry"] == "生物医药"
        history = (await admin.get(f"/v1/enterprises/{uscc(1)}/history")).json()
        assert {(h["field"], h["old_value"], h["new_value"], h["changed_on"]) for h in history} == {
            ("name", "南宁一号科技有限公司", "柳州一号科技有限公司", "2023-04-01"),
            ("city", NANNING, LIUZHOU, "2023-04-01"),
        }
        # Industry is no history matter, as with PATCH.
        assert (await admin.get(f"/v1/enterprises/{uscc(2)}/history")).json() == []
        # The banks learn the new name and city: the listing is re-sent.
        after = (await svc.connection.execute(seq, {"u": uscc(1)})).scalar_one()
        assert after > before

    async def test_default_effective_date_is_today(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await upload(admin, csv_bytes([[uscc(3), "旧名", NANNING, "新材料"]]))
        await upload(admin, csv_bytes([[uscc(3), "新名", NANNING, "新材料"]]))
        history = (await admin.get(f"/v1/enterprises/{uscc(3)}/history")).json()
        assert [(h["field"], h["changed_on"]) for h in history] == [
            ("name", date.today().isoformat())
        ]

    async def test_raw_csv_body_and_chinese_gb18030_with_county(self, svc: Any) -> None:
        admin = svc.as_("admin")
        rows = [[1, uscc(4, "450305"), "桂林四号科技有限公司", "450305", "现代农业", "张三"]]
        r = await admin.post(
            URL,
            content=csv_bytes(rows, ZH_HEADER, encoding="gb18030"),
            headers={"Content-Type": "text/csv"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["ignored_columns"] == ["序号", "法定代表人"]
        assert (await enterprise(admin, uscc(4, "450305")))["city"] == GUILIN

    async def test_xlsx_with_native_numbers_and_dates(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await upload(admin, csv_bytes([[USCC_NN, "旧名称", NANNING, "电子信息"]]))
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(["统一社会信用代码", "企业名称", "所在城市", "所属行业", "变更日期"])
        sheet.append([USCC_NN, "新名称", 450100, "电子信息", date(2023, 5, 6)])
        sheet.append([None, None, None, None, None])  # spacer rows are skipped
        sheet.append([USCC_LZ, "柳州企业", "柳州", "新材料", None])
        buf = io.BytesIO()
        book.save(buf)
        r = await upload(admin, buf.getvalue(), name="名录.xlsx")
        assert r.status_code == 200, r.text
        assert (r.json()["rows"], r.json()["created"], r.json()["updated"]) == (2, 1, 1)
        history = (await admin.get(f"/v1/enterprises/{USCC_NN}/history")).json()
        assert [(h["new_value"], h["changed_on"]) for h in history] == [("新名称", "2023-05-06")]
        assert (await enterprise(admin, USCC_LZ))["city"] == LIUZHOU


class TestErrors:
    async def test_one_bad_row_refuses_the_file_listing_every_error(self, svc: Any) -> None:
        admin = svc.as_("admin")
        tomorrow = (date.today() + timedelta(days=1)).isoformat()
        header = ["uscc", "name", "city", "county", "industry", "effective_on"]
        rows = [
            [uscc(10), "好的", NANNING, "", "新材料", ""],
            [uscc(11)[:-1] + "0" if uscc(11)[-1] != "0" else uscc(11)[:-1] + "1",
             "校验码错", NANNING, "", "新材料", ""],
            ["91450100ABC", "太短", NANNING, "", "新材料", ""],
            [uscc(12), "", "999999", "", "", "2023-02-30"],
            [uscc(13), "县不对", LIUZHOU, "450103", "新材料", tomorrow],
            [uscc(14), "x" * 201, "", "", "新材料", "1900-01-01"],
            [uscc(10), "重复", NANNING, "", "新材料", ""],
            [uscc(15), "区外", "", "440300", "新材料", ""],
        ]  # fmt: skip
        r = await upload(admin, csv_bytes(rows, header))
        assert r.status_code == 422
        problem = r.json()
        assert problem["code"] == "import_invalid"
        assert codes(r) == {
            (2, "uscc", "invalid_uscc"),
            (3, "uscc", "invalid_uscc"),
            (4, "name", "missing"),
            (4, "city", "invalid_city"),
            (4, "industry", "missing"),
            (4, "effective_on", "invalid_date"),
            (5, "county", "county_not_in_city"),
            (5, "effective_on", "date_in_future"),
            (6, "name", "too_long"),
            (6, "city", "missing"),
            (6, "effective_on", "date_out_of_range"),
            (7, "uscc", "duplicate_in_file"),
            (8, "county", "invalid_county"),
        }
        assert [e["row"] for e in problem["errors"]] == sorted(e["row"] for e in problem["errors"])
        assert problem["summary"]["failed"] == 7
        assert problem["summary"]["created"] == 0  # nothing was stored
        # All or nothing: the good row is not stored either.
        assert (await admin.get(f"/v1/enterprises/{uscc(10)}")).status_code == 404

    async def test_dry_run_reports_errors_with_200(self, svc: Any) -> None:
        admin = svc.as_("admin")
        rows = [[uscc(20), "好的", NANNING, "新材料"], [uscc(21), "坏的", "南京", "新材料"]]
        r = await upload(admin, csv_bytes(rows), dry_run=True)
        assert r.status_code == 200, r.text
        got = r.json()
        assert (got["rows"], got["created"], got["failed"]) == (2, 1, 1)
        assert codes(r) == {(2, "city", "invalid_city")}

    async def test_update_failing_midway_leaves_the_registry_as_it_was(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await upload(admin, csv_bytes([[uscc(22), "原名", NANNING, "新材料"]]))
        rows = [[uscc(22), "改名", LIUZHOU, "新材料"], [uscc(23), "", NANNING, "新材料"]]
        r = await upload(admin, csv_bytes(rows))
        assert r.status_code == 422
        assert (await enterprise(admin, uscc(22)))["name"] == "原名"
        assert (await admin.get(f"/v1/enterprises/{uscc(22)}/history")).json() == []

    @pytest.mark.parametrize(
        ("content", "code"),
        [
            (b"uscc,name,industry\n", "bad_header"),
            (b"uscc,name,city,city,industry\n", "bad_header"),
            (b"uscc,name,city,industry\n\n,,,\n", "no_rows"),
            (b"", "no_rows"),
            (b"\x00\x01\x02garbage\xff\xfe", "unreadable_file"),
            (b"PK\x03\x04 not really a workbook", "unreadable_file"),
        ],
    )
    async def test_unusable_files(self, svc: Any, content: bytes, code: str) -> None:
        r = await upload(svc.as_("admin"), content)
        assert r.status_code == 422, r.text
        assert r.json()["code"] == code

    async def test_missing_column_names_it(self, svc: Any) -> None:
        r = await upload(svc.as_("admin"), b"uscc,name,industry\n")
        # A column the file lacks is named by the template's Chinese header.
        assert {(e["field"], e["code"]) for e in r.json()["errors"]} == {
            ("所在城市", "missing_column")
        }

    async def test_other_media_types_are_415(self, svc: Any) -> None:
        r = await svc.as_("admin").post(URL, json={"uscc": USCC_NN})
        assert r.status_code == 415
        assert r.json()["code"] == "unsupported_media_type"


class TestLegacyCodes:
    async def test_admin_override_registers_a_failing_check_digit(self, svc: Any) -> None:
        admin = svc.as_("admin")
        plain = csv_bytes([[USCC_BAD, "老代码企业", NANNING, "新材料"]])
        r = await upload(admin, plain)
        assert codes(r) == {(1, "uscc", "invalid_uscc")}
        assert r.json()["errors"][0]["message"].startswith(
            "第 1 行「uscc」不是有效的统一社会信用代码"
        )
        english = await admin.post(
            URL, files={"file": ("registry.csv", plain)}, headers={"Accept-Language": "en"}
        )
        assert "expected 1" in english.json()["errors"][0]["message"]
        rows = [[USCC_BAD, "老代码企业", NANNING, "新材料", "是"],
                [USCC_NN, "正常企业", NANNING, "新材料", "true"]]  # fmt: skip
        r = await upload(admin, csv_bytes(rows, [*HEADER, "override_check"]))
        assert r.status_code == 200, r.text
        assert (await enterprise(admin, USCC_BAD))["check_overridden"] is True
        assert (await enterprise(admin, USCC_NN))["check_overridden"] is False  # nothing to waive
        # Registered once, a legacy code may be updated without a new override, by its city too.
        bureau = svc.as_("city_bureau", city=NANNING)
        r = await upload(bureau, csv_bytes([[USCC_BAD, "老代码企业（更名）", NANNING, "新材料"]]))
        assert r.status_code == 200, r.text
        assert (await enterprise(admin, USCC_BAD))["check_overridden"] is True

    async def test_city_bureau_may_not_override(self, svc: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        rows = [[USCC_BAD, "老代码企业", NANNING, "新材料", "1"]]
        r = await upload(bureau, csv_bytes(rows, [*HEADER, "override_check"]))
        assert r.status_code == 422
        assert codes(r) == {(1, "override_check", "override_not_allowed")}


class TestScope:
    async def test_bureau_imports_its_own_city(self, svc: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        r = await upload(bureau, csv_bytes([[uscc(30), "南宁企业", "南宁市", "新材料"]]))
        assert r.status_code == 200, r.text
        assert (await enterprise(bureau, uscc(30)))["city"] == NANNING

    async def test_any_other_city_row_refuses_the_whole_file(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await upload(admin, csv_bytes([[uscc(31, "450203"), "柳州企业", LIUZHOU, "新材料"]]))
        bureau = svc.as_("city_bureau", city=NANNING)
        rows = [
            [uscc(32), "南宁企业", NANNING, "新材料"],
            [uscc(33, "450203"), "柳州新企业", LIUZHOU, "新材料"],
            # Liuzhou's firm, written as if it were Nanning's: not the bureau's to move.
            [uscc(31, "450203"), "柳州企业", NANNING, "新材料"],
        ]
        r = await upload(bureau, csv_bytes(rows))
        assert r.status_code == 422
        assert codes(r) == {
            (2, "city", "city_not_allowed"),
            (3, "uscc", "registered_in_other_city"),
        }
        assert (await admin.get(f"/v1/enterprises/{uscc(32)}")).status_code == 404
        assert (await enterprise(admin, uscc(31, "450203")))["city"] == LIUZHOU

    async def test_analyst_may_not_import(self, svc: Any) -> None:
        r = await upload(svc.as_("analyst"), csv_bytes([[uscc(34), "企业", NANNING, "新材料"]]))
        assert r.status_code == 403


@pytest_asyncio.fixture(loop_scope="session")
async def small(service_client_factory: Any) -> Any:
    return await service_client_factory(
        "enterprise", create_app, registry_import_max_rows=3, registry_import_max_bytes=2000
    )


class TestLimits:
    async def test_too_many_rows_is_422(self, small: Any) -> None:
        rows = [[uscc(40 + i), "企业", NANNING, "新材料"] for i in range(4)]
        r = await upload(small.as_("admin"), csv_bytes(rows))
        assert r.status_code == 422
        assert r.json()["code"] == "too_many_rows"
        assert (await upload(small.as_("admin"), csv_bytes(rows[:3]))).status_code == 200

    async def test_too_many_bytes_is_413(self, small: Any) -> None:
        rows = [[uscc(50), "企" * 200, NANNING, "新材料"] for _ in range(4)]
        admin = small.as_("admin")
        r = await upload(admin, csv_bytes(rows))
        assert r.status_code == 413
        assert r.json()["code"] == "payload_too_large"
        raw = await admin.post(URL, content=csv_bytes(rows), headers={"Content-Type": "text/csv"})
        assert raw.status_code == 413


class TestLarge:
    async def test_twenty_thousand_rows(self, svc: Any) -> None:
        admin = svc.as_("admin")
        n = 20_000
        cities = [NANNING, LIUZHOU, GUILIN]
        rows = [
            [uscc(100_000 + i, cities[i % 3][:4] + "02"), f"企业{i:05d}", cities[i % 3], "新材料"]
            for i in range(n)
        ]
        content = csv_bytes(rows)
        t = time.perf_counter()
        r = await upload(admin, content)
        took = time.perf_counter() - t
        assert r.status_code == 200, r.text
        assert r.json()["created"] == n
        assert r.json()["by_city"] == {NANNING: 6667, LIUZHOU: 6667, GUILIN: 6666}
        assert took < 20, f"{n} rows took {took:.1f} s"
        rows[5][1] = "改名企业"
        r = await upload(admin, csv_bytes(rows))
        assert (r.json()["unchanged"], r.json()["updated"], r.json()["changes"]) == (n - 1, 1, 1)
        listed = await admin.get("/v1/enterprises", params={"city": GUILIN, "limit": 1})
        assert listed.json()["items"][0]["city"] == GUILIN


class TestRealTransaction:
    async def test_outside_the_harness_transaction(self, pg: Any, tokens: Any) -> None:
        """The staging table must live in the request's own transaction; a refused file
        and a dry run leave nothing behind."""
        from devstack.pytest_plugin import create_app_with

        app = create_app_with(create_app, "enterprise", pg, tokens, {})
        code = uscc(999_999, "451403")
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                headers = tokens.headers("admin")
                files = {"file": ("r.csv", csv_bytes([[code, "崇左企业", "451400", "糖业"]]))}
                dry = await http.post(URL, params={"dry_run": "true"}, files=files, headers=headers)
                bad = {"file": ("r.csv", csv_bytes([[code, "崇左企业", "451400", ""]]))}
                refused = await http.post(URL, files=bad, headers=headers)
                missing = await http.get(f"/v1/enterprises/{code}", headers=headers)
        assert dry.status_code == 200, dry.text
        assert dry.json()["created"] == 1
        assert refused.status_code == 422
        assert missing.status_code == 404
