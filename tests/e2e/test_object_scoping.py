"""Issue 7 acceptance, object level: another city's (or bank's) records are invisible.

For every city-scoped resource of every service, one record is made in each of two
cities (北海 X and 防城港 Y, which no other end-to-end test uses; records dated 2017
and zones/listings from 2020, outside every other test's periods). A city bureau
reads its own city's record, gets 404 for the other's, and never finds the other's
in a list — not even when it asks for the other city by name. The same holds for the
provenance listings of the indicators, and for two partner banks' loans and batches.

Deliberately region-wide (and so not here): the action plan, special fields, key-lab
batches, the public 榜单 (challenge-list), partner banks, voucher providers and the
commissioner directory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from examples.bank_client import BankClient
from tests.e2e.conftest import Stack
from tests.e2e.gw import api_key, bank_client, call, get, list_all, post, push_loans, uscc

X, Y = "450500", "450600"
COUNTY = {X: "450502", Y: "450602"}
SERIAL = {X: 170500, Y: 170600}
DAY = "2017-05-05"


@dataclass
class Made:
    """One record: its id and where to read it (None: the resource has no GET by id)."""

    id: str
    get: str | None
    extra: tuple[str, ...] = ()  # sub-resources of the record, also 404 for another city


@dataclass(frozen=True)
class Resource:
    name: str
    list_path: str
    create: Callable[[httpx.Client, str, dict[str, Any]], Made]
    id_field: str = "id"


def _p(c: httpx.Client, path: str, body: dict[str, Any]) -> str:
    return str(post(c, path, body)["id"])


# Each create(admin, city, parents) makes one record of the resource in ``city``; parents
# holds that city's enterprise, person, etc. made once beforehand.
PJ, EN, TA, TR = "/api/projects/v1", "/api/enterprise/v1", "/api/talent/v1", "/api/transfer/v1"


def demand(c: httpx.Client, city: str, _: dict[str, Any]) -> Made:
    i = _p(c, f"{PJ}/challenge-demands", {
        "title": "需求", "organisation_name": "某企业", "organisation_uscc": uscc(city, 1),
        "city": city, "field": "新材料", "budget": "1.00", "submitted_on": DAY,
    })  # fmt: skip
    return Made(i, f"{PJ}/challenge-demands/{i}", (f"{PJ}/challenge-demands/{i}/history",))


def funded_project(c: httpx.Client, city: str, _: dict[str, Any]) -> Made:
    i = _p(c, f"{PJ}/funded-projects", {
        "project_code": f"SCOPE-{city}", "name": "项目", "category": "key_rd", "field": "农业",
        "lead_organisation_name": "某单位", "lead_organisation_uscc": uscc(city, 2),
        "city": city, "approved_on": DAY, "funding_amount": "100.00",
    })  # fmt: skip
    return Made(i, f"{PJ}/funded-projects/{i}")


def platform(c: httpx.Client, city: str, _: dict[str, Any]) -> Made:
    i = _p(c, f"{PJ}/platforms", {
        "name": f"平台{city}", "level": "regional", "kind": "other",
        "host_organisation_name": "某大学", "city": city, "approved_on": DAY,
    })  # fmt: skip
    return Made(i, f"{PJ}/platforms/{i}")


def key_lab_application(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{PJ}/key-lab-applications", {
        "batch_id": parents["batch"], "lab_name": f"实验室{city}", "organisation_name": "某大学",
        "city": city, "submitted_on": DAY,
    })  # fmt: skip
    return Made(i, None)


def enterprise(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    u = parents["uscc"]
    return Made(u, f"{EN}/enterprises/{u}", (f"{EN}/enterprises/{u}/history",))


def tech_sme(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{EN}/tech-sme-registrations", {
        "enterprise_uscc": parents["uscc"], "year": 2017, "batch": 1,
        "registration_no": f"2017{city}00000001", "registered_on": DAY,
    })  # fmt: skip
    return Made(i, f"{EN}/tech-sme-registrations/{i}")


def pool_entry(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{EN}/hte-pool-entries", {"enterprise_uscc": parents["uscc"], "entered_on": DAY})
    return Made(i, f"{EN}/hte-pool-entries/{i}")


def recognition(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = parents["recognition"]
    return Made(i, f"{EN}/hte-recognitions/{i}")


def award(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{EN}/hte-recognitions/{parents['recognition']}/awards", {
        "amount": "1000.00", "awarded_on": DAY,
    })  # fmt: skip
    return Made(i, f"{EN}/hte-recognition-awards/{i}")


def training(c: httpx.Client, city: str, _: dict[str, Any]) -> Made:
    i = _p(c, f"{EN}/training-sessions", {
        "city": city, "topic": "辅导", "held_on": DAY, "attendees": 1,
    })  # fmt: skip
    return Made(i, f"{EN}/training-sessions/{i}")


def voucher(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{EN}/vouchers", {"enterprise_uscc": parents["uscc"], "applied_on": DAY})
    return Made(i, f"{EN}/vouchers/{i}")


def kcd_listing(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{EN}/kcd-listings", {"enterprise_uscc": parents["uscc"], "listed_on": "2020-03-01"})
    return Made(i, f"{EN}/kcd-listings/{i}")


def loan(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = parents["loan"]
    return Made(i, f"{EN}/loans/{i}", (f"{EN}/loans/{i}/history",))


def rd_application(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{EN}/rd-subsidy-applications", {
        "enterprise_uscc": parents["uscc"], "year": 2016, "requested_amount": "1000.00",
        "submitted_on": DAY,
    })  # fmt: skip
    return Made(i, f"{EN}/rd-subsidy-applications/{i}")


def zone(c: httpx.Client, city: str, _: dict[str, Any]) -> Made:
    i = _p(c, f"{EN}/hitech-zones", {
        "name": f"范围测试高新区{city}", "city": city, "level": "regional",
        "established_on": "2020-03-01",
    })  # fmt: skip
    r = call(c, "PUT", f"{EN}/hitech-zones/{i}/quarters/2020/2", json={"gross_output": "1.00"})
    assert r.status_code in (200, 201), r.text
    return Made(i, f"{EN}/hitech-zones/{i}", (f"{EN}/hitech-zones/{i}/quarters",))


def person(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = parents["person"]
    return Made(i, f"{TA}/people/{i}")


def candidate(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = parents["candidate"]
    return Made(i, f"{TA}/academician-candidates/{i}")


def grant(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{TA}/academician-grants", {
        "candidate_id": parents["candidate"], "kind": "team_allowance", "amount": "1.00",
        "paid_on": DAY,
    })  # fmt: skip
    return Made(i, f"{TA}/academician-grants/{i}")


def young_phd(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{TA}/young-phd-grants", {
        "person_id": parents["person"], "university": "广西大学", "awarded_on": DAY,
    })  # fmt: skip
    return Made(i, f"{TA}/young-phd-grants/{i}")


def nomination(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{TA}/national-nominations", {
        "person_id": parents["person"], "category": "青年拔尖人才", "nominated_on": DAY,
    })  # fmt: skip
    return Made(i, f"{TA}/national-nominations/{i}")


def international(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{TA}/international-talents", {
        "person_id": parents["person"], "program": "asean_young_scientist", "origin": "泰国",
        "host_organisation": "广西大学", "received_on": DAY,
    })  # fmt: skip
    return Made(i, f"{TA}/international-talents/{i}")


def expert(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{TA}/experts", {
        "person_id": parents["person"], "fields": ["农业"], "added_on": DAY,
    })  # fmt: skip
    return Made(i, f"{TA}/experts/{i}", (f"{TA}/experts/{i}/conflicts",))


def dispatch(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = parents["dispatch"]
    return Made(i, f"{TA}/commissioner-dispatches/{i}")


def service_log(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{TA}/commissioner-service-logs", {
        "dispatch_id": parents["dispatch"], "village_code": COUNTY[city] + "001",
        "served_on": DAY, "days": 1, "content": "指导",
    })  # fmt: skip
    return Made(i, f"{TA}/commissioner-service-logs/{i}")


def achievement(c: httpx.Client, city: str, _: dict[str, Any]) -> Made:
    i = _p(c, f"{TR}/achievements", {
        "registration_no": f"SCOPE-{city}", "title": "成果", "category": "applied",
        "organisation_name": "某单位", "city": city, "registered_on": DAY,
    })  # fmt: skip
    return Made(i, f"{TR}/achievements/{i}")


def contract(c: httpx.Client, city: str, _: dict[str, Any]) -> Made:
    # Seller in the city, buyer outside the region: only this city is a party.
    i = _p(c, f"{TR}/tech-contracts", {
        "registration_no": f"SCOPE{city}", "type": "consulting", "seller_name": "卖方",
        "seller_region": COUNTY[city], "buyer_name": "买方", "buyer_region": "440305",
        "contract_amount": "100.00", "tech_transaction_amount": "50.00",
        "signed_on": DAY, "registered_on": DAY, "city": city,
    })  # fmt: skip
    return Made(i, f"{TR}/tech-contracts/{i}")


def institution(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = parents["institution"]
    return Made(i, f"{TR}/institutions/{i}")


def transfer_record(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{TR}/transfer-records", {
        "institution_id": parents["institution"], "title": "成果", "method": "licence",
        "transferred_on": DAY, "revenue": "10.00",
    })  # fmt: skip
    return Made(i, f"{TR}/transfer-records/{i}")


def pilot(c: httpx.Client, city: str, _: dict[str, Any]) -> Made:
    i = _p(c, f"{TR}/pilots", {
        "kind": "ownership_reform", "organisation_name": f"试点{city}", "city": city,
        "started_on": DAY,
    })  # fmt: skip
    return Made(i, f"{TR}/pilots/{i}")


def pilot_base(c: httpx.Client, city: str, _: dict[str, Any]) -> Made:
    i = _p(c, f"{TR}/pilot-bases", {
        "name": f"中试基地{city}", "operator_name": "某研究院", "city": city, "established_on": DAY,
    })  # fmt: skip
    return Made(i, f"{TR}/pilot-bases/{i}")


def event(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = parents["event"]
    return Made(i, f"{TR}/recruitment-events/{i}")


def intention(c: httpx.Client, city: str, parents: dict[str, Any]) -> Made:
    i = _p(c, f"{TR}/cooperation-intentions", {
        "event_id": parents["event"], "enterprise_name": "外省企业",
        "enterprise_uscc": uscc("440300", SERIAL[city]), "signed_on": DAY,
    })  # fmt: skip
    return Made(i, f"{TR}/cooperation-intentions/{i}")


RESOURCES = [
    Resource("challenge-demands", f"{PJ}/challenge-demands", demand),
    Resource("funded-projects", f"{PJ}/funded-projects", funded_project),
    Resource("platforms", f"{PJ}/platforms", platform),
    Resource("key-lab-applications", f"{PJ}/key-lab-applications", key_lab_application),
    Resource("enterprises", f"{EN}/enterprises", enterprise, id_field="uscc"),
    Resource("tech-sme-registrations", f"{EN}/tech-sme-registrations", tech_sme),
    Resource("hte-pool-entries", f"{EN}/hte-pool-entries", pool_entry),
    Resource("hte-recognitions", f"{EN}/hte-recognitions", recognition),
    Resource("hte-recognition-awards", f"{EN}/hte-recognition-awards", award),
    Resource("training-sessions", f"{EN}/training-sessions", training),
    Resource("vouchers", f"{EN}/vouchers", voucher),
    Resource("kcd-listings", f"{EN}/kcd-listings", kcd_listing),
    Resource("loans", f"{EN}/loans", loan),
    Resource("rd-subsidy-applications", f"{EN}/rd-subsidy-applications", rd_application),
    Resource("hitech-zones", f"{EN}/hitech-zones", zone),
    Resource("people", f"{TA}/people", person),
    Resource("academician-candidates", f"{TA}/academician-candidates", candidate),
    Resource("academician-grants", f"{TA}/academician-grants", grant),
    Resource("young-phd-grants", f"{TA}/young-phd-grants", young_phd),
    Resource("national-nominations", f"{TA}/national-nominations", nomination),
    Resource("international-talents", f"{TA}/international-talents", international),
    Resource("experts", f"{TA}/experts", expert),
    Resource("commissioner-dispatches", f"{TA}/commissioner-dispatches", dispatch),
    Resource("commissioner-service-logs", f"{TA}/commissioner-service-logs", service_log),
    Resource("achievements", f"{TR}/achievements", achievement),
    Resource("tech-contracts", f"{TR}/tech-contracts", contract),
    Resource("institutions", f"{TR}/institutions", institution),
    Resource("transfer-records", f"{TR}/transfer-records", transfer_record),
    Resource("pilots", f"{TR}/pilots", pilot),
    Resource("pilot-bases", f"{TR}/pilot-bases", pilot_base),
    Resource("recruitment-events", f"{TR}/recruitment-events", event),
    Resource("cooperation-intentions", f"{TR}/cooperation-intentions", intention),
]
BANKS = {X: "SCOPEBANKX", Y: "SCOPEBANKY"}


def parents_for(c: httpx.Client, bank: BankClient, city: str, batch: str) -> dict[str, Any]:
    """The records other records of ``city`` hang on (enterprise, person, dispatch, …)."""
    ent = uscc(city, SERIAL[city])
    post(
        c,
        f"{EN}/enterprises",
        {"uscc": ent, "name": f"范围企业{city}", "city": city, "industry": "农业"},
    )
    rec = _p(c, f"{EN}/hte-recognitions", {
        "enterprise_uscc": ent, "certificate_no": f"GR201645{city[2:4]}0001", "kind": "new",
        "issued_on": "2016-12-01",
    })  # fmt: skip
    # Each city's enterprise borrows from its own bank (also used for the bank checks).
    batch_id = push_loans(bank, [{
        "contract_no": f"SCOPE-{city}", "uscc": ent, "enterprise_name": "范围企业",
        "amount": "1000.00", "disbursed_on": DAY, "maturity_on": "2018-05-05",
        "annual_rate": "3.00", "guarantee": "credit", "status": "disbursed",
    }])["batch_id"]  # fmt: skip
    loans = list_all(c, f"{EN}/loans", uscc=ent)
    assert len(loans) == 1
    person_id = _p(c, f"{TA}/people", {
        "name": f"范围{city}", "organisation": "某大学", "city": city, "field": "农业",
    })  # fmt: skip
    commissioner = _p(c, f"{TA}/commissioners", {
        "name": f"范围特派员{city}", "organisation": "某院", "kind": "individual",
        "home_city": city,
    })  # fmt: skip
    return {
        "uscc": ent,
        "recognition": rec,
        "commissioner": commissioner,
        "loan": loans[0]["id"],
        "batch_id": batch_id,
        "batch": batch,
        "person": person_id,
        "candidate": _p(c, f"{TA}/academician-candidates", {
            "person_id": person_id, "discipline": "农学", "selected_year": 2016,
        }),
        "dispatch": _p(c, f"{TA}/commissioner-dispatches", {
            "commissioner_id": commissioner, "year": 2017, "dispatching_unit": "科技厅",
            "city": city, "county": COUNTY[city], "dispatched_on": DAY,
        }),
        "institution": _p(c, f"{TR}/institutions", {
            "name": f"范围大学{city}", "kind": "university", "city": city,
        }),
        "event": _p(c, f"{TR}/recruitment-events", {
            "name": f"范围招商{city}", "city": city, "held_on": DAY,
        }),
    }  # fmt: skip


@dataclass
class World:
    made: dict[tuple[str, str], Made]  # (resource, city) -> record
    parents: dict[str, dict[str, Any]]
    bureaus: dict[str, httpx.Client]
    banks: dict[str, BankClient]


@pytest.fixture(scope="module")
def world(stack: Stack) -> Iterator[World]:
    banks = {city: bank_client(stack, BANKS[city]) for city in (X, Y)}
    with stack.client(api_key(stack, "admin")) as admin:
        batch = _p(admin, f"{PJ}/key-lab-batches", {"number": 901, "opened_on": "2017-01-01"})
        parents = {city: parents_for(admin, banks[city], city, batch) for city in (X, Y)}
        made = {
            (r.name, city): r.create(admin, city, parents[city])
            for r in RESOURCES
            for city in (X, Y)
        }
    bureaus = {city: stack.client(api_key(stack, "city_bureau", city=city)) for city in (X, Y)}
    yield World(made, parents, bureaus, banks)
    for client in bureaus.values():
        client.close()
    for bank in banks.values():
        bank.close()


def ids_in(items: list[dict[str, Any]], field: str) -> set[str]:
    return {str(i[field]) for i in items}


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_city_bureau_sees_only_its_own_city(world: World, resource: Resource) -> None:
    for own, other in ((X, Y), (Y, X)):
        bureau = world.bureaus[own]
        mine, theirs = world.made[(resource.name, own)], world.made[(resource.name, other)]
        if mine.get is not None:
            assert call(bureau, "GET", mine.get).status_code == 200, mine.get
            r = call(bureau, "GET", theirs.get or "")
            assert r.status_code == 404, (theirs.get, r.status_code, r.text)
            assert r.headers["content-type"] == "application/problem+json"
        for own_sub, other_sub in zip(mine.extra, theirs.extra, strict=True):
            assert call(bureau, "GET", own_sub).status_code == 200, own_sub
            assert call(bureau, "GET", other_sub).status_code == 404, other_sub
        listed = ids_in(list_all(bureau, resource.list_path), resource.id_field)
        assert mine.id in listed, resource.list_path
        assert theirs.id not in listed, resource.list_path
        # Asking for the other city by name never reveals it either.
        r = call(bureau, "GET", resource.list_path, params={"city": other})
        if r.status_code == 200:
            assert theirs.id not in ids_in(r.json()["items"], resource.id_field)
        else:
            assert r.status_code in (403, 422), (resource.list_path, r.status_code)


# Made in parents_for (their create above only looks them up); their writes are checked
# in test_city_bureau_cannot_create_parents_in_another_city.
PARENTS = {
    "enterprises", "hte-recognitions", "loans", "people", "academician-candidates",
    "commissioner-dispatches", "institutions", "recruitment-events",
}  # fmt: skip


@pytest.mark.parametrize(
    "resource", [r for r in RESOURCES if r.name not in PARENTS], ids=lambda r: r.name
)
def test_city_bureau_cannot_write_another_city(world: World, resource: Resource) -> None:
    """A bureau creating a record in (or under a record of) another city is refused: 403,
    or 404 when the parent record it names is invisible to it."""
    with pytest.raises(AssertionError, match=r": (403|404) "):
        resource.create(world.bureaus[Y], X, world.parents[X])


def test_city_bureau_cannot_create_parents_in_another_city(world: World) -> None:
    bureau = world.bureaus[Y]
    for path, body in [
        (f"{EN}/enterprises", {"uscc": uscc(X, 1), "name": "越权", "city": X, "industry": "农业"}),
        (f"{TA}/people", {"name": "越权", "organisation": "某大学", "city": X, "field": "农业"}),
        (f"{TR}/institutions", {"name": "越权大学", "kind": "university", "city": X}),
        (f"{TR}/recruitment-events", {"name": "越权招商", "city": X, "held_on": DAY}),
        (f"{TA}/commissioner-dispatches", {
            "commissioner_id": world.parents[Y]["commissioner"],
            "year": 2017, "dispatching_unit": "科技厅", "city": X, "county": COUNTY[X],
            "dispatched_on": DAY,
        }),
    ]:  # fmt: skip
        r = call(bureau, "POST", path, json=body)
        assert r.status_code == 403, (path, r.status_code, r.text)


# Every indicator's provenance listing, read by a city bureau over a range covering every
# scoping record, holds nothing of the other city.
SERVICES = ("projects", "enterprise", "talent", "transfer")


@pytest.mark.parametrize("service", SERVICES)
def test_indicator_records_hold_nothing_of_another_city(world: World, service: str) -> None:
    period = {"from": "2017-01-01", "to": "2020-12-31"}
    for own, other in ((X, Y), (Y, X)):
        bureau = world.bureaus[own]
        theirs = {m.id for (_, city), m in world.made.items() if city == other}
        theirs |= {str(v) for k, v in world.parents[other].items() if k != "batch"}
        figures = get(bureau, f"/api/{service}/v1/indicators", **period)
        assert figures["city"] == own
        for fig in figures["indicators"]:
            assert set(fig["by_city"] or {}) <= {own}, fig["code"]
            records = list_all(
                bureau, f"/api/{service}/v1/indicators/{fig['code']}/records", **period
            )
            for rec in records:
                assert rec["city"] in (own, None), (fig["code"], rec)
                leaked = {str(v) for v in rec.values()} & theirs
                assert not leaked, (fig["code"], rec)


def test_banks_see_only_their_own_batches_and_figures(world: World) -> None:
    """Bank scoping: another bank's batch is 404 and its loans are outside the figures."""
    for own, other in ((X, Y), (Y, X)):
        bank = world.banks[own]
        assert bank.batch(world.parents[own]["batch_id"]).status_code == 200
        r = bank.batch(world.parents[other]["batch_id"])
        assert r.status_code == 404, r.text
        rec = bank.reconciliation(DAY)
        assert rec.status_code == 200, rec.text
        body = rec.json()
        assert (body["bank"], body["count"], body["total_amount"]) == (BANKS[own], 1, "1000.00")


