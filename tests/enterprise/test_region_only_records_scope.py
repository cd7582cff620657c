"""A city bureau's provenance listing of a region-only figure holds no other city's records.

Region-only figures (tech-SME batches, active zones) are null under a city scope; their
listings used to ignore the scope and showed a bureau every city's registrations and zones.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")

NANNING, LIUZHOU = "450100", "450200"
LZ = "91450200MAA7L76A5R"
H1 = {"from": "2023-01-01", "to": "2023-06-30"}


async def test_region_only_listings_are_empty_for_a_city_bureau(svc: Any, register: Any) -> None:
    admin = svc.as_("admin")
    await register(LZ, LIUZHOU)
    r = await admin.post(
        "/v1/tech-sme-registrations",
        json={
            "enterprise_uscc": LZ,
            "year": 2023,
            "batch": 1,
            "registration_no": "2023450200A0000001",
            "registered_on": "2023-03-01",
        },
    )
    assert r.status_code == 201, r.text
    r = await admin.post(
        "/v1/hitech-zones",
        json={
            "name": "柳州高新区",
            "city": LIUZHOU,
            "level": "national",
            "established_on": "2020-01-01",
        },
    )
    assert r.status_code == 201, r.text
    nanning = svc.as_("city_bureau", city=NANNING)
    for code in ("enterprise.tech_sme_batches", "enterprise.hitech_zones"):
        # The department still sees what stands behind the region figure …
        r = await admin.get(f"/v1/indicators/{code}/records", params=H1)
        assert r.status_code == 200, r.text
        assert len(r.json()["items"]) == 1, code
        # … a city bureau (scoped to its city, where the figure is null) sees nothing.
        r = await nanning.get(f"/v1/indicators/{code}/records", params=H1)
        assert r.status_code == 200, r.text
        assert r.json()["items"] == [], code
