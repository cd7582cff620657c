"""Request bodies with valid defaults, shared by the projects tests."""

from __future__ import annotations

from typing import Any

NANNING, LIUZHOU, GUILIN = "450100", "450200", "450300"
USCC_NANNING = "914501005794165304"
USCC_LIUZHOU = "91450200MAA7L76A5R"


def demand(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "高端轴承材料",
        "organisation_name": "南宁某企业",
        "organisation_uscc": USCC_NANNING,
        "city": NANNING,
        "field": "新材料",
        "goal": "国产替代",
        "budget": "1500000.50",
        "submitted_on": "2023-03-01",
    }
    body.update(over)
    return body


LISTING = {
    "reward_amount": "3000000.00",
    "deadline": "2023-12-31",
    "eligibility": "区内外高校、院所、企业均可揭榜",
}
CLAIM = {"solver_name": "柳州某研究院", "solver_uscc": USCC_LIUZHOU}


def stage(to: str, on: str = "2023-04-01", **over: Any) -> dict[str, Any]:
    """A transition body carrying exactly the fields its stage needs."""
    body: dict[str, Any] = {"to": to, "on": on}
    if to == "listed":
        body.update(LISTING)
    elif to == "claimed":
        body.update(CLAIM)
    elif to in ("rejected", "terminated", "withdrawn"):
        body["reason"] = "测试原因"
    body.update(over)
    return body


def project(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "project_code": "GK-2023-001",
        "name": "高性能铝合金关键技术",
        "category": "major_special",
        "field": "高端金属及新型功能材料",
        "lead_organisation_name": "南宁某企业",
        "lead_organisation_uscc": USCC_NANNING,
        "city": NANNING,
        "approved_on": "2023-03-15",
        "funding_amount": "5000000.00",
    }
    body.update(over)
    return body


def platform(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "广西某国家重点实验室",
        "level": "national",
        "kind": "state_key_lab",
        "host_organisation_name": "广西大学",
        "city": NANNING,
        "approved_on": "2023-05-10",
    }
    body.update(over)
    return body
