"""Every service refuses a city bureau's write for another city with the same problem.

Before ``shared_kit.scope`` each service had its own ``CityNotAllowed``; now one
class answers everywhere, with the stable code clients already rely on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from enterprise_service.main import create_app as enterprise_app
from projects_service.main import create_app as projects_app
from shared_kit import scope
from talent_service.main import create_app as talent_app
from transfer_service.main import create_app as transfer_app

pytestmark = pytest.mark.asyncio(loop_scope="session")
NANNING, LIUZHOU = "450100", "450200"
PII_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

WRITES: dict[str, tuple[Callable[..., Any], dict[str, Any], str, dict[str, Any]]] = {
    "projects": (
        projects_app,
        {},
        "/v1/challenge-demands",
        {
            "title": "高端轴承材料",
            "organisation_name": "柳州某企业",
            "organisation_uscc": "91450200MAA7L76A5R",
            "city": LIUZHOU,
            "field": "新材料",
            "goal": "国产替代",
            "budget": "1500000.50",
            "submitted_on": "2023-03-01",
        },
    ),
    "enterprise": (
        enterprise_app,
        {},
        "/v1/enterprises",
        {"uscc": "91450200MAA7L76A5R", "name": "柳州某公司", "city": LIUZHOU, "industry": "汽车"},
    ),
    "talent": (
        talent_app,
        {"pii_key": PII_KEY},
        "/v1/people",
        {"name": "李研究", "organisation": "广西科技大学", "city": LIUZHOU, "field": "机械"},
    ),
    "transfer": (
        transfer_app,
        {},
        "/v1/institutions",
        {"name": "柳州某院所", "kind": "university", "city": LIUZHOU},
    ),
}


@pytest.mark.parametrize("service", list(WRITES))
async def test_a_write_for_another_city_is_the_one_city_not_allowed_problem(
    service_client_factory: Any, service: str
) -> None:
    create_app, settings, path, body = WRITES[service]
    svc = await service_client_factory(service, create_app, **settings)
    r = await svc.as_("city_bureau", city=NANNING).post(path, json=body)
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["code"] == "city_not_allowed"
    assert problem["title"] == scope.CityNotAllowed.title == "市级科技局只能写入本市的记录"
    assert "南宁市（450100）" in problem["detail"]
    assert "柳州市（450200）" in problem["detail"]
    # The same body is fine for the city's own bureau: the refusal is the scope, not the body.
    assert (await svc.as_("city_bureau", city=LIUZHOU).post(path, json=body)).status_code == 201


async def test_figures_of_another_city_are_refused_with_the_code_they_always_had(
    service_client_factory: Any,
) -> None:
    svc = await service_client_factory("projects", projects_app)
    bureau = svc.as_("city_bureau", city=NANNING)
    span = {"from": "2023-01-01", "to": "2023-12-31"}
    r = await bureau.get("/v1/indicators", params=span | {"city": LIUZHOU})
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    r = await bureau.get("/v1/indicators", params=span)
    assert r.status_code == 200
    assert r.json()["city"] == NANNING