def test_eligible_experts_are_scoped_like_the_expert_list(world: World) -> None:
    for own, other in ((X, Y), (Y, X)):
        listed = ids_in(list_all(world.bureaus[own], f"{TA}/experts/eligible"), "id")
        assert world.made[("experts", own)].id in listed
        assert world.made[("experts", other)].id not in listed


# Changes addressed to another city's record by id: (resource, method, path suffix, body).
RECORD_WRITES: list[tuple[str, str, str, dict[str, Any] | None]] = [
    ("challenge-demands", "POST", "/transitions", {"to": "withdrawn", "on": DAY, "reason": "x"}),
    ("funded-projects", "PATCH", "", {"status": "cancelled"}),
    ("funded-projects", "POST", "/milestones", {"name": "x", "due_on": DAY}),
    ("key-lab-applications", "PATCH", "", {"status": "withdrawn"}),
    ("enterprises", "PATCH", "", {"industry": "越权"}),
    ("tech-sme-registrations", "POST", "/revoke", {"revoked_on": DAY}),
    ("hte-pool-entries", "POST", "/withdraw", {"withdrawn_on": DAY}),
    ("training-sessions", "POST", "/cancel", {"cancelled_on": DAY}),
    ("vouchers", "POST", "/cancel", {"cancelled_on": DAY}),
    ("vouchers", "POST", "/issue", {"face_amount": "1.00", "issued_on": DAY}),
    ("rd-subsidy-applications", "POST", "/withdraw", {"decided_on": DAY}),
    ("hitech-zones", "PUT", "/quarters/2020/3", {"gross_output": "2.00"}),
    ("commissioner-dispatches", "POST", "/cancel", {"cancelled_on": DAY}),
    ("achievements", "POST", "/revoke", None),
    ("tech-contracts", "POST", "/revoke", {"revoked_on": DAY}),
    ("transfer-records", "POST", "/withdraw", None),
    ("pilots", "POST", "/cancel", None),
    ("pilot-bases", "POST", "/cancel", None),
    ("cooperation-intentions", "POST", "/withdraw", None),
]
BASE = {r.name: r.list_path for r in RESOURCES}


@pytest.mark.parametrize(
    ("name", "method", "suffix", "body"),
    RECORD_WRITES,
    ids=[f"{w[0]}{w[2]}" for w in RECORD_WRITES],
)
def test_changing_another_citys_record_is_404(
    world: World, name: str, method: str, suffix: str, body: dict[str, Any] | None
) -> None:
    theirs = world.made[(name, X)]
    path = f"{BASE[name]}/{theirs.id}{suffix}"
    r = call(world.bureaus[Y], method, path, json=body if body is not None else {})
    assert r.status_code == 404, (path, r.status_code, r.text)
    assert r.headers["content-type"] == "application/problem+json"
