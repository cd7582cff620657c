"""Editable narrative: templates with figure placeholders, previews, versioned drafts,
the downloads told with the latest draft and a published snapshot freezing its text.
A real reporting database; the workstream services' HTTP replaced."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
import pytest_asyncio

from reporting_service.main import create_app
from reporting_service.narrative.placeholders import VALID
from tests.reporting.fakes import FakeWorkstreams
from tests.reporting.narrative_data import REGION_ONLY, dataset

pytestmark = pytest.mark.asyncio(loop_scope="session")
URL = "/v1/narratives"
# A period no other test in this module writes drafts for, per test.
SEED_SENTENCE = "出台广西创新驱动发展投资基金管理办法，持续推进企业首席技术官（CTO）培养计划。"


@pytest_asyncio.fixture(loop_scope="session")
async def reporting(service_client_factory: Any) -> Any:
    svc = await service_client_factory("reporting", create_app)
    fake = FakeWorkstreams(dataset(), REGION_ONLY)
    svc.app.state.workstreams = fake.clients()
    svc.fake = fake
    return svc


def template(text: str, intro: str = "{{period}}自治区科技厅重点工作情况如下：") -> dict[str, Any]:
    return {"intro": intro, "sections": [{"title": "加强企业培育及政策支持", "text": text}]}


VOUCHER = (
    "向{{enterprise.voucher_enterprises}}科技型中小微企业发放创新券"
    "{{enterprise.voucher_amount}}{{enterprise.voucher_amount.change}}。"
)


class TestTemplates:
    async def test_generated_template_has_placeholders_where_figures_are(
        self, reporting: Any
    ) -> None:
        r = await reporting.as_("analyst").get(f"{URL}/generated", params={"period": "2023-H1"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["latest_draft"] is None or body["latest_draft"]["version"] >= 1
        text = "\n".join(s["text"] for s in body["template"]["sections"])
        assert "{{enterprise.voucher_amount}}{{enterprise.voucher_amount.change}}" in text
        assert "864.19万元" not in text
        # Previewed as it is, the generated template gives the generated Markdown's text.
        p = await reporting.as_("analyst").post(
            f"{URL}/preview", json={"period": "2023-H1", "template": body["template"]}
        )
        md = await reporting.as_("analyst").get(
            "/v1/reports/consolidated/markdown",
            params={"period": "2023-H1", "narrative": "generated"},
        )
        assert p.status_code == 200, p.text
        # The download ends with the cities' approval states, which are not narrative.
        text, appendix = md.text.split("\n## 附：各地市数据审核状态", 1)
        assert p.json()["markdown"] in (text, text + "\n")
        assert appendix

    async def test_unknown_placeholder_is_refused_with_the_valid_ones(self, reporting: Any) -> None:
        bad = template(
            "发放创新券{{enterprise.voucher_amont}}，{{enterprise.voucher_amount.pct}}。{{"
        )
        for path in ("/drafts", "/preview"):
            r = await reporting.as_("admin").post(
                f"{URL}{path}", json={"period": "2023-H1", "template": bad}
            )
            assert r.status_code == 422, r.text
            problem = r.json()
            assert r.headers["content-type"].startswith("application/problem+json")
            assert problem["code"] == "unknown_placeholder"
            assert problem["unknown"] == [
                "{{enterprise.voucher_amont}}",
                "{{enterprise.voucher_amount.pct}}",
                "{{",
            ]
            assert problem["valid"] == list(VALID)
            assert "enterprise.voucher_amount.change" in problem["valid"]
        guide = (await reporting.as_("analyst").get(f"{URL}/placeholders")).json()
        assert guide["placeholders"] == list(VALID)

    async def test_preview_renders_without_saving(self, reporting: Any) -> None:
        body = {
            "period": "2023-H1",
            "city": "450300",
            "template": template(
                VOUCHER + "合作银行{{enterprise.partner_banks_signed}}。",
                intro="{{period}}{{area}}重点工作情况如下：",
            ),
        }
        r = await reporting.as_("admin").post(f"{URL}/preview", json=body)
        assert r.status_code == 200, r.text
        out = r.json()
        assert out["narrative"]["title"] == "2023年上半年桂林市重点工作情况"
        assert out["narrative"]["intro"] == "2023年上半年桂林市重点工作情况如下："
        assert out["narrative"]["sections"][0]["title"] == "一、加强企业培育及政策支持"
        # The region-only bank count has no value in a city's report: marked, and reported.
        assert out["empty_placeholders"] == ["enterprise.partner_banks_signed"]
        assert "合作银行（无数据）。" in out["narrative"]["sections"][0]["paragraphs"][0]
        drafts = await reporting.as_("admin").get(
            f"{URL}/drafts", params={"period": "2023-H1", "city": "450300"}
        )
        assert drafts.json()["items"] == []


class TestDrafts:
    async def test_versions_are_kept_and_the_latest_tells_the_report(self, reporting: Any) -> None:
        admin = reporting.as_("admin")
        scope = {"period": "2023-Q2"}
        first = await admin.post(
            f"{URL}/drafts", json={**scope, "template": template(VOUCHER), "note": "初稿"}
        )
        second = await admin.post(
            f"{URL}/drafts", json={**scope, "template": template(VOUCHER + SEED_SENTENCE)}
        )
        assert first.status_code == second.status_code == 201, first.text
        assert (first.json()["version"], second.json()["version"]) == (1, 2)
        listing = (await reporting.as_("analyst").get(f"{URL}/drafts", params=scope)).json()
        assert [d["version"] for d in listing["items"]] == [1, 2]
        assert listing["items"][0]["note"] == "初稿"
        one = await reporting.as_("analyst").get(f"{URL}/drafts/{first.json()['id']}")
        assert one.json()["template"] == template(VOUCHER)
        # Another period, or a city's report, has its own versions.
        other = await admin.post(
            f"{URL}/drafts", json={**scope, "city": "450100", "template": template(VOUCHER)}
        )
        assert other.json()["version"] == 1

        md = (await admin.get("/v1/reports/consolidated/markdown", params=scope)).text
        assert SEED_SENTENCE in md
        assert "## 一、加强企业培育及政策支持" in md
        assert "## 二、" not in md
        generated = await admin.get(
            "/v1/reports/consolidated/markdown", params={**scope, "narrative": "generated"}
        )
        assert SEED_SENTENCE not in generated.text
        assert "## 六、加快促进科技成果转化" in generated.text

    async def test_only_admin_writes_and_city_bureaus_do_not_read_drafts(
        self, reporting: Any
    ) -> None:
        body = {"period": "2023-H1", "template": template(VOUCHER)}
        assert (await reporting.as_("analyst").post(f"{URL}/drafts", json=body)).status_code == 403
        bureau = reporting.as_("city_bureau", city="450300")
        assert (await bureau.get(f"{URL}/drafts", params={"period": "2023-H1"})).status_code == 403
        missing = await reporting.as_("admin").get(
            f"{URL}/drafts/00000000-0000-0000-0000-000000000000"
        )
        assert missing.status_code == 404
        assert missing.json()["code"] == "narrative_draft_not_found"


class TestPublishing:
    async def test_published_snapshot_freezes_the_text_it_used(self, reporting: Any) -> None:
        admin = reporting.as_("admin")
        scope = {"period": "2023-Q1"}
        saved = await admin.post(
            f"{URL}/drafts", json={**scope, "template": template(VOUCHER + SEED_SENTENCE)}
        )
        assert saved.status_code == 201, saved.text
        r = await admin.post(
            "/v1/reports/published", json={**scope, "approval_override": "测试：未经审核发布"}
        )
        assert r.status_code == 201, r.text
        rid = r.json()["id"]
        md_before = (await admin.get(f"/v1/reports/published/{rid}/files/markdown")).text
        assert SEED_SENTENCE in md_before

        # A later version changes the live report, not the published one.
        await admin.post(f"{URL}/drafts", json={**scope, "template": template("改写后的文字。")})
        live = (await admin.get("/v1/reports/consolidated/markdown", params=scope)).text
        assert "改写后的文字。" in live
        assert SEED_SENTENCE not in live
        detail = (await admin.get(f"/v1/reports/published/{rid}")).json()
        frozen = detail["narrative"]
        assert (frozen["source"], frozen["version"], frozen["draft_id"]) == (
            "draft",
            1,
            saved.json()["id"],
        )
        assert frozen["template"] == template(VOUCHER + SEED_SENTENCE)
        assert SEED_SENTENCE in frozen["sections"][0]["paragraphs"][0]
        after = (await admin.get(f"/v1/reports/published/{rid}/files/markdown")).text
        assert after == md_before
        # Every published document carries the edited text, not only the Markdown.
        published_docx = await admin.get(f"/v1/reports/published/{rid}/files/docx")
        paragraphs = [p.text for p in docx.Document(io.BytesIO(published_docx.content)).paragraphs]
        assert any(SEED_SENTENCE in p for p in paragraphs)

    async def test_publishing_the_generated_text_says_so(self, reporting: Any) -> None:
        admin = reporting.as_("admin")
        await admin.post(f"{URL}/drafts", json={"period": "2022-H2", "template": template(VOUCHER)})
        r = await admin.post(
            "/v1/reports/published",
            json={
                "period": "2022-H2",
                "narrative": "generated",
                "approval_override": "测试：未经审核发布",
            },
        )
        assert r.status_code == 201, r.text
        frozen = (await admin.get(f"/v1/reports/published/{r.json()['id']}")).json()["narrative"]
        assert frozen["source"] == "generated"
        assert frozen["draft_id"] is None
        assert any("{{" in s["text"] for s in frozen["template"]["sections"])
