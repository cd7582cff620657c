"""Issue 6 acceptance: the whole consolidated report from a small hand-computed dataset.

Every record is written through the gateway with real API keys (admin, two city
bureaus, a partner bank's signed client) into the four workstream services. The
report is 2019-H1 against 2018-H1 — years no other end-to-end test writes — and
every figure of the catalogue, its comparison, its provenance listing, the
Markdown sentences, the DOCX/XLSX files and a published snapshot are checked
against the answers worked out by hand below.

A = 450100 南宁, B = 450200 柳州, C = 450300 桂林. Dates on 2019-06-30 count (the
period is inclusive), 2019-07-01 does not; cancelled, revoked and withdrawn
records never count.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import docx
import httpx
import openpyxl
import pytest

from reporting_service.catalogue.indicators import CATALOGUE
from shared_kit.codes import GUANGXI_CITIES
from tests.e2e.conftest import Stack
from tests.e2e.gw import api_key, bank_client, call, get, list_all, patch, post, push_loans, uscc
from tests.reporting.documents import require_pdf_tools

PERIOD = "2019-H1"
A, B, C = "450100", "450200", "450300"
REPORT = "/api/reporting/v1/reports/consolidated"

# Enterprises in the registry. E3's USCC carries 柳州's digits but the registry puts it in
# 南宁: records about it count in A (reading rule 2). EX is not in the registry at all.
E1, E2, E3, E4, E5 = (
    uscc(A, 190001),
    uscc(B, 190002),
    uscc(B, 190003),
    uscc(B, 190004),
    uscc(C, 190005),
)
EX = uscc(A, 190099)
ENTERPRISE_CITY = {E1: A, E2: B, E3: A, E4: B, E5: C}


@dataclass
class Loaded:
    ids: dict[str, str] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- loading


def load_projects(admin: httpx.Client, bureau_a: httpx.Client, ids: dict[str, str]) -> None:
    p = "/api/projects/v1"
    # projects.action_plan_programs (R): a 2018–2020 plan with two programs covers both
    # years; a 2019–2021 plan's program counts for 2019 only.
    plan = post(
        admin,
        f"{p}/action-plans",
        {"name": "科技强桂三年行动方案", "start_year": 2018, "end_year": 2020},
    )
    later = post(
        admin, f"{p}/action-plans", {"name": "后续行动方案", "start_year": 2019, "end_year": 2021}
    )
    programs = {}
    for plan_id, name in [
        (plan["id"], "科技创新能力提升工程"),
        (plan["id"], "产业链创新链融合工程"),
        (later["id"], "科技惠民工程"),
    ]:
        programs[name] = post(admin, f"{p}/programs", {"plan_id": plan_id, "name": name})["id"]
    # projects.action_plan_tasks_completed (R): 2019-03-01 and 2019-06-30 count, 07-01 not;
    # 2018-05-01 is the previous period's one.
    prog = programs["科技创新能力提升工程"]
    for title, done in [
        ("任务一", "2019-03-01"),
        ("任务二", "2019-06-30"),
        ("任务三", "2019-07-01"),
        ("任务零", "2018-05-01"),
    ]:
        post(admin, f"{p}/action-plan-tasks", {
            "program_id": prog, "title": title, "owner": "厅办公室", "due_on": done,
            "status": "completed", "completed_on": done,
        })  # fmt: skip
    post(admin, f"{p}/action-plan-tasks", {
        "program_id": prog, "title": "未完成", "owner": "厅办公室", "due_on": "2019-05-01",
    })  # fmt: skip
    # projects.special_plans_completed (R): two fields completed in 2019-H1, one drafting,
    # one completed in 2018-H1.
    fields: list[tuple[str, str, str | None]] = [
        ("现代特色农业科技", "completed", "2019-04-01"),
        ("生物医药创制", "completed", "2019-06-30"),
        ("新一代人工智能", "drafting", None),
        ("新能源与智能网联汽车", "completed", "2018-02-01"),
    ]
    for name, status, completed_on in fields:
        post(
            admin,
            f"{p}/special-fields",
            {"name": name, "plan_status": status, "completed_on": completed_on},
        )

    # projects.challenge_demands_collected: A 01-01 (by A's bureau), A 06-30, B 03-15 count;
    # A 07-01 and a withdrawn B don't. Previous: A 2018-06-30, B 2018-03-01.
    def demand(city: str, day: str, client: httpx.Client = admin) -> str:
        body = {
            "title": f"揭榜需求{city}{day}",
            "organisation_name": "某企业",
            "organisation_uscc": uscc(city, int(day.replace("-", ""))),
            "city": city,
            "field": "新材料",
            "budget": "1000000.00",
            "submitted_on": day,
        }
        return str(post(client, f"{p}/challenge-demands", body)["id"])

    def list_on(demand_id: str, day: str) -> None:
        post(
            admin,
            f"{p}/challenge-demands/{demand_id}/transitions",
            {"to": "under_review", "on": day},
        )
        post(admin, f"{p}/challenge-demands/{demand_id}/transitions", {
            "to": "listed", "on": day, "reward_amount": "500000.00",
            "deadline": "2019-12-31", "eligibility": "区内外单位均可",
        })  # fmt: skip

    d_a1 = demand(A, "2019-01-01", bureau_a)
    d_a2 = demand(A, "2019-06-30")
    d_b1 = demand(B, "2019-03-15")
    demand(A, "2019-07-01")
    withdrawn = demand(B, "2019-02-01")
    post(admin, f"{p}/challenge-demands/{withdrawn}/transitions", {
        "to": "withdrawn", "on": "2019-02-10", "reason": "企业撤回",
    })  # fmt: skip
    d_prev_a = demand(A, "2018-06-30")
    d_prev_b = demand(B, "2018-03-01")
    # projects.challenge_demands_listed: listed_on decides — A 05-01, A 06-30 and the 2018
    # B demand listed 2019-01-10 count; B listed 07-02 doesn't. Previous: A 2018-06-30.
    list_on(d_a1, "2019-05-01")
    list_on(d_a2, "2019-06-30")
    list_on(d_prev_b, "2019-01-10")
    list_on(d_b1, "2019-07-02")
    list_on(d_prev_a, "2018-06-30")

    # Funded projects: major_special A 30M, B 20M (06-30); a cancelled A 99M. key_rd B 5M;
    # key_rd A 07-01 doesn't count. Previous: major A 10M, key_rd A 4M and B 6M (06-30).
    # Platform category: A 123,456,789 (previous B 100M).
    def project(
        code: str, category: str, city: str, day: str, amount: str, client: httpx.Client = admin
    ) -> str:
        body = {
            "project_code": code,
            "name": f"项目{code}",
            "category": category,
            "field": "先进制造",
            "lead_organisation_name": "某单位",
            "lead_organisation_uscc": uscc(city, 7000 + len(ids)),
            "city": city,
            "approved_on": day,
            "funding_amount": amount,
        }
        pid = str(post(client, f"{p}/funded-projects", body)["id"])
        ids[code] = pid
        return pid

    project("E2E-M1", "major_special", A, "2019-02-01", "30000000.00", bureau_a)
    project("E2E-M2", "major_special", B, "2019-06-30", "20000000.00")
    cancelled = project("E2E-M3", "major_special", A, "2019-03-01", "99000000.00")
    patch(admin, f"{p}/funded-projects/{cancelled}", {"status": "cancelled"})
    project("E2E-K1", "key_rd", B, "2019-05-05", "5000000.00")
    project("E2E-K2", "key_rd", A, "2019-07-01", "7000000.00")
    project("E2E-M0", "major_special", A, "2018-04-01", "10000000.00")
    project("E2E-K3", "key_rd", A, "2018-01-10", "4000000.00")
    project("E2E-K4", "key_rd", B, "2018-06-30", "6000000.00")
    project("E2E-P1", "platform", A, "2019-04-04", "123456789.00")
    project("E2E-P0", "platform", B, "2018-03-03", "100000000.00")

    # Platforms: national A (05-20) and B (01-15) count; a revoked national B and a
    # regional A don't. The joint lab's plan was approved 2019-06-01 (previous: none).
    def platform(name: str, level: str, kind: str, city: str, **dates: str) -> str:
        body = {
            "name": name,
            "level": level,
            "kind": kind,
            "host_organisation_name": "某大学",
            "city": city,
            **dates,
        }
        return str(post(admin, f"{p}/platforms", body)["id"])

    platform("广西某国家重点实验室", "national", "state_key_lab", A, approved_on="2019-05-20")
    platform(
        "国家某工程技术研究中心", "national", "engineering_center", B, approved_on="2019-01-15"
    )
    revoked = platform("已撤销国家平台", "national", "other", B, approved_on="2019-06-30")
    patch(admin, f"{p}/platforms/{revoked}", {"status": "revoked"})
    platform("自治区某重点实验室", "regional", "regional_key_lab", A, approved_on="2019-03-01")
    platform("往年国家平台", "national", "state_key_lab", A, approved_on="2018-05-05")
    platform(
        "省部共建某国家重点实验室",
        "national",
        "joint_state_key_lab",
        A,
        plan_approved_on="2019-06-01",
    )

    # projects.key_lab_applications: batch 9 — A 02-01, B 06-30 count, a withdrawn A doesn't;
    # batch 8 — A 2018-02-02.
    b9 = post(admin, f"{p}/key-lab-batches", {"number": 9, "opened_on": "2019-01-01"})["id"]
    b8 = post(admin, f"{p}/key-lab-batches", {"number": 8, "opened_on": "2018-01-01"})["id"]
    for batch, city, day, client in [
        (b9, A, "2019-02-01", bureau_a),
        (b9, B, "2019-06-30", admin),
        (b8, A, "2018-02-02", admin),
    ]:
        post(client, f"{p}/key-lab-applications", {
            "batch_id": batch, "lab_name": f"实验室{city}{day}", "organisation_name": "某大学",
            "city": city, "submitted_on": day,
        })  # fmt: skip
    gone = post(admin, f"{p}/key-lab-applications", {
        "batch_id": b9, "lab_name": "撤回的实验室", "organisation_name": "某大学",
        "city": A, "submitted_on": "2019-03-01",
    })["id"]  # fmt: skip
    patch(admin, f"{p}/key-lab-applications/{gone}", {"status": "withdrawn"})


def load_enterprise(
    stack: Stack, admin: httpx.Client, bureau_a: httpx.Client, ids: dict[str, str]
) -> None:
    p = "/api/enterprise/v1"
    for code, city in ENTERPRISE_CITY.items():
        client = bureau_a if city == A else admin
        post(
            client,
            f"{p}/enterprises",
            {"uscc": code, "name": f"企业{code[-4:]}", "city": city, "industry": "电子信息"},
        )

    # enterprise.training_sessions: A 06-30 (by A's bureau), B 01-01 count; A 07-01 and a
    # cancelled A don't. Previous: A 2018-05-05.
    for city, day, client in [
        (A, "2019-06-30", bureau_a),
        (B, "2019-01-01", admin),
        (A, "2019-07-01", admin),
        (A, "2018-05-05", admin),
    ]:
        post(
            client,
            f"{p}/training-sessions",
            {"city": city, "topic": "高企申报辅导", "held_on": day, "attendees": 50},
        )
    t = post(
        admin,
        f"{p}/training-sessions",
        {"city": A, "topic": "取消", "held_on": "2019-03-03", "attendees": 0},
    )
    post(admin, f"{p}/training-sessions/{t['id']}/cancel", {"cancelled_on": "2019-03-01"})

    # Tech SMEs: (2019,1) E1 and E2, (2019,2) E3 on 06-30 count — 2 batches, 3 enterprises
    # (A:2, B:1); (2019,3) E5 revoked and (2019,4) E4 on 07-01 don't. Previous: (2018,1) E1.
    regs = [
        (E1, 2019, 1, "2019-03-01"),
        (E2, 2019, 1, "2019-03-01"),
        (E3, 2019, 2, "2019-06-30"),
        (E5, 2019, 3, "2019-05-05"),
        (E4, 2019, 4, "2019-07-01"),
        (E1, 2018, 1, "2018-04-04"),
    ]
    for n, (ent, year, batch, day) in enumerate(regs):
        reg = post(admin, f"{p}/tech-sme-registrations", {
            "enterprise_uscc": ent, "year": year, "batch": batch,
            "registration_no": f"{year}450{n:011d}", "registered_on": day,
        })  # fmt: skip
        if ent == E5:
            post(
                admin,
                f"{p}/tech-sme-registrations/{reg['id']}/revoke",
                {"revoked_on": "2019-08-01"},
            )

    # HTE pool: E1 twice (distinct once), E2 06-30 count; E4 withdrawn doesn't. Previous: E3.
    for ent, day in [
        (E1, "2019-02-02"),
        (E1, "2019-05-05"),
        (E2, "2019-06-30"),
        (E3, "2018-06-30"),
    ]:
        post(admin, f"{p}/hte-pool-entries", {"enterprise_uscc": ent, "entered_on": day})
    w = post(admin, f"{p}/hte-pool-entries", {"enterprise_uscc": E4, "entered_on": "2019-04-01"})
    post(admin, f"{p}/hte-pool-entries/{w['id']}/withdraw", {"withdrawn_on": "2019-05-01"})

    # Recognition awards: E1's certificate 150,000 + 50,000 (06-30) count, a cancelled
    # 70,000 doesn't; E2's revoked certificate's 30,000 doesn't. Previous: E3 100,000.
    def recognition(ent: str, no: str, day: str) -> str:
        body = {"enterprise_uscc": ent, "certificate_no": no, "kind": "new", "issued_on": day}
        return str(post(admin, f"{p}/hte-recognitions", body)["id"])

    r1 = recognition(E1, "GR201845000001", "2018-12-01")
    r2 = recognition(E2, "GR201845000002", "2018-11-01")
    r0 = recognition(E3, "GR201745000003", "2017-11-01")
    for rec, amount, day in [
        (r1, "150000.00", "2019-03-03"),
        (r1, "50000.00", "2019-06-30"),
        (r2, "30000.00", "2019-02-02"),
        (r0, "100000.00", "2018-03-03"),
    ]:
        post(admin, f"{p}/hte-recognitions/{rec}/awards", {"amount": amount, "awarded_on": day})
    award = post(
        admin,
        f"{p}/hte-recognitions/{r1}/awards",
        {"amount": "70000.00", "awarded_on": "2019-04-04"},
    )
    post(admin, f"{p}/hte-recognition-awards/{award['id']}/cancel", {"cancelled_on": "2019-04-05"})
    post(admin, f"{p}/hte-recognitions/{r2}/revoke", {"revoked_on": "2019-08-01"})

    # enterprise.partner_banks_signed (R): three count (a terminated one too); a cancelled
    # one doesn't. Previous: one.
    for code, name, day in [
        ("E2E19A", "桂北银行", "2019-03-01"),
        ("E2E19B", "南疆银行", "2019-06-30"),
        ("E2E19C", "误录银行", "2019-02-02"),
        ("E2E19D", "已终止银行", "2019-01-05"),
        ("E2E18E", "往年银行", "2018-05-05"),
    ]:
        post(admin, f"{p}/partner-banks", {"code": code, "name": name, "agreement_signed_on": day})
    post(admin, f"{p}/partner-banks/E2E19C/cancel", {"on": "2019-02-03"})
    post(admin, f"{p}/partner-banks/E2E19D/terminate", {"on": "2019-08-01"})

    # Vouchers: E1 100,000 + 50,000 (06-30), E2 80,000 redeemed count; E3's cancelled 60,000
    # and E5's 07-01 don't. Previous: E2 40,000.
    def voucher(ent: str, applied: str, issued: str, amount: str) -> str:
        v = post(admin, f"{p}/vouchers", {"enterprise_uscc": ent, "applied_on": applied})
        post(admin, f"{p}/vouchers/{v['id']}/issue", {"face_amount": amount, "issued_on": issued})
        return str(v["id"])

    voucher(E1, "2019-01-10", "2019-02-01", "100000.00")
    voucher(E1, "2019-06-01", "2019-06-30", "50000.00")
    redeemed = voucher(E2, "2019-03-01", "2019-03-03", "80000.00")
    post(admin, f"{p}/vouchers/{redeemed}/redeem", {
        "provider_name": "某检测机构", "contract_no": "HT-1", "invoice_no": "FP-1",
        "redeemed_amount": "80000.00", "redeemed_on": "2019-05-01",
    })  # fmt: skip
    gone = voucher(E3, "2019-04-01", "2019-04-04", "60000.00")
    post(admin, f"{p}/vouchers/{gone}/cancel", {"cancelled_on": "2019-04-10"})
    voucher(E5, "2019-06-20", "2019-07-01", "10000.00")
    voucher(E2, "2018-05-01", "2018-05-05", "40000.00")

    # 科创贷 list: at 2019-06-30 E4 (listed 01-01), E1 (listed 06-30) and E3 (since 2018)
    # are on it; E2 was delisted 06-30 and E5 listed 07-01 are not. At 2018-06-30: E2, E3.
    for ent, day in [
        (E4, "2019-01-01"),
        (E1, "2019-06-30"),
        (E3, "2018-01-01"),
        (E5, "2019-07-01"),
    ]:
        post(admin, f"{p}/kcd-listings", {"enterprise_uscc": ent, "listed_on": day})
    e2 = post(admin, f"{p}/kcd-listings", {"enterprise_uscc": E2, "listed_on": "2018-01-01"})
    post(admin, f"{p}/kcd-listings/{e2['id']}/delist", {"delisted_on": "2019-06-30"})

    # Loans, pushed by partner bank E2E19A through the signed bank interface: E4 10M (listed),
    # E1 5M repaid on 06-30 (still lent), EX 2M (not in the registry: region total only)
    # count; E2's cancelled 3M and E5's 07-01 1M don't. Previous: E2 4M.
    def loan(no: str, ent: str, amount: str, day: str, status: str = "disbursed") -> dict[str, str]:
        return {
            "contract_no": no, "uscc": ent, "enterprise_name": f"企业{ent[-4:]}",
            "amount": amount, "disbursed_on": day, "maturity_on": "2020-12-31",
            "annual_rate": "3.45", "guarantee": "credit", "status": status,
        }  # fmt: skip

    with bank_client(stack, "E2E19A") as bank:
        push_loans(bank, [
            loan("E2E-L1", E4, "10000000.00", "2019-03-01"),
            loan("E2E-L2", E1, "5000000.00", "2019-06-30", "repaid"),
            loan("E2E-L3", E2, "3000000.00", "2019-02-02", "cancelled"),
            loan("E2E-L4", EX, "2000000.00", "2019-05-05"),
            loan("E2E-L5", E5, "1000000.00", "2019-07-01"),
            loan("E2E-L0", E2, "4000000.00", "2018-06-01"),
        ])  # fmt: skip

    # R&D subsidy: E1 1,000,000 + 500,000, E2 2,500,000 rejected (still applied) count; E3
    # withdrawn doesn't. Previous: E3 2,000,000.
    for ent, year, amount, day, then in [
        (E1, 2018, "1000000.00", "2019-03-03", None),
        (E1, 2019, "500000.00", "2019-04-04", None),
        (E2, 2019, "2500000.00", "2019-06-30", "reject"),
        (E3, 2019, "9999.00", "2019-05-05", "withdraw"),
        (E3, 2017, "2000000.00", "2018-02-02", None),
    ]:
        a = post(admin, f"{p}/rd-subsidy-applications", {
            "enterprise_uscc": ent, "year": year, "requested_amount": amount, "submitted_on": day,
        })  # fmt: skip
        if then:
            post(
                admin, f"{p}/rd-subsidy-applications/{a['id']}/{then}", {"decided_on": "2019-08-01"}
            )

    # Zones: at 2019-06-30 Z1 (A) and Z2 (B, opened that day) are active, Z3 (C) closed that
    # day is not; at 2018-06-30 Z1 and Z3. Output sums whole quarters of the period, the
    # closed zone's included: 2019 Q1+Q2 = 10+15+5+2 亿; 2018 = 8+12+3.4567890123 亿.
    z1 = post(
        admin,
        f"{p}/hitech-zones",
        {"name": "南宁高新区E2E", "city": A, "level": "national", "established_on": "2010-01-01"},
    )["id"]
    z2 = post(
        admin,
        f"{p}/hitech-zones",
        {"name": "柳州高新区E2E", "city": B, "level": "regional", "established_on": "2019-06-30"},
    )["id"]
    z3 = post(
        admin,
        f"{p}/hitech-zones",
        {"name": "桂林高新区E2E", "city": C, "level": "national", "established_on": "2015-01-01"},
    )["id"]
    post(admin, f"{p}/hitech-zones/{z3}/close", {"closed_on": "2019-06-30"})
    for zone, year, q, output, client in [
        (z1, 2019, 1, "1000000000.00", bureau_a),
        (z1, 2019, 2, "1500000000.00", admin),
        (z2, 2019, 2, "500000000.00", admin),
        (z3, 2019, 1, "200000000.00", admin),
        (z1, 2019, 3, "9900000000.00", admin),
        (z1, 2018, 1, "800000000.00", admin),
        (z1, 2018, 2, "1200000000.00", admin),
        (z3, 2018, 2, "345678901.23", admin),
    ]:
        r = call(
            client,
            "PUT",
            f"{p}/hitech-zones/{zone}/quarters/{year}/{q}",
            json={"gross_output": output},
        )
        assert r.status_code in (200, 201), r.text


def load_talent(admin: httpx.Client, bureau_a: httpx.Client) -> None:
    p = "/api/talent/v1"

    def person(name: str, city: str) -> str:
        client = bureau_a if city == A else admin
        body = {"name": name, "organisation": "某大学", "city": city, "field": "化学"}
        return str(post(client, f"{p}/people", body)["id"])

    p1, p2, p3, p4 = person("甲", A), person("乙", B), person("丙", A), person("丁", C)

    # Academician candidates: P1 (A) valid 05-05, P4 (C) valid 01-01 and later elected
    # count; P2 withdrawn doesn't. Previous: P3 2018-06-30.
    def candidate(pid: str, valid: str) -> str:
        body = {
            "person_id": pid,
            "discipline": "材料",
            "selected_year": 2017,
            "valid_candidate_on": valid,
        }
        return str(post(admin, f"{p}/academician-candidates", body)["id"])

    c1, c2 = candidate(p1, "2019-05-05"), candidate(p2, "2019-06-30")
    c3, c4 = candidate(p3, "2018-06-30"), candidate(p4, "2019-01-01")
    patch(admin, f"{p}/academician-candidates/{c2}", {"status": "withdrawn"})
    patch(admin, f"{p}/academician-candidates/{c4}", {"status": "elected"})
    # Grants: team allowance C1 300,000 (A) + C4 200,000 (C) count, a revoked one doesn't;
    # previous C3 250,000. Research funding C1 1,234,567.89, previous none.
    for cand, kind, amount, day in [
        (c1, "team_allowance", "300000.00", "2019-03-03"),
        (c4, "team_allowance", "200000.00", "2019-06-30"),
        (c3, "team_allowance", "250000.00", "2018-03-03"),
        (c1, "research_project", "1234567.89", "2019-02-02"),
        (c1, "team_allowance", "300000.00", "2019-07-01"),
    ]:
        post(
            admin,
            f"{p}/academician-grants",
            {"candidate_id": cand, "kind": kind, "amount": amount, "paid_on": day},
        )
    g = post(
        admin,
        f"{p}/academician-grants",
        {
            "candidate_id": c1,
            "kind": "team_allowance",
            "amount": "999999.00",
            "paid_on": "2019-05-05",
        },
    )
    post(admin, f"{p}/academician-grants/{g['id']}/revoke")

    # Young PhD grants: P1 01-01, P2 06-30 count; P3 07-01 and P3 revoked don't. Prev: P2.
    for pid, day in [
        (p1, "2019-01-01"),
        (p2, "2019-06-30"),
        (p3, "2019-07-01"),
        (p2, "2018-04-04"),
    ]:
        post(
            admin,
            f"{p}/young-phd-grants",
            {"person_id": pid, "university": "广西大学", "awarded_on": day},
        )
    y = post(
        admin,
        f"{p}/young-phd-grants",
        {"person_id": p3, "university": "广西大学", "awarded_on": "2019-03-03"},
    )
    patch(admin, f"{p}/young-phd-grants/{y['id']}", {"status": "revoked"})

    # Nominations: P1, P2 (not selected later) count; P3 withdrawn doesn't. Previous: none.
    n1 = post(
        admin,
        f"{p}/national-nominations",
        {"person_id": p1, "category": "科技创新领军人才", "nominated_on": "2019-04-04"},
    )
    n2 = post(
        admin,
        f"{p}/national-nominations",
        {"person_id": p2, "category": "青年拔尖人才", "nominated_on": "2019-05-05"},
    )
    n3 = post(
        admin,
        f"{p}/national-nominations",
        {"person_id": p3, "category": "青年拔尖人才", "nominated_on": "2019-02-02"},
    )
    assert n1["id"]
    patch(admin, f"{p}/national-nominations/{n2['id']}", {"status": "not_selected"})
    patch(admin, f"{p}/national-nominations/{n3['id']}", {"status": "withdrawn"})

    # Experts: P1 01-15, P2 06-30 count; P3 revoked doesn't. Previous: P4 2018-05-05.
    for pid, day in [(p1, "2019-01-15"), (p2, "2019-06-30"), (p4, "2018-05-05")]:
        post(admin, f"{p}/experts", {"person_id": pid, "fields": ["化学"], "added_on": day})
    x = post(admin, f"{p}/experts", {"person_id": p3, "fields": ["化学"], "added_on": "2019-03-03"})
    patch(admin, f"{p}/experts/{x['id']}", {"status": "revoked"})

    # International: ASEAN P1 counts, P2 cancelled doesn't (previous P3, P4 on 06-30);
    # HMT P2, later completed, counts (previous none).
    def talent(pid: str, program: str, day: str) -> str:
        body = {
            "person_id": pid,
            "program": program,
            "origin": "越南",
            "host_organisation": "广西大学",
            "received_on": day,
        }
        return str(post(admin, f"{p}/international-talents", body)["id"])

    talent(p1, "asean_young_scientist", "2019-02-02")
    patch(
        admin,
        f"{p}/international-talents/{talent(p2, 'asean_young_scientist', '2019-03-03')}",
        {"status": "cancelled"},
    )
    talent(p3, "asean_young_scientist", "2018-02-02")
    talent(p4, "asean_young_scientist", "2018-06-30")
    patch(
        admin,
        f"{p}/international-talents/{talent(p2, 'hong_kong_macao_taiwan', '2019-05-05')}",
        {"status": "completed"},
    )

    # Commissioners: K1 dispatched to A (03-01, by A's bureau) and to B (04-01), K2 to B
    # (06-30): distinct 2 in total, A 1, B 2 (rule 3); K3's cancelled dispatch doesn't count,
    # nor do its logs. Previous: K1 to A 2018-03-01.
    def commissioner(name: str, city: str) -> str:
        body = {"name": name, "organisation": "广西农科院", "kind": "individual", "home_city": city}
        return str(post(admin, f"{p}/commissioners", body)["id"])

    k1, k2, k3 = (
        commissioner("特派员甲", A),
        commissioner("特派员乙", B),
        commissioner("特派员丙", A),
    )

    def dispatch(k: str, city: str, county: str, day: str, client: httpx.Client = admin) -> str:
        body = {
            "commissioner_id": k, "year": int(day[:4]), "dispatching_unit": "科技厅",
            "city": city, "county": county, "dispatched_on": day,
        }  # fmt: skip
        return str(post(client, f"{p}/commissioner-dispatches", body)["id"])

    d1 = dispatch(k1, A, "450102", "2019-03-01", bureau_a)
    d2 = dispatch(k1, B, "450202", "2019-04-01")
    dispatch(k2, B, "450203", "2019-06-30")
    d4 = dispatch(k3, A, "450103", "2019-05-05")
    d0 = dispatch(k1, A, "450102", "2018-03-01")
    # Service logs: 3 + 2 (06-30) days in A, 5 in B; 3 villages. 07-01 and the cancelled
    # dispatch's 7 days don't count. Previous: 4 + 1 days, 1 village.
    for disp, village, day, days in [
        (d1, "450102001", "2019-03-10", 3),
        (d1, "450102002", "2019-06-30", 2),
        (d2, "450202001", "2019-04-10", 5),
        (d4, "450103003", "2019-05-10", 7),
        (d1, "450102001", "2019-07-01", 4),
        (d0, "450102001", "2018-04-04", 4),
        (d0, "450102001", "2018-05-05", 1),
    ]:
        post(admin, f"{p}/commissioner-service-logs", {
            "dispatch_id": disp, "village_code": village, "served_on": day, "days": days,
            "content": "技术指导",
        })  # fmt: skip
    post(admin, f"{p}/commissioner-dispatches/{d4}/cancel", {"cancelled_on": "2019-06-01"})


def load_transfer(admin: httpx.Client, bureau_a: httpx.Client) -> None:
    p = "/api/transfer/v1"
    # Pilots: ownership reform A 01-01 (A's bureau), B 06-30 count, a cancelled A doesn't
    # (previous A 2018-02-02); evaluation A 05-05 (previous none). Pilot base B 04-04; one
    # on 07-01 doesn't count.
    for kind, city, day, client in [
        ("ownership_reform", A, "2019-01-01", bureau_a),
        ("ownership_reform", B, "2019-06-30", admin),
        ("ownership_reform", A, "2018-02-02", admin),
        ("achievement_evaluation", A, "2019-05-05", admin),
    ]:
        post(
            client,
            f"{p}/pilots",
            {
                "kind": kind,
                "organisation_name": f"试点{city}{day}",
                "city": city,
                "started_on": day,
            },
        )
    gone = post(
        admin,
        f"{p}/pilots",
        {
            "kind": "ownership_reform",
            "organisation_name": "撤销试点",
            "city": A,
            "started_on": "2019-03-03",
        },
    )
    post(admin, f"{p}/pilots/{gone['id']}/cancel")
    for name, day in [("功能材料共享中试基地", "2019-04-04"), ("下半年中试基地", "2019-07-01")]:
        post(
            admin,
            f"{p}/pilot-bases",
            {"name": name, "operator_name": "某产业技术研究院", "city": B, "established_on": day},
        )

    # Transfers: I1 (A) 1,000,000 + 500,000 (06-30), I2 (B) 250,000.50 count — 2
    # institutions, 3 records; I3's withdrawn record and I2's 07-01 don't. Previous: I1 700,000.
    i1 = post(
        bureau_a, f"{p}/institutions", {"name": "广西大学E2E", "kind": "university", "city": A}
    )["id"]
    i2 = post(
        admin, f"{p}/institutions", {"name": "柳州研究院E2E", "kind": "institute", "city": B}
    )["id"]
    i3 = post(
        admin, f"{p}/institutions", {"name": "南宁研究所E2E", "kind": "institute", "city": A}
    )["id"]
    for inst, day, revenue in [
        (i1, "2019-02-02", "1000000.00"),
        (i1, "2019-06-30", "500000.00"),
        (i2, "2019-03-03", "250000.50"),
        (i2, "2019-07-01", "800000.00"),
        (i1, "2018-03-03", "700000.00"),
    ]:
        post(
            admin,
            f"{p}/transfer-records",
            {
                "institution_id": inst,
                "title": "成果",
                "method": "licence",
                "transferred_on": day,
                "revenue": revenue,
            },
        )
    w = post(
        admin,
        f"{p}/transfer-records",
        {
            "institution_id": i3,
            "title": "撤回",
            "method": "transfer",
            "transferred_on": "2019-04-04",
            "revenue": "10000.00",
        },
    )
    post(admin, f"{p}/transfer-records/{w['id']}/withdraw")

    # Intentions: U1 twice (distinct once) in A, U2 in B (06-30) count; U3 withdrawn doesn't.
    # Previous: U1 in A.
    event = post(
        admin,
        f"{p}/recruitment-events",
        {"name": "问技高校E2E", "city": A, "held_on": "2019-01-01"},
    )["id"]
    u1, u2, u3 = uscc("440300", 1), uscc("110108", 2), uscc("310115", 3)
    for ent, city, day in [
        (u1, A, "2019-02-02"),
        (u1, A, "2019-03-03"),
        (u2, B, "2019-06-30"),
        (u1, A, "2018-05-05"),
    ]:
        post(
            admin,
            f"{p}/cooperation-intentions",
            {
                "event_id": event,
                "enterprise_name": "外省企业",
                "enterprise_uscc": ent,
                "city": city,
                "signed_on": day,
            },
        )
    x = post(
        admin,
        f"{p}/cooperation-intentions",
        {
            "enterprise_name": "撤回企业",
            "enterprise_uscc": u3,
            "city": A,
            "signed_on": "2019-04-04",
        },
    )
    post(admin, f"{p}/cooperation-intentions/{x['id']}/withdraw")

    # Contracts (outflow = seller in the region, absorbed = buyer in the region):
    #   K1 seller A → Shenzhen: outflow A, 10M / tech 8M
    #   K2 seller A → buyer B (both in the region, 06-30): outflow A, absorbed B, 5M / 4M
    #   K3 Beijing → buyer B: absorbed B
    #   K4 seller A → buyer A (same city): outflow A and absorbed A, 1M / 0.5M
    #   K5 revoked and K6 on 07-01 don't count. Previous: K7 seller B → Shanghai, 2M / 1M.
    def contract(
        no: str,
        seller: str,
        buyer: str,
        amount: str,
        tech: str,
        day: str,
        client: httpx.Client = admin,
    ) -> str:
        body = {
            "registration_no": no, "type": "development_commissioned",
            "seller_name": "卖方", "seller_region": seller,
            "buyer_name": "买方", "buyer_region": buyer,
            "contract_amount": amount, "tech_transaction_amount": tech,
            "signed_on": day, "registered_on": day, "city": city_of(seller, buyer),
        }  # fmt: skip
        return str(post(client, f"{p}/tech-contracts", body)["id"])

    contract("E2E19K1", "450102", "440305", "10000000.00", "8000000.00", "2019-03-03", bureau_a)
    contract("E2E19K2", "450100", "450200", "5000000.00", "4000000.00", "2019-06-30")
    contract("E2E19K3", "110108", "450203", "3000000.00", "3000000.00", "2019-04-04")
    contract("E2E19K4", "450103", "450102", "1000000.00", "500000.00", "2019-05-05")
    k5 = contract("E2E19K5", "450102", "440305", "99000000.00", "99000000.00", "2019-05-06")
    post(admin, f"{p}/tech-contracts/{k5}/revoke", {"revoked_on": "2019-08-01"})
    contract("E2E19K6", "450202", "440305", "1000000.00", "1000000.00", "2019-07-01")
    contract("E2E18K7", "450200", "310115", "2000000.00", "1000000.00", "2018-06-30")

    # Achievements: A 01-01, B 06-30 count; a revoked A doesn't. Previous: A and B.
    for no, city, day in [
        ("E2E-A1", A, "2019-01-01"),
        ("E2E-A2", B, "2019-06-30"),
        ("E2E-A3", A, "2018-03-03"),
        ("E2E-A4", B, "2018-04-04"),
    ]:
        post(
            admin,
            f"{p}/achievements",
            {
                "registration_no": no,
                "title": "成果",
                "category": "applied",
                "organisation_name": "某单位",
                "city": city,
                "registered_on": day,
            },
        )
    r = post(
        admin,
        f"{p}/achievements",
        {
            "registration_no": "E2E-A5",
            "title": "撤销",
            "category": "applied",
            "organisation_name": "某单位",
            "city": A,
            "registered_on": "2019-02-02",
        },
    )
    post(admin, f"{p}/achievements/{r['id']}/revoke")


def city_of(*regions: str) -> str:
    """The registering city: the first party inside the region."""
    return next(r[:4] + "00" for r in regions if r.startswith("45"))


@pytest.fixture(scope="module")
def keys(stack: Stack) -> dict[str, str]:
    return {
        "admin": api_key(stack, "admin"),
        "a": api_key(stack, "city_bureau", city=A),
    }


@pytest.fixture(scope="module")
def admin(stack: Stack, keys: dict[str, str]) -> Iterator[httpx.Client]:
    with stack.client(keys["admin"]) as client:
        yield client


@pytest.fixture(scope="module")
def loaded(stack: Stack, keys: dict[str, str], admin: httpx.Client) -> Loaded:
    out = Loaded()
    with stack.client(keys["a"]) as bureau_a:
        load_projects(admin, bureau_a, out.ids)
        load_enterprise(stack, admin, bureau_a, out.ids)
        load_talent(admin, bureau_a)
        load_transfer(admin, bureau_a)
    out.report = get(admin, REPORT, period=PERIOD)
    return out


# --------------------------------------------------------------------------- expectations

# code: (value, previous, change_abs, change_pct, by_city). Counts are ints; money is in the
# display unit (万元/亿元, half-up to 2 decimals) as a decimal string; percentages 1 decimal.
N = None
EXPECTED: dict[str, tuple[Any, Any, Any, Any, dict[str, Any] | None]] = {
    # 3 programs cover 2019 (two plans), 2 cover 2018: +1, +50%.
    "projects.action_plan_programs": (3, 2, 1, "50.0", N),
    # tasks completed 03-01 and 06-30 vs one in 2018.
    "projects.action_plan_tasks_completed": (2, 1, 1, "100.0", N),
    # 农业科技 and 生物医药 plans vs 新能源 in 2018.
    "projects.special_plans_completed": (2, 1, 1, "100.0", N),
    # A 01-01, A 06-30, B 03-15 (07-01 and withdrawn out) vs A, B in 2018-H1.
    "projects.challenge_demands_collected": (3, 2, 1, "50.0", {A: 2, B: 1}),
    # listed A 05-01, A 06-30 and the 2018 B demand listed 2019-01-10 vs one in 2018.
    "projects.challenge_demands_listed": (3, 1, 2, "200.0", {A: 2, B: 1}),
    # major A, B (cancelled out) vs one.
    "projects.major_projects_funded": (2, 1, 1, "100.0", {A: 1, B: 1}),
    # key_rd B (A on 07-01 out) vs two: −1, −50%.
    "projects.key_rd_projects_funded": (1, 2, -1, "-50.0", {B: 1}),
    # 30M + 20M + 5M = 0.55 亿 vs 10M + 4M + 6M = 0.20 亿: +0.35, +175%.
    "projects.project_funding": ("0.55", "0.20", "0.35", "175.0", {A: "0.30", B: "0.25"}),
    # 123,456,789 = 1.23 亿 vs 1.00 亿: +0.23 亿 (23,456,789), +23.5%.
    "projects.platform_funding": ("1.23", "1.00", "0.23", "23.5", {A: "1.23"}),
    # national A and B (revoked and regional out) vs one.
    "projects.national_platforms_added": (2, 1, 1, "100.0", {A: 1, B: 1}),
    # the joint lab's plan vs none: no percentage when previous is 0.
    "projects.joint_lab_plans_approved": (1, 0, 1, N, {A: 1}),
    # batch 9: A and B (withdrawn out) vs batch 8: one.
    "projects.key_lab_applications": (2, 1, 1, "100.0", {A: 1, B: 1}),
    # A 06-30, B 01-01 (07-01 and cancelled out) vs one.
    "enterprise.training_sessions": (2, 1, 1, "100.0", {A: 1, B: 1}),
    # (2019,1), (2019,2) — the revoked (2019,3) is out — vs (2018,1).
    "enterprise.tech_sme_batches": (2, 1, 1, "100.0", N),
    # E1, E2, E3 (E3 counts in A, its registry city) vs E1.
    "enterprise.tech_sme_registered": (3, 1, 2, "200.0", {A: 2, B: 1}),
    # E1 (twice, once), E2 (withdrawn E4 out) vs E3.
    "enterprise.hte_pool_entered": (2, 1, 1, "100.0", {A: 1, B: 1}),
    # 150,000 + 50,000 = 20.00 万 (cancelled, revoked certificate out) vs 10.00 万.
    "enterprise.hte_recognition_award": ("20.00", "10.00", "10.00", "100.0", {A: "20.00"}),
    # A, B, D (terminated still signed; cancelled C out) vs E.
    "enterprise.partner_banks_signed": (3, 1, 2, "200.0", N),
    # E1 (twice), E2 (E3 cancelled, E5 07-01 out) vs E2.
    "enterprise.voucher_enterprises": (2, 1, 1, "100.0", {A: 1, B: 1}),
    # 100,000 + 50,000 + 80,000 = 23.00 万 vs 4.00 万: +19.00, +475%.
    "enterprise.voucher_amount": ("23.00", "4.00", "19.00", "475.0", {A: "15.00", B: "8.00"}),
    # 10M (E4, B) + 5M (E1, A, repaid) + 2M (EX, no city) = 0.17 亿 vs 0.04 亿: +325%.
    "enterprise.loan_amount": ("0.17", "0.04", "0.13", "325.0", {A: "0.05", B: "0.10"}),
    # 2 of 3 listed at 06-30 got a loan (E4, E1; E3 didn't) = 66.7% vs 1 of 2 = 50.0%:
    # +16.7 percentage points: change_abs in the rate's unit equals change_pp (rule 1).
    "enterprise.loan_listed_rate": ("66.7", "50.0", "16.7", N, {A: "50.0", B: "100.0"}),
    # E1 (two applications), E2 (rejected still counts) vs E3.
    "enterprise.rd_subsidy_applicants": (2, 1, 1, "100.0", {A: 1, B: 1}),
    # 1.5M (A: 0.015 → 0.02) + 2.5M (B: 0.025 → 0.03) = 0.04 亿 vs 0.02 亿.
    "enterprise.rd_subsidy_amount": ("0.04", "0.02", "0.02", "100.0", {A: "0.02", B: "0.03"}),
    # Z1, Z2 active at 2019-06-30 vs Z1, Z3 at 2018-06-30: no change.
    "enterprise.hitech_zones": (2, 2, 0, "0.0", N),
    # 32.00 亿 vs 23.4567890123 亿: +8.54 亿, +36.4% (exact values, then rounded).
    "enterprise.hitech_zone_output": (
        "32.00",
        "23.46",
        "8.54",
        "36.4",
        {A: "25.00", B: "5.00", C: "2.00"},
    ),
    # 300,000 (A) + 200,000 (C) = 50.00 万 vs 25.00 万 (revoked and 07-01 out).
    "talent.academician_team_allowance": (
        "50.00",
        "25.00",
        "25.00",
        "100.0",
        {A: "30.00", C: "20.00"},
    ),
    # 1,234,567.89 = 123.46 万 vs nothing: no percentage.
    "talent.academician_research_funding": ("123.46", "0.00", "123.46", N, {A: "123.46"}),
    # P1 (A), P4 (C, elected later) — P2 withdrawn — vs P3.
    "talent.academician_valid_candidates": (2, 1, 1, "100.0", {A: 1, C: 1}),
    # P1, P2 (07-01 and revoked out) vs P2.
    "talent.young_phd_funded": (2, 1, 1, "100.0", {A: 1, B: 1}),
    # P1, P2 (not selected still nominated; withdrawn out) vs none.
    "talent.national_talent_nominations": (2, 0, 2, N, {A: 1, B: 1}),
    # P1, P2 (revoked P3 out) vs P4.
    "talent.experts_added": (2, 1, 1, "100.0", {A: 1, B: 1}),
    # P1 (cancelled P2 out) vs P3, P4: −1, −50%.
    "talent.asean_young_scientists": (1, 2, -1, "-50.0", {A: 1}),
    # P2 (completed later) vs none.
    "talent.hmt_talents": (1, 0, 1, N, {B: 1}),
    # K1 (A and B), K2 (B): 2 in total, A 1, B 2 (rule 3) vs K1.
    "talent.commissioners_dispatched": (2, 1, 1, "100.0", {A: 1, B: 2}),
    # 3 + 2 (A) + 5 (B) days vs 4 + 1.
    "talent.commissioner_service_days": (10, 5, 5, "100.0", {A: 5, B: 5}),
    # 450102001, 450102002, 450202001 vs 450102001.
    "talent.commissioner_villages_served": (3, 1, 2, "200.0", {A: 2, B: 1}),
    # A, B (cancelled out) vs A.
    "transfer.ownership_reform_pilots": (2, 1, 1, "100.0", {A: 1, B: 1}),
    "transfer.evaluation_pilot_institutions": (1, 0, 1, N, {A: 1}),
    "transfer.pilot_bases": (1, 0, 1, N, {B: 1}),
    # I1, I2 (I3's withdrawn out) vs I1.
    "transfer.institutions_reporting": (2, 1, 1, "100.0", {A: 1, B: 1}),
    "transfer.institution_transfers": (3, 1, 2, "200.0", {A: 2, B: 1}),
    # 1,750,000.50 = 175.00 万 vs 70.00 万: +105.00, +150.0%.
    "transfer.institution_transfer_revenue": (
        "175.00",
        "70.00",
        "105.00",
        "150.0",
        {A: "150.00", B: "25.00"},
    ),
    # U1 (twice), U2 (withdrawn U3 out) vs U1.
    "transfer.recruitment_intentions": (2, 1, 1, "100.0", {A: 1, B: 1}),
    # K1, K2, K4 sold from A vs K7.
    "transfer.contracts_outflow": (3, 1, 2, "200.0", {A: 3}),
    # K2 (B), K3 (B), K4 (A) bought in the region vs none.
    "transfer.contracts_absorbed": (3, 0, 3, N, {A: 1, B: 2}),
    # 3 + 3 = 6 (K4 counts twice in A) vs 1: 比去年同期增加5项.
    "transfer.contracts_total": (6, 1, 5, "500.0", {A: 4, B: 2}),
    # 16M = 0.16 亿 vs 0.02 亿.
    "transfer.contract_value": ("0.16", "0.02", "0.14", "700.0", {A: "0.16"}),
    # 12.5M = 0.125 → 0.13 亿 vs 0.01 亿; +11.5M = 0.115 → 0.12 亿, +1150%.
    "transfer.tech_transaction_value": ("0.13", "0.01", "0.12", "1150.0", {A: "0.13"}),
    # A, B (revoked out) vs A, B: unchanged.
    "transfer.achievements_registered": (2, 2, 0, "0.0", {A: 1, B: 1}),
}

# How each figure aggregates its provenance listing.
DISTINCT = {
    "enterprise.tech_sme_batches": "batch_key",
    "enterprise.tech_sme_registered": "enterprise_uscc",
    "enterprise.hte_pool_entered": "enterprise_uscc",
    "enterprise.voucher_enterprises": "enterprise_uscc",
    "enterprise.rd_subsidy_applicants": "enterprise_uscc",
    "talent.commissioners_dispatched": "commissioner_id",
    "talent.commissioner_villages_served": "village_code",
    "transfer.institutions_reporting": "institution_id",
    "transfer.recruitment_intentions": "enterprise_uscc",
}
SUM = {
    "projects.project_funding": "funding_amount",
    "projects.platform_funding": "funding_amount",
    "enterprise.hte_recognition_award": "amount",
    "enterprise.voucher_amount": "face_amount",
    "enterprise.loan_amount": "amount",
    "enterprise.rd_subsidy_amount": "requested_amount",
    "enterprise.hitech_zone_output": "gross_output",
    "talent.academician_team_allowance": "amount",
    "talent.academician_research_funding": "amount",
    "talent.commissioner_service_days": "days",
    "transfer.institution_transfer_revenue": "revenue",
    "transfer.contract_value": "contract_amount",
    "transfer.tech_transaction_value": "tech_transaction_amount",
}
DIVISOR = {"万元": Decimal(10**4), "亿元": Decimal(10**8)}


LABELS = {i.code: i.label for i in CATALOGUE}


def _num(value: Any, scale: int = 1) -> Decimal | None:
    """A figure as an exact number, ``scale`` = 100 for a percentage stored as a fraction."""
    return None if value is None else Decimal(str(value)) / scale


def rows(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in report["indicators"]}


def aggregate(code: str, records: list[dict[str, Any]]) -> Any:
    """Count, count distinct or sum a provenance listing the way the figure does."""
    if code == "enterprise.loan_listed_rate":
        listed = {r["enterprise_uscc"] for r in records}
        with_loan = {r["enterprise_uscc"] for r in records if r["has_loan"]}
        return (len(with_loan), len(listed))
    if code in DISTINCT:
        return len({r[DISTINCT[code]] for r in records})
    if code in SUM:
        return sum((Decimal(str(r[SUM[code]])) for r in records), Decimal(0))
    return len(records)


def display(row: dict[str, Any], raw: Any) -> Any:
    if row["unit"] in DIVISOR:
        return str((Decimal(raw) / DIVISOR[row["unit"]]).quantize(Decimal("0.01"), ROUND_HALF_UP))
    return raw


# --------------------------------------------------------------------------- tests


class TestFullReport:
    def test_report_covers_the_period_and_every_catalogue_code(self, loaded: Loaded) -> None:
        report = loaded.report
        assert (report["period"], report["from"], report["to"]) == (
            PERIOD,
            "2019-01-01",
            "2019-06-30",
        )
        assert (report["previous_from"], report["previous_to"]) == ("2018-01-01", "2018-06-30")
        assert report["title"] == "2019年上半年重点工作情况"
        assert report["partial"] is False
        assert report["missing"] == []
        # Every code of indicators.md, once each (the catalogue has 50).
        assert len(report["indicators"]) == len(EXPECTED) == 50
        assert set(rows(report)) == set(EXPECTED)

    @pytest.mark.parametrize("code", list(EXPECTED))
    def test_figure_and_comparison(self, loaded: Loaded, code: str) -> None:
        row = rows(loaded.report)[code]
        value, previous, change_abs, change_pct, by_city = EXPECTED[code]
        got = (row["value"], row["previous"], row["change_abs"], row["change_pct"], row["by_city"])
        assert got == (value, previous, change_abs, change_pct, by_city)
        if code == "enterprise.loan_listed_rate":
            # A rate compares in percentage points, from exact values: 66.666… − 50 = 16.7.
            assert row["change_pp"] == "16.7"
            assert (row["numerator"], row["denominator"]) == (2, 3)
        else:
            assert row["change_pp"] is None
        assert row["region_only"] is (by_city is None)
        # Only EX's loan (2M, borrower in no registry) lies outside every city column.
        assert row["unattributed"] == ("0.02" if code == "enterprise.loan_amount" else None)
        assert row["service"] == code.split(".")[0]
        assert row["definition"]

    def test_named_lists_come_from_the_records(self, loaded: Loaded) -> None:
        r = rows(loaded.report)
        assert set(r["projects.action_plan_programs"]["items"]) == {
            "科技创新能力提升工程",
            "产业链创新链融合工程",
            "科技惠民工程",
        }
        assert set(r["projects.special_plans_completed"]["items"]) == {
            "现代特色农业科技",
            "生物医药创制",
        }
        assert set(r["projects.national_platforms_added"]["items"]) == {
            "广西某国家重点实验室",
            "国家某工程技术研究中心",
        }
        assert r["projects.key_lab_applications"]["items"] == ["第9批"]
        assert set(r["enterprise.partner_banks_signed"]["items"]) == {
            "桂北银行",
            "南疆银行",
            "已终止银行",
        }

    def test_city_bureau_gets_its_city_column_and_null_region_figures(
        self, stack: Stack, keys: dict[str, str], loaded: Loaded
    ) -> None:
        with stack.client(keys["a"]) as bureau:
            report = get(bureau, REPORT, period=PERIOD)
        assert report["city"] == A
        for code, row in rows(report).items():
            by_city = EXPECTED[code][4]
            if by_city is None:
                # Region-only figures are null under a city scope, not zero.
                assert row["value"] is None, code
                continue
            zero = "0.00" if row["unit"] in DIVISOR else 0
            assert row["value"] == by_city.get(A, zero), code
            assert set(row["by_city"] or {}) <= {A}, code

    def test_provenance_links_give_every_figure_and_city_cell(
        self, loaded: Loaded, admin: httpx.Client
    ) -> None:
        for code, row in rows(loaded.report).items():
            assert row["records"].startswith(
                f"/api/{code.split('.')[0]}/v1/indicators/{code}/records?"
            )
            records = list_all(admin, row["records"])
            got = aggregate(code, records)
            if code == "enterprise.loan_listed_rate":
                assert got == (row["numerator"], row["denominator"]), code
            else:
                assert got == (Decimal(row["raw_value"]) if code in SUM else row["raw_value"]), code
            for city, link in (row["by_city_records"] or {}).items():
                cell = list_all(admin, link)
                assert all(rec["city"] == city for rec in cell), (code, city)
                if code == "enterprise.loan_listed_rate":
                    n, d = aggregate(code, cell)
                    want = (Decimal(100 * n) / d).quantize(Decimal("0.1"), ROUND_HALF_UP)
                    assert str(want) == row["by_city"][city], (code, city)
                else:
                    assert display(row, aggregate(code, cell)) == row["by_city"][city], (code, city)

    def test_markdown_holds_each_figure_in_the_seed_sentence(
        self, admin: httpx.Client, loaded: Loaded
    ) -> None:
        r = call(admin, "GET", f"{REPORT}/markdown", params={"period": PERIOD}, expect=200)
        assert r.headers["content-type"].startswith("text/markdown")
        md = r.text
        assert md.startswith("# 2019年上半年重点工作情况\n")
        missing = [s for s in SENTENCES if s not in md]
        assert not missing, missing

    def test_docx_holds_the_sentences_and_the_figures(
        self, admin: httpx.Client, loaded: Loaded
    ) -> None:
        r = call(admin, "GET", f"{REPORT}/docx", params={"period": PERIOD}, expect=200)
        document = docx.Document(io.BytesIO(r.content))
        text = "\n".join(p.text for p in document.paragraphs)
        assert document.paragraphs[0].text == "2019年上半年重点工作情况"
        assert not [s for s in SENTENCES if s not in text]
        table = document.tables[0]
        # The appendix table: 序号, 指标, 单位, 本期, 去年同期, 同比 (section rows between).
        cells = {
            row.cells[1].text: [c.text for c in row.cells]
            for row in table.rows[1:]
            if row.cells[0].text.isdigit()
        }
        assert set(cells) == {LABELS[code] for code in EXPECTED}
        for code, (value, previous, *_rest) in EXPECTED.items():
            assert cells[LABELS[code]][3:5] == [str(value), str(previous)], code

    def test_xlsx_holds_the_figures_and_the_city_sheet(
        self, admin: httpx.Client, loaded: Loaded
    ) -> None:
        r = call(admin, "GET", f"{REPORT}/xlsx", params={"period": PERIOD}, expect=200)
        wb = openpyxl.load_workbook(io.BytesIO(r.content))
        # Figures are numbers; rates and 同比 percentages are stored as fractions.
        sheet = {row[-1]: row for row in wb["指标"].iter_rows(min_row=2, values_only=True)}
        assert set(sheet) == set(EXPECTED)
        for code, (value, previous, change_abs, change_pct, _) in EXPECTED.items():
            scale = 100 if code == "enterprise.loan_listed_rate" else 1
            got = [_num(v) for v in sheet[code][4:8]]
            want = [
                _num(value, scale),
                _num(previous, scale),
                _num(change_abs),
                _num(change_pct, 100),
            ]
            assert got == want, code
        assert _num(sheet["enterprise.loan_listed_rate"][8]) == Decimal("16.7")
        per_city = list(wb["分市"].iter_rows(values_only=True))
        names = {name: code for code, name in GUANGXI_CITIES.items()}
        columns = [names.get(str(h), str(h)) for h in per_city[0][2:]]
        by_label = {row[0]: row for row in per_city[1:]}
        for code, (value, _p, _a, _c, by_city) in EXPECTED.items():
            cells = dict(zip(columns, by_label[LABELS[code]][2:], strict=True))
            scale = 100 if code == "enterprise.loan_listed_rate" else 1
            assert _num(cells.pop("全区")) == _num(value, scale), code
            # EX's loan is in the registry nowhere: region total only, shown apart.
            unattributed = "0.02" if code == "enterprise.loan_amount" else None
            assert _num(cells.pop("未归属地市")) == _num(unattributed), code
            present = {c: _num(v) for c, v in cells.items() if v is not None}
            assert present == {c: _num(v, scale) for c, v in (by_city or {}).items()}, code

    def test_published_snapshot_is_frozen_and_the_diff_shows_the_update(
        self, stack: Stack, admin: httpx.Client, loaded: Loaded
    ) -> None:
        # Runs last in this module: it changes a record.
        require_pdf_tools()  # publishing renders the PDF
        body = {"period": PERIOD, "approval_override": "测试：未经审核发布"}
        published = post(admin, "/api/reporting/v1/reports/published", body)
        rid = published["id"]
        assert published["published_role"] == "admin"
        assert len(published["content_hash"]) == 64
        before = get(admin, f"/api/reporting/v1/reports/published/{rid}")
        md_before = call(
            admin, "GET", f"/api/reporting/v1/reports/published/{rid}/files/markdown", expect=200
        )
        assert "累计资助2个科技重大项目" in md_before.text

        # The B major project (20M) is cancelled: 2 → 1 projects, 0.55 → 0.35 亿.
        patch(
            admin,
            f"/api/projects/v1/funded-projects/{loaded.ids['E2E-M2']}",
            {"status": "cancelled"},
        )
        live = rows(get(admin, REPORT, period=PERIOD))
        assert live["projects.major_projects_funded"]["value"] == 1
        assert live["projects.project_funding"]["value"] == "0.35"

        after = get(admin, f"/api/reporting/v1/reports/published/{rid}")
        assert after == before
        md_after = call(
            admin, "GET", f"/api/reporting/v1/reports/published/{rid}/files/markdown", expect=200
        )
        assert md_after.content == md_before.content
        assert md_after.headers["x-content-sha256"] == md_before.headers["x-content-sha256"]

        diff = get(admin, f"/api/reporting/v1/reports/published/{rid}/diff")
        assert diff["content_hash"] == published["content_hash"]
        moved = {c["code"]: (c["published"], c["live"]) for c in diff["changed"]}
        assert moved == {
            "projects.major_projects_funded": (2, 1),
            "projects.project_funding": ("0.55", "0.35"),
        }
        assert diff["unchanged"] == len(EXPECTED) - 2


# The seed's sentences with every figure filled in (and the 同比 phrase where one exists),
# in official style: 两批 and 第九批 in words, ； after a 同比 clause, no clause said twice.
SENTENCES = [
    "三大工程，明确未来三年内科技工作重点和目标。2019年上半年完成重点任务2项，同比增长100.0%。",
    "等2个领域的科技重大专项实施方案编写。",
    "面向全区征集到3项揭榜制科技项目需求，同比增长50.0%，论证遴选出3项进入张榜榜单，同比增长200.0%。",
    "2019年上半年累计资助2个科技重大项目、1个广西重点研发计划项目，资助经费0.55亿元，同比增长175.0%。",
    "组织开展2期业务辅导班，同比增长100.0%，加大对科技型企业培育和指导力度。",
    "2019年上半年，已组织两批共3家企业通过评估进入国家科技型中小企业库，同比增长200.0%，"
    "2家企业进入高新技术企业培育库，同比增长100.0%。",
    "下达认定奖励共计20.00万元，同比增长100.0%。",
    "与3家银行开展战略合作，向2家科技型中小微企业发放创新券23.00万元，同比增长475.0%，"
    "投放科创贷0.17亿元，同比增长325.0%，科创贷名单企业获贷率达66.7%，同比提高16.7个百分点。",
    "2019年上半年共有2家企业申报奖补，同比增长100.0%，金额合计0.04亿元，同比增长100.0%。",
    "下达专项项目经费1.23亿元，同比增长23.5%。",
    "启动第九批自治区重点实验室组建申报工作，受理申报2项，同比增长100.0%。",
    "2019年上半年全区2家高新区共实现园区生产总值32.00亿元，同比增长36.4%。",
    "我区新增2家国家级创新平台（",
    "1家省部共建国家重点实验室建设运行实施方案通过科技部专家组论证。",
    "下达拨付学科团队建设津贴50.00万元，同比增长100.0%；自主选题科研项目年度资助经费123.46万元。"
    "2位广西院士后备人选成为中国工程院院士增选有效候选人。",
    "立项资助高水平大学博士毕业生2人，同比增长100.0%。",
    "2019年上半年向科技部推荐2名国家“万人计划”人选。",
    "新增入库专家2名，同比增长100.0%，接收东盟杰青人选1名，同比下降50.0%，港澳台英才1名。",
    "2019年上半年共选派2名科技特派员，同比增长100.0%。"
    "科技特派员累计开展下乡服务10天次，同比增长100.0%，累计服务3个村（社区）的种养基地、农户点。",
    "全面启动职务科技成果权属改革试点工作，确定试点单位2家，推动1家科技服务机构开展科技成果评价试点工作。",
    "新建中试基地1家。",
    "全区2家主要高校院所转化成果3项，同比增长200.0%，转化收入175.00万元，同比增长150.0%。",
    "有2家企业与高校达成初步合作意向。",
    "2019年上半年，广西技术输出和吸纳交易合同数合计达到6项，比去年同期增加5项，"
    "完成技术合同成交额0.16亿元，同比增长700.0%，技术交易额0.13亿元，同比增长1150.0%。",
    "全区各市、各单位推荐登记科技成果2项，与去年同期持平。",
]
